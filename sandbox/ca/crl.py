"""CRLs per CA: generation (entries handed to the builder at once), lazy and scheduled refresh."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox.ca.models import CertificateAuthority, CrlState, IssuedCertificate, Revocation
from sandbox.ca.profiles import REVOCATION_REASONS
from sandbox.ca.timeutil import as_utc, utcnow

if TYPE_CHECKING:
    from sandbox.ca.service import MockCa

CRL_ISSUER_KINDS = ("root", "issuing")


def revoked_entries(
    session: Session, issuer_id: int, now: dt.datetime
) -> list[x509.RevokedCertificate]:
    """One entry per revoked, unexpired certificate (expired ones may leave the CRL)."""
    rows = session.execute(
        select(IssuedCertificate.serial, Revocation.revoked_at, Revocation.reason)
        .join(Revocation, Revocation.certificate_id == IssuedCertificate.id)
        .where(Revocation.issuer_id == issuer_id, IssuedCertificate.not_after >= now)
        .order_by(Revocation.id)
    ).all()
    entries = []
    for serial, revoked_at, reason in rows:
        entries.append(
            x509.RevokedCertificateBuilder()
            .serial_number(int(serial, 16))
            .revocation_date(as_utc(revoked_at))
            .add_extension(x509.CRLReason(REVOCATION_REASONS[reason]), critical=False)
            .build()
        )
    return entries


def generate_crl(
    session: Session,
    ca: MockCa,
    slug: str,
    *,
    now: dt.datetime | None = None,
    commit: bool = True,
) -> CrlState:
    """Sign a new CRL for one CA with the next CRL number and store it."""
    now = now or utcnow()
    authority = ca.authority(session, slug, kinds=CRL_ISSUER_KINDS)
    state = session.scalar(
        select(CrlState).where(CrlState.issuer_id == authority.id).with_for_update()
    )
    number = 1 if state is None else state.crl_number + 1
    next_update = now + dt.timedelta(hours=ca.settings.crl_validity_hours)
    issuer_cert = ca.certificate_of(authority)
    signer = ca.signer_of(authority)
    builder = x509.CertificateRevocationListBuilder(
        issuer_name=issuer_cert.subject,
        last_update=now,
        next_update=next_update,
        revoked_certificates=revoked_entries(session, authority.id, now),
    )
    builder = builder.add_extension(x509.CRLNumber(number), critical=False).add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
            ca.subject_key_id(authority)
        ),
        critical=False,
    )
    crl = builder.sign(signer.signing_key(), signer.hash_algorithm)
    der = crl.public_bytes(serialization.Encoding.DER)
    if state is None:
        state = CrlState(issuer_id=authority.id)
        session.add(state)
    state.crl_number = number
    state.this_update = now
    state.next_update = next_update
    state.der = der
    session.flush()
    ca.emit(
        "ca.crl",
        {
            "ca": slug,
            "crl_number": number,
            "entries": len(crl),
            "this_update": now.isoformat(),
            "next_update": next_update.isoformat(),
        },
    )
    if commit:
        session.commit()
    return state


def crl_is_due(ca: MockCa, state: CrlState | None, now: dt.datetime) -> bool:
    if state is None:
        return True
    margin = dt.timedelta(hours=ca.settings.crl_refresh_margin_hours)
    return as_utc(state.next_update) - margin <= now


def current_crl(
    session: Session, ca: MockCa, slug: str, *, now: dt.datetime | None = None
) -> bytes:
    """The published CRL (DER), regenerated first when its next update is near."""
    now = now or utcnow()
    authority = ca.authority(session, slug, kinds=CRL_ISSUER_KINDS)
    state = session.scalar(select(CrlState).where(CrlState.issuer_id == authority.id))
    if crl_is_due(ca, state, now):
        state = generate_crl(session, ca, slug, now=now)
    return state.der


def refresh_crls_if_due(session: Session, ca: MockCa, now: dt.datetime | None = None) -> list[str]:
    """Scheduled refresh: regenerate every CRL whose next update is within the margin."""
    now = now or utcnow()
    refreshed = []
    authorities = session.scalars(
        select(CertificateAuthority)
        .where(CertificateAuthority.kind.in_(CRL_ISSUER_KINDS))
        .order_by(CertificateAuthority.id)
    ).all()
    for authority in authorities:
        state = session.scalar(select(CrlState).where(CrlState.issuer_id == authority.id))
        if crl_is_due(ca, state, now):
            generate_crl(session, ca, authority.slug, now=now)
            refreshed.append(authority.slug)
    return refreshed
