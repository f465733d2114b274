"""Revocation (final, RFC 5280 reasons) and certificate lookup."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox.ca.crl import generate_crl
from sandbox.ca.errors import AlreadyRevokedError, InvalidRequestError, UnknownCertificateError
from sandbox.ca.models import IssuedCertificate, Revocation
from sandbox.ca.profiles import get_profile
from sandbox.ca.timeutil import utcnow

if TYPE_CHECKING:
    from sandbox.ca.service import MockCa


def find_certificate(session: Session, serial: str) -> IssuedCertificate:
    row = session.scalar(select(IssuedCertificate).where(IssuedCertificate.serial == serial))
    if row is None:
        raise UnknownCertificateError(f"no certificate with serial {serial}")
    return row


def revoke_certificate(
    session: Session,
    ca: MockCa,
    serial: str,
    reason: str,
    *,
    now: dt.datetime | None = None,
    commit: bool = True,
) -> Revocation:
    """Final revocation; visible in OCSP at once and in a freshly generated CRL."""
    now = now or utcnow()
    row = find_certificate(session, serial)
    profile = get_profile(row.profile)
    allowed = profile.allowed_reasons()
    if reason not in allowed:
        raise InvalidRequestError(
            f"reason {reason!r} is not allowed for profile {profile.name}; "
            f"choose one of: {', '.join(allowed)}"
        )
    if row.status == "revoked" or row.revocation is not None:
        raise AlreadyRevokedError(f"certificate {row.serial} is already revoked (final)")
    revocation = Revocation(certificate=row, issuer_id=row.issuer_id, reason=reason, revoked_at=now)
    row.status = "revoked"
    session.add(revocation)
    session.flush()
    details = {
        "serial": row.serial,
        "reason": reason,
        "hsa_id": row.hsa_id,
        "card_number": row.card_number,
        "profile": row.profile,
        "revoked_at": now.isoformat(),
    }
    ca.emit("ca.revoke", details)
    generate_crl(session, ca, row.issuer.slug, now=now, commit=False)
    if commit:
        session.commit()
    else:
        session.flush()
    return revocation
