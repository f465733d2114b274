"""Issuance from CSRs (proof of possession), card pairs, renewal and revocation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sandbox.ca.errors import (
    CaError,
    InvalidRequestError,
)
from sandbox.ca.models import IssuedCertificate
from sandbox.ca.names import Person
from sandbox.ca.profiles import (
    PAIR_PROFILES,
    Profile,
    check_person_key,
    get_profile,
    holder_extensions,
    static_person_extensions,
)
from sandbox.ca.revocation import find_certificate
from sandbox.ca.timeutil import as_utc, serial_hex, utcnow

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPublicKeyTypes

    from sandbox.ca.keys import CaSigner
    from sandbox.ca.service import AuthoritySnapshot, MockCa

SERIAL_ATTEMPTS = 5


def new_serial() -> int:
    """Random positive serial of 159 bits (RFC 5280 allows 20 octets; we need >= 64 bits)."""
    return x509.random_serial_number()


def load_csr(csr: bytes | str | x509.CertificateSigningRequest) -> x509.CertificateSigningRequest:
    if isinstance(csr, x509.CertificateSigningRequest):
        return csr
    data = csr.encode("ascii", "replace") if isinstance(csr, str) else csr
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_csr(data)
        return x509.load_der_x509_csr(data)
    except ValueError:
        raise InvalidRequestError("not a PEM or DER certificate signing request") from None


def check_proof_of_possession(
    profile: Profile, csr: x509.CertificateSigningRequest
) -> x509.CertificateSigningRequest:
    try:
        key = csr.public_key()
    except Exception:  # unsupported algorithms surface as several exception types
        raise InvalidRequestError("the CSR carries an unsupported public key") from None
    check_person_key(profile, key)
    try:
        valid = csr.is_signature_valid
    except Exception:
        valid = False
    if not valid:
        raise InvalidRequestError(
            "the CSR signature does not verify: no proof of possession of the card key"
        )
    return csr


def validity_window(
    ca: MockCa,
    profile: Profile,
    validity_days: int | None,
    now: dt.datetime,
    issuer_not_after: dt.datetime,
) -> tuple[dt.datetime, dt.datetime]:
    maximum = profile.default_validity_days(ca.settings)
    days = maximum if validity_days is None else validity_days
    if not 1 <= days <= maximum:
        raise InvalidRequestError(
            f"validity of {days} days is outside 1-{maximum} for profile {profile.name}"
        )
    return now, min(now + dt.timedelta(days=days), as_utc(issuer_not_after))


@dataclass(frozen=True)
class IssuedRecord:
    """What issuance hands back: the stored record, detached from any session."""

    serial: str
    profile: str
    issuer_slug: str
    subject: str
    hsa_id: str
    card_number: str
    not_before: dt.datetime
    not_after: dt.datetime
    der: bytes
    renewed_from: str | None = None

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.der)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


_INSERTS: dict[str, Any] = {}


def _insert_statement(session: Session):
    """INSERT ... ON CONFLICT (serial) DO NOTHING, so a serial collision is a retry, not an
    aborted transaction (and no SAVEPOINT round trip per issuance)."""
    dialect = session.get_bind(IssuedCertificate).dialect
    stmt = _INSERTS.get(dialect.name)
    if stmt is None:
        table = IssuedCertificate.__table__
        if dialect.name == "postgresql":
            stmt = pg_insert(table).on_conflict_do_nothing(index_elements=["serial"])
        elif dialect.name == "sqlite":
            stmt = sqlite_insert(table).on_conflict_do_nothing(index_elements=["serial"])
        else:
            stmt = insert(table)
        if dialect.insert_returning:
            stmt = stmt.returning(table.c.id)
        _INSERTS[dialect.name] = stmt
    return stmt


def _inserted(result) -> bool:
    if result.returns_rows:
        return result.first() is not None
    return result.rowcount == 1


def person_certificate_builder(
    session: Session,
    ca: MockCa,
    profile: Profile,
    public_key: CertificateIssuerPublicKeyTypes,
    person: Person,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> tuple[AuthoritySnapshot, CaSigner, x509.CertificateBuilder, x509.Name]:
    """Everything but the serial: (issuer, signer, builder, subject). Used by the bench.

    The profile's fixed extensions are built once per issuing CA and cached; the builder is
    constructed in one step rather than through nine copying `add_extension` calls.
    """
    issuer = ca.authority(session, profile.issuer_slug)
    issuer_cert = ca.certificate_of(issuer)
    fixed = ca.cached(
        ("profile-extensions", profile, issuer.id, issuer.serial),
        lambda: [
            x509.Extension(ext.oid, critical, ext)
            for ext, critical in static_person_extensions(
                profile, ca.settings, ca.subject_key_id(issuer)
            )
        ],
    )
    holder = [
        x509.Extension(ext.oid, critical, ext)
        for ext, critical in holder_extensions(public_key, person.card_number)
    ]
    subject = person.subject(ca.settings.organisation)
    base = x509.CertificateBuilder(
        issuer_name=issuer_cert.subject,
        subject_name=subject,
        public_key=public_key,
        not_valid_before=not_before,
        not_valid_after=not_after,
        extensions=[*fixed, *holder],
    )
    return issuer, ca.signer_of(issuer), base, subject


def _build_and_store(
    session: Session,
    ca: MockCa,
    profile: Profile,
    csr: x509.CertificateSigningRequest,
    person: Person,
    not_before: dt.datetime,
    not_after: dt.datetime,
    now: dt.datetime,
    renewed_from: IssuedCertificate | None = None,
) -> IssuedRecord:
    issuer, signer, base, subject = person_certificate_builder(
        session, ca, profile, csr.public_key(), person, not_before, not_after
    )
    subject_text = subject.rfc4514_string()
    stmt = _insert_statement(session)
    for _attempt in range(SERIAL_ATTEMPTS):
        cert = base.serial_number(new_serial()).sign(signer.signing_key(), signer.hash_algorithm)
        record = IssuedRecord(
            serial=serial_hex(cert.serial_number),
            profile=profile.name,
            issuer_slug=issuer.slug,
            subject=subject_text,
            hsa_id=person.hsa_id,
            card_number=person.card_number,
            not_before=not_before,
            not_after=not_after,
            der=cert.public_bytes(serialization.Encoding.DER),
            renewed_from=renewed_from.serial if renewed_from else None,
        )
        result = session.execute(
            stmt,
            {
                "serial": record.serial,
                "issuer_id": issuer.id,
                "profile": record.profile,
                "subject": subject_text,
                "hsa_id": record.hsa_id,
                "card_number": record.card_number,
                "not_before": not_before,
                "not_after": not_after,
                "der": record.der,
                "status": "good",
                "renewed_from_id": renewed_from.id if renewed_from else None,
                "created_at": now,
            },
        )
        if _inserted(result):
            return record
        # serial collision (or a dialect without ON CONFLICT raised): draw again
    raise CaError("could not allocate a unique serial number")


def _finish(session: Session, commit: bool) -> None:
    """Commit (or flush) the CA change together with the audit event emitted before it."""
    if commit:
        session.commit()
    else:
        session.flush()


def issue_certificate(
    session: Session,
    ca: MockCa,
    csr: bytes | str | x509.CertificateSigningRequest,
    profile_name: str,
    person: Person,
    *,
    validity_days: int | None = None,
    now: dt.datetime | None = None,
    commit: bool = True,
) -> IssuedRecord:
    now = now or utcnow()
    profile = get_profile(profile_name)
    person = person.validated()
    request = check_proof_of_possession(profile, load_csr(csr))
    issuer = ca.authority(session, profile.issuer_slug)
    not_before, not_after = validity_window(ca, profile, validity_days, now, issuer.not_after)
    row = _build_and_store(session, ca, profile, request, person, not_before, not_after, now)
    session.flush()
    ca.emit("ca.issue", issue_details(row))
    _finish(session, commit)
    return row


def issue_card_pair(
    session: Session,
    ca: MockCa,
    csr_auth: bytes | str | x509.CertificateSigningRequest,
    csr_sign: bytes | str | x509.CertificateSigningRequest,
    person: Person,
    *,
    loa: int = 3,
    validity_days: int | None = None,
    now: dt.datetime | None = None,
    commit: bool = True,
) -> tuple[IssuedRecord, IssuedRecord]:
    """Authentication + signature certificate for one card, in one transaction."""
    now = now or utcnow()
    if loa not in PAIR_PROFILES:
        raise InvalidRequestError(f"no card-pair profiles for LoA {loa}; choose 2 or 3")
    auth_profile, sign_profile = (get_profile(n) for n in PAIR_PROFILES[loa])
    person = person.validated()
    auth_csr = check_proof_of_possession(auth_profile, load_csr(csr_auth))
    sign_csr = check_proof_of_possession(sign_profile, load_csr(csr_sign))
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    if auth_csr.public_key().public_bytes(der, spki) == sign_csr.public_key().public_bytes(
        der, spki
    ):
        raise InvalidRequestError(
            "the authentication and signature CSRs carry the same key; a card has two keys"
        )
    issuer = ca.authority(session, auth_profile.issuer_slug)
    window = validity_window(ca, auth_profile, validity_days, now, issuer.not_after)
    auth = _build_and_store(session, ca, auth_profile, auth_csr, person, *window, now)
    sign = _build_and_store(session, ca, sign_profile, sign_csr, person, *window, now)
    session.flush()
    ca.emit("ca.issue", issue_details(auth))
    ca.emit("ca.issue", issue_details(sign))
    _finish(session, commit)
    return auth, sign


def person_from_certificate(row: IssuedCertificate) -> Person:
    subject = x509.load_der_x509_certificate(row.der).subject

    def first(oid: x509.ObjectIdentifier) -> str | None:
        attrs = subject.get_attributes_for_oid(oid)
        return str(attrs[0].value) if attrs else None

    return Person(
        hsa_id=row.hsa_id,
        given_name=first(NameOID.GIVEN_NAME) or "",
        surname=first(NameOID.SURNAME) or "",
        card_number=row.card_number,
        organisation=first(NameOID.ORGANIZATION_NAME),
        title=first(NameOID.TITLE),
    )


def renew_certificate(
    session: Session,
    ca: MockCa,
    serial: str,
    *,
    csr: bytes | str | x509.CertificateSigningRequest | None = None,
    validity_days: int | None = None,
    now: dt.datetime | None = None,
    commit: bool = True,
) -> IssuedRecord:
    """New certificate with the same profile and subject; a new CSR means a new key.

    Without a CSR the old (already proven) public key is certified again. The old
    certificate stays valid; revoke it with reason superseded if it must not be.
    """
    now = now or utcnow()
    old = find_certificate(session, serial)
    if old.status != "good":
        raise InvalidRequestError(f"certificate {old.serial} is revoked and cannot be renewed")
    profile = get_profile(old.profile)
    person = person_from_certificate(old).validated()
    if csr is None:
        request = _RecertifyRequest(x509.load_der_x509_certificate(old.der))
    else:
        request = check_proof_of_possession(profile, load_csr(csr))
    issuer = ca.authority(session, profile.issuer_slug)
    not_before, not_after = validity_window(ca, profile, validity_days, now, issuer.not_after)
    row = _build_and_store(
        session,
        ca,
        profile,
        request,
        person,
        not_before,
        not_after,
        now,  # type: ignore[arg-type]
        renewed_from=old,
    )
    session.flush()
    ca.emit("ca.renew", {**issue_details(row), "renewed_from": old.serial})
    _finish(session, commit)
    return row


class _RecertifyRequest:
    """Stands in for a CSR when renewal reuses the key of the old certificate."""

    def __init__(self, cert: x509.Certificate) -> None:
        self._cert = cert

    def public_key(self):
        return self._cert.public_key()


def issue_details(row: IssuedRecord) -> dict:
    return {
        "serial": row.serial,
        "profile": row.profile,
        "hsa_id": row.hsa_id,
        "card_number": row.card_number,
        "not_before": as_utc(row.not_before).isoformat(),
        "not_after": as_utc(row.not_after).isoformat(),
    }
