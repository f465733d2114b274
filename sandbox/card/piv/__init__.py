"""PIV (NIST SP 800-73-4) client: constants, session and card-key certificate helpers."""

from .certs import build_csr, build_self_signed_certificate
from .constants import DEFAULT_MANAGEMENT_KEY, KeyType, ManagementKeyType, ObjectId, Slot
from .session import PivSession

__all__ = [
    "DEFAULT_MANAGEMENT_KEY",
    "KeyType",
    "ManagementKeyType",
    "ObjectId",
    "PivSession",
    "Slot",
    "build_csr",
    "build_self_signed_certificate",
]
