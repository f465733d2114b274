"""All models, imported here so that Alembic and the app see every table."""

from lms.models.audit import AuditChainHead, AuditEvent
from lms.models.certification import (
    Certification,
    CertificationReminder,
    CertificationStatus,
    SendBack,
)
from lms.models.enrolment import (
    Application,
    ApplicationState,
    Attestation,
    AttestationMethod,
    RoleSought,
)
from lms.models.mail import MailStatus, OutgoingMail
from lms.models.progress import CheckpointAnswer, LessonProgress, PartCompletion
from lms.models.quiz import Attempt, AttemptAnswer, AttemptStatus, ExtraTime, TestReopening
from lms.models.sandbox import (
    ExerciseOutcome,
    ExerciseRun,
    RegisterCard,
    RegisterCardState,
    RegisterPerson,
)
from lms.models.throttle import ThrottleCounter
from lms.models.token import Token, TokenPurpose
from lms.models.types import utcnow
from lms.models.user import Role, User, UserRole

__all__ = [
    "Application",
    "ApplicationState",
    "Attempt",
    "ExerciseOutcome",
    "ExerciseRun",
    "RegisterCard",
    "RegisterCardState",
    "RegisterPerson",
    "AttemptAnswer",
    "AttemptStatus",
    "Attestation",
    "AttestationMethod",
    "AuditChainHead",
    "AuditEvent",
    "Certification",
    "CertificationReminder",
    "CertificationStatus",
    "CheckpointAnswer",
    "ExtraTime",
    "TestReopening",
    "LessonProgress",
    "MailStatus",
    "OutgoingMail",
    "PartCompletion",
    "Role",
    "SendBack",
    "RoleSought",
    "ThrottleCounter",
    "Token",
    "TokenPurpose",
    "User",
    "UserRole",
    "utcnow",
]
