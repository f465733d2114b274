"""All models, imported here so that Alembic and the app see every table."""

from lms.models.audit import AuditEvent
from lms.models.enrolment import (
    Application,
    ApplicationState,
    Attestation,
    AttestationMethod,
    RoleSought,
)
from lms.models.mail import MailStatus, OutgoingMail
from lms.models.throttle import ThrottleCounter
from lms.models.token import Token, TokenPurpose
from lms.models.types import utcnow
from lms.models.user import Role, User, UserRole

__all__ = [
    "Application",
    "ApplicationState",
    "Attestation",
    "AttestationMethod",
    "AuditEvent",
    "MailStatus",
    "OutgoingMail",
    "Role",
    "RoleSought",
    "ThrottleCounter",
    "Token",
    "TokenPurpose",
    "User",
    "UserRole",
    "utcnow",
]
