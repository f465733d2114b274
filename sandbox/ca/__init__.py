"""Mock SITHS-like certificate authority for the sandbox (no Flask, no lms imports).

Public API: build a `MockCa` from `CaSettings` (or `settings_from_mapping(config, instance)`)
and call its methods with a SQLAlchemy session. Tables live on `CaBase.metadata`.
"""

from sandbox.ca.errors import (
    AlreadyRevokedError,
    CaAlreadyInitialisedError,
    CaConfigError,
    CaError,
    CaNotInitialisedError,
    InvalidRequestError,
    UnknownCertificateError,
)
from sandbox.ca.issuance import IssuedRecord
from sandbox.ca.models import (
    CaBase,
    CertificateAuthority,
    CrlState,
    IssuedCertificate,
    Revocation,
)
from sandbox.ca.names import Person, validate_card_number, validate_hsa_id
from sandbox.ca.profiles import PAIR_PROFILES, PROFILES, REVOCATION_REASONS, Profile
from sandbox.ca.service import MockCa, certificate_pem
from sandbox.ca.settings import CaSettings, settings_from_mapping


def refresh_crls_if_due(session, ca: MockCa, now=None) -> list[str]:
    """Scheduled CRL refresh (call from a timer/cron): regenerates CRLs that are due."""
    return ca.refresh_crls_if_due(session, now)


__all__ = [
    "AlreadyRevokedError",
    "CaAlreadyInitialisedError",
    "CaBase",
    "CaConfigError",
    "CaError",
    "CaNotInitialisedError",
    "CaSettings",
    "CertificateAuthority",
    "CrlState",
    "InvalidRequestError",
    "IssuedCertificate",
    "IssuedRecord",
    "MockCa",
    "PAIR_PROFILES",
    "PROFILES",
    "Person",
    "Profile",
    "REVOCATION_REASONS",
    "Revocation",
    "UnknownCertificateError",
    "certificate_pem",
    "refresh_crls_if_due",
    "settings_from_mapping",
    "validate_card_number",
    "validate_hsa_id",
]
