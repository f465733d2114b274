"""Issuance from CSRs (proof of possession), card pairs, renewal and revocation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from sqlalchemy import bindparam, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, scoped_session

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


@dataclass(frozen=True)
class IssuancePlan:
    """Everything the certificates of one profile from one issuing CA certificate share.

    Built once per (profile, issuing CA certificate) by `MockCa.issuance_plan`. The fixed
    extensions are handed to the builder pre-encoded (their DER is the same for every
    certificate), so the builder copies bytes instead of re-encoding nine extension objects.
    """

    profile: Profile
    issuer: AuthoritySnapshot
    issuer_name: x509.Name
    extensions: tuple[x509.Extension, ...]

    @classmethod
    def build(cls, ca: MockCa, profile: Profile, issuer: AuthoritySnapshot) -> IssuancePlan:
        fixed = static_person_extensions(profile, ca.settings, ca.subject_key_id(issuer))
        return cls(
            profile=profile,
            issuer=issuer,
            issuer_name=ca.certificate_of(issuer).subject,
            extensions=tuple(
                x509.Extension(ext.oid, critical, _pre_encoded(ext)) for ext, critical in fixed
            ),
        )

    def builder(
        self,
        public_key: CertificateIssuerPublicKeyTypes,
        person: Person,
        subject: x509.Name,
        not_before: dt.datetime,
        not_after: dt.datetime,
    ) -> x509.CertificateBuilder:
        """Everything but the serial number, in one constructor call."""
        holder = [
            x509.Extension(ext.oid, critical, ext)
            for ext, critical in holder_extensions(public_key, person.card_number)
        ]
        return x509.CertificateBuilder(
            issuer_name=self.issuer_name,
            subject_name=subject,
            public_key=public_key,
            not_valid_before=not_before,
            not_valid_after=not_after,
            extensions=[*self.extensions, *holder],
        )


def _pre_encoded(ext: x509.ExtensionType) -> x509.UnrecognizedExtension:
    """The same extension as opaque DER: the certificate bytes do not change."""
    return x509.UnrecognizedExtension(ext.oid, ext.public_bytes())


def person_certificate_builder(
    session: Session,
    ca: MockCa,
    profile: Profile,
    public_key: CertificateIssuerPublicKeyTypes,
    person: Person,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> tuple[AuthoritySnapshot, CaSigner, x509.CertificateBuilder, x509.Name]:
    """Everything but the serial: (issuer, signer, builder, subject). Used by the bench."""
    plan = ca.issuance_plan(session, profile)
    subject = person.subject_with_text(ca.settings.organisation)[0]
    base = plan.builder(public_key, person, subject, not_before, not_after)
    return plan.issuer, ca.signer_of(plan.issuer), base, subject


# --- the durable record -------------------------------------------------------------------

RECORD_COLUMNS = (
    "serial",
    "issuer_id",
    "profile",
    "subject",
    "hsa_id",
    "card_number",
    "not_before",
    "not_after",
    "der",
    "status",
    "renewed_from_id",
    "created_at",
)


class RecordWriter:
    """Writes one `ca_certificates` row: INSERT ... ON CONFLICT (serial) DO NOTHING RETURNING id.

    A serial collision is then a retry, not an aborted transaction (no SAVEPOINT round trip).
    On SQLite and PostgreSQL the statement is compiled once per dialect, with SQLAlchemy's
    own bind processors (SQLite stores DateTime as text), and run on the DBAPI cursor of the
    session's connection, inside the session's transaction. That skips SQLAlchemy's
    per-statement execution machinery (about 0.1 ms per issuance), and with it the engine's
    `before/after_cursor_execute` events and echo logging for this one statement. Other
    dialects use an ordinary Core INSERT.
    """

    def __init__(self, dialect) -> None:
        table = IssuedCertificate.__table__
        values = {c: bindparam(c) for c in RECORD_COLUMNS}
        self.raw = dialect.name in ("sqlite", "postgresql") and dialect.insert_returning
        if dialect.name == "postgresql":
            stmt = pg_insert(table).values(values).on_conflict_do_nothing(index_elements=["serial"])
        elif dialect.name == "sqlite":
            stmt = sqlite_insert(table).values(values)
            stmt = stmt.on_conflict_do_nothing(index_elements=["serial"])
        else:
            stmt = insert(table).values(values)
        if dialect.insert_returning:
            stmt = stmt.returning(table.c.id)
        self.statement = stmt
        if not self.raw:
            return
        compiled = stmt.compile(dialect=dialect)
        self.sql = compiled.string
        self.positional = compiled.positional
        order = list(compiled.positiontup or ()) if compiled.positional else list(RECORD_COLUMNS)
        if sorted(order) != sorted(RECORD_COLUMNS):
            raise CaError(f"unexpected bind parameters in the certificate INSERT: {order}")
        self.order = tuple(order)
        self.processors = tuple(
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self.order
        )
        self.dbapi_error = dialect.loaded_dbapi.Error

    def insert(self, session: Session, row: dict[str, Any]) -> bool:
        """True if the row was written, False on a serial collision."""
        if not self.raw:
            result = session.execute(self.statement, row)
            if result.returns_rows:
                return result.first() is not None
            return result.rowcount == 1
        values = [row[name] for name in self.order]
        for i, process in enumerate(self.processors):
            if process is not None and values[i] is not None:
                values[i] = process(values[i])
        params = values if self.positional else dict(zip(self.order, values, strict=True))
        cursor = session.connection().connection.cursor()
        try:
            cursor.execute(self.sql, params)
            return cursor.fetchone() is not None
        except self.dbapi_error as exc:
            raise DBAPIError.instance(self.sql, params, exc, self.dbapi_error) from exc
        finally:
            cursor.close()


_WRITERS: dict[str, RecordWriter] = {}


def record_writer(session: Session) -> RecordWriter:
    dialect = session.get_bind(IssuedCertificate).dialect
    writer = _WRITERS.get(dialect.name)
    if writer is None:
        writer = _WRITERS[dialect.name] = RecordWriter(dialect)
    return writer


class _SignedCertificate:
    """One certificate on its way out: the builder, the CA key and the row that records it.

    `sign()` draws a fresh random serial and signs; it is called again after a serial
    collision. Signing happens in the caller's thread, never inside a transaction.
    """

    def __init__(
        self,
        ca: MockCa,
        plan: IssuancePlan,
        public_key: CertificateIssuerPublicKeyTypes,
        person: Person,
        not_before: dt.datetime,
        not_after: dt.datetime,
        now: dt.datetime,
        renewed_from: IssuedCertificate | None = None,
    ) -> None:
        issuer, profile = plan.issuer, plan.profile
        subject, subject_text = person.subject_with_text(ca.settings.organisation)
        self.base = plan.builder(public_key, person, subject, not_before, not_after)
        signer = ca.signer_of(issuer)
        self.key, self.hash_algorithm = signer.signing_key(), signer.hash_algorithm
        self.issuer_slug = issuer.slug
        self.renewed_from = renewed_from.serial if renewed_from else None
        self.row: dict[str, Any] = {
            "serial": None,
            "issuer_id": issuer.id,
            "profile": profile.name,
            "subject": subject_text,
            "hsa_id": person.hsa_id,
            "card_number": person.card_number,
            "not_before": not_before,
            "not_after": not_after,
            "der": None,
            "status": "good",
            "renewed_from_id": renewed_from.id if renewed_from else None,
            "created_at": now,
        }

    def sign(self) -> None:
        serial = new_serial()
        cert = self.base.serial_number(serial).sign(self.key, self.hash_algorithm)
        self.row["serial"] = serial_hex(serial)
        self.row["der"] = cert.public_bytes(serialization.Encoding.DER)

    def record(self) -> IssuedRecord:
        row = self.row
        return IssuedRecord(
            serial=row["serial"],
            profile=row["profile"],
            issuer_slug=self.issuer_slug,
            subject=row["subject"],
            hsa_id=row["hsa_id"],
            card_number=row["card_number"],
            not_before=row["not_before"],
            not_after=row["not_after"],
            der=row["der"],
            renewed_from=self.renewed_from,
        )


class SerialCollision(Exception):
    """The serial of certificate `index` is taken: draw again and re-sign that one."""

    def __init__(self, index: int) -> None:
        super().__init__(f"serial collision on certificate {index}")
        self.index = index


Events = Callable[[list[IssuedRecord]], list[tuple[str, dict]]]


def _write_records(
    session: Session, ca: MockCa, certs: list[_SignedCertificate], events: Events
) -> list[IssuedRecord]:
    """The store step: every row (or raise SerialCollision) and the audit events."""
    writer = record_writer(session)
    for index, cert in enumerate(certs):
        if not writer.insert(session, cert.row):
            raise SerialCollision(index)
    records = [cert.record() for cert in certs]
    _emit(session, ca, events(records))
    return records


def _emit(session: Session, ca: MockCa, events: list[tuple[str, dict]]) -> None:
    if ca.on_event is not None:
        session.flush()
        for action, details in events:
            ca.emit(action, details)


def _store(
    session: Session,
    ca: MockCa,
    certs: list[_SignedCertificate],
    events: Events,
    commit: bool,
    shared_commit: bool,
) -> list[IssuedRecord]:
    """Sign and durably record `certs` (all or none), with their audit events.

    With `shared_commit` the store step goes to the CA's group committer and this returns
    once the transaction holding it is committed. Otherwise the rows go into the caller's
    session, which is committed (`commit`) or only flushed.
    """
    if shared_commit:
        for _attempt in range(SERIAL_ATTEMPTS):
            for cert in certs:
                if cert.row["serial"] is None:
                    cert.sign()
            try:
                records = ca.group_commit.run(lambda s: _write_records(s, ca, certs, events))
            except SerialCollision as collision:
                certs[collision.index].row["serial"] = None  # nothing of this step was kept
                continue
            if _in_transaction(session):
                session.commit()  # only this call's own reads are in it (see _shares_commit)
            return records
        raise CaError("could not allocate a unique serial number")
    writer = record_writer(session)
    for cert in certs:
        for _attempt in range(SERIAL_ATTEMPTS):
            cert.sign()
            if writer.insert(session, cert.row):
                break
            # serial collision: draw again
        else:
            raise CaError("could not allocate a unique serial number")
    records = [cert.record() for cert in certs]
    _emit(session, ca, events(records))
    _finish(session, commit)
    return records


def _shares_commit(session: Session, ca: MockCa, commit: bool) -> bool:
    """Whether this call may use the group committer: it must commit, and the caller's
    session must hold no transaction, so nothing of the caller's is left uncommitted and
    no lock of the caller's can stand in the writer's way. Callers decide this first, before
    their own reads open a transaction."""
    return commit and ca.group_commit is not None and not _in_transaction(session)


def _in_transaction(session: Session | scoped_session) -> bool:
    real = session() if isinstance(session, scoped_session) else session  # Flask's db.session
    return real.in_transaction()


def _finish(session: Session, commit: bool) -> None:
    """Commit (or flush) the CA change together with the audit event emitted before it."""
    if commit:
        session.commit()
    else:
        session.flush()


def _issued(records: list[IssuedRecord]) -> list[tuple[str, dict]]:
    return [("ca.issue", issue_details(record)) for record in records]


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
    shared = _shares_commit(session, ca, commit)
    now = now or utcnow()
    profile = get_profile(profile_name)
    person = person.validated()
    request = check_proof_of_possession(profile, load_csr(csr))
    plan = ca.issuance_plan(session, profile)
    not_before, not_after = validity_window(ca, profile, validity_days, now, plan.issuer.not_after)
    cert = _SignedCertificate(ca, plan, request.public_key(), person, not_before, not_after, now)
    return _store(session, ca, [cert], _issued, commit, shared)[0]


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
    shared = _shares_commit(session, ca, commit)
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
    auth_plan = ca.issuance_plan(session, auth_profile)
    sign_plan = ca.issuance_plan(session, sign_profile)
    window = validity_window(ca, auth_profile, validity_days, now, auth_plan.issuer.not_after)
    certs = [
        _SignedCertificate(ca, auth_plan, auth_csr.public_key(), person, *window, now),
        _SignedCertificate(ca, sign_plan, sign_csr.public_key(), person, *window, now),
    ]
    auth, sign = _store(session, ca, certs, _issued, commit, shared)
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
    shared = _shares_commit(session, ca, commit)
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
    plan = ca.issuance_plan(session, profile)
    not_before, not_after = validity_window(ca, profile, validity_days, now, plan.issuer.not_after)
    cert = _SignedCertificate(
        ca, plan, request.public_key(), person, not_before, not_after, now, renewed_from=old
    )

    old_serial = old.serial  # the events may be built in the group committer's thread

    def renewed(records: list[IssuedRecord]) -> list[tuple[str, dict]]:
        return [("ca.renew", {**issue_details(records[0]), "renewed_from": old_serial})]

    return _store(session, ca, [cert], renewed, commit, shared)[0]


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
