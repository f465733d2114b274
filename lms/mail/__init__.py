"""Outgoing mail: stored, then sent over SMTP or written to a development outbox."""

from lms.mail.service import deliver, queue_mail, retry_pending

__all__ = ["deliver", "queue_mail", "retry_pending"]
