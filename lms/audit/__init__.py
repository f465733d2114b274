"""The platform audit trail."""

from lms.audit.service import record_event

__all__ = ["record_event"]
