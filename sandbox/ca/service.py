"""`MockCa`: the mock CA's public API. Holds settings, the key store, caches and the audit hook.

Every method takes a `sqlalchemy.orm.Session` first. Methods that change state commit by
default (a certificate must never leave the CA without its durable record); pass
``commit=False`` to fold the change into the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox.ca import crl as crl_mod
from sandbox.ca import hierarchy, issuance, ocsp, revocation
from sandbox.ca.errors import CaNotInitialisedError
from sandbox.ca.group_commit import GroupCommitter
from sandbox.ca.keys import CaSigner, KeyStore
from sandbox.ca.models import CertificateAuthority, IssuedCertificate, Revocation
from sandbox.ca.names import Person
from sandbox.ca.profiles import Profile
from sandbox.ca.settings import CaSettings
from sandbox.ca.timeutil import as_utc

log = logging.getLogger(__name__)

EventCallback = Callable[[str, dict], Any]
_MISSING = object()


@dataclass(frozen=True)
class AuthoritySnapshot:
    """What signing and publication need to know about a CA, detached from the session."""

    id: int
    slug: str
    kind: str
    serial: str
    key_file: str
    not_after: dt.datetime
    der: bytes
    key_mtime: int | None


AnyAuthority = AuthoritySnapshot | CertificateAuthority


class MockCa:
    def __init__(
        self,
        settings: CaSettings,
        on_event: EventCallback | None = None,
        group_commit: GroupCommitter | None = None,
    ) -> None:
        """`group_commit`: share durable commits among concurrent issuers.

        With it, `issue`, `issue_card_pair` and `renew` called with ``commit=True`` on a
        session that holds no transaction hand their store step to the committer and return
        once it is committed; the session is used for reads only. A session inside a
        transaction (or ``commit=False``) gets the plain path: the rows join that
        transaction. See `sandbox.ca.group_commit`.
        """
        self.settings = settings
        self.group_commit = group_commit
        self.keys = KeyStore(settings.key_dir, settings.passphrase)
        self.on_event = on_event
        self._cache: dict[tuple, Any] = {}
        self._authorities: dict[str, AuthoritySnapshot] = {}
        self._lock = threading.Lock()

    # --- plumbing -------------------------------------------------------------------
    def emit(self, action: str, details: dict) -> None:
        """Send one CA operation to the audit log (the platform's record_event).

        Called after the change is flushed and before it is committed, so an audit
        callback that adds a row to the same session commits atomically with it.
        """
        if self.on_event is not None:
            self.on_event(action, details)

    def cached(self, key: tuple, factory: Callable[[], Any]) -> Any:
        value = self._cache.get(key, _MISSING)  # dict read is atomic; no lock on the hot path
        if value is not _MISSING:
            return value
        value = factory()
        with self._lock:
            self._cache[key] = value
        return value

    def clear_caches(self) -> None:
        with self._lock:
            self._cache.clear()
            self._authorities.clear()
        self.keys.clear_cache()

    def authority(
        self, session: Session, slug: str, kinds: Iterable[str] | None = None
    ) -> AuthoritySnapshot:
        """Read-only view of one CA, cached until its key file changes (`init --force`)."""
        kinds = tuple(kinds) if kinds is not None else None
        snapshot = self._authorities.get(slug)  # dict read is atomic; no lock on the hot path
        if snapshot is not None and self._key_mtime(snapshot.key_file) == snapshot.key_mtime:
            if kinds is None or snapshot.kind in kinds:
                return snapshot
            raise CaNotInitialisedError(f"{slug!r} is not a CA of kind {', '.join(kinds)}")
        row = session.scalar(select(CertificateAuthority).where(CertificateAuthority.slug == slug))
        if row is None or (kinds is not None and row.kind not in kinds):
            raise CaNotInitialisedError(f"CA {slug!r} does not exist; run `flask ca init` first")
        snapshot = AuthoritySnapshot(
            id=row.id,
            slug=row.slug,
            kind=row.kind,
            serial=row.serial,
            key_file=row.key_file,
            not_after=as_utc(row.not_after),
            der=row.der,
            key_mtime=self._key_mtime(row.key_file),
        )
        with self._lock:
            self._authorities[slug] = snapshot
        return snapshot

    def _key_mtime(self, key_file: str) -> int | None:
        return self.keys.mtime_ns(key_file)

    def certificate_of(self, authority: AnyAuthority) -> x509.Certificate:
        return self.cached(
            ("cert", authority.id, authority.serial),
            lambda: x509.load_der_x509_certificate(authority.der),
        )

    def subject_key_id(self, authority: AnyAuthority) -> x509.SubjectKeyIdentifier:
        return self.cached(
            ("ski", authority.id, authority.serial),
            lambda: (
                self.certificate_of(authority)
                .extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
                .value
            ),
        )

    def signer_of(self, authority: AnyAuthority) -> CaSigner:
        return self.keys.load(authority.key_file)

    def issuance_plan(self, session: Session, profile: Profile) -> issuance.IssuancePlan:
        """What every certificate of `profile` shares (issuer, DN, pre-encoded extensions),
        built once per issuing CA certificate; a re-initialised CA gets a new plan."""
        issuer = self.authority(session, profile.issuer_slug)
        return self.cached(
            ("issuance-plan", profile.name, issuer.id, issuer.serial),
            lambda: issuance.IssuancePlan.build(self, profile, issuer),
        )

    # --- hierarchy ------------------------------------------------------------------
    def init_hierarchy(
        self, session: Session, *, force: bool = False, now: dt.datetime | None = None
    ) -> list[CertificateAuthority]:
        """Create root, issuing CAs (LoA3, LoA2 reserve) and OCSP responders; first CRLs."""
        created = hierarchy.init_hierarchy(session, self, force=force, now=now)
        self.emit(
            "ca.init",
            {
                "force": force,
                "key_type": self.settings.ca_key_type,
                "authorities": [{"slug": a.slug, "serial": a.serial} for a in created],
            },
        )
        session.commit()
        for authority in created:
            if authority.kind in crl_mod.CRL_ISSUER_KINDS:
                crl_mod.generate_crl(session, self, authority.slug, now=now)
        return created

    def is_initialised(self, session: Session) -> bool:
        return hierarchy.hierarchy_exists(session, self)

    def authorities(self, session: Session) -> list[CertificateAuthority]:
        return list(session.scalars(select(CertificateAuthority).order_by(CertificateAuthority.id)))

    def ca_certificate_pem(self, session: Session, slug: str) -> bytes:
        return self.certificate_of(self.authority(session, slug)).public_bytes(
            serialization.Encoding.PEM
        )

    # --- issuance and revocation -----------------------------------------------------
    def issue(
        self,
        session: Session,
        csr: bytes | str | x509.CertificateSigningRequest,
        profile: str,
        person: Person,
        *,
        validity_days: int | None = None,
        now: dt.datetime | None = None,
        commit: bool = True,
    ) -> issuance.IssuedRecord:
        return issuance.issue_certificate(
            session,
            self,
            csr,
            profile,
            person,
            validity_days=validity_days,
            now=now,
            commit=commit,
        )

    def issue_card_pair(
        self,
        session: Session,
        csr_auth: bytes | str | x509.CertificateSigningRequest,
        csr_sign: bytes | str | x509.CertificateSigningRequest,
        person: Person,
        *,
        loa: int = 3,
        validity_days: int | None = None,
        now: dt.datetime | None = None,
        commit: bool = True,
    ) -> tuple[issuance.IssuedRecord, issuance.IssuedRecord]:
        return issuance.issue_card_pair(
            session,
            self,
            csr_auth,
            csr_sign,
            person,
            loa=loa,
            validity_days=validity_days,
            now=now,
            commit=commit,
        )

    def renew(
        self,
        session: Session,
        serial: str,
        *,
        csr: bytes | str | x509.CertificateSigningRequest | None = None,
        validity_days: int | None = None,
        now: dt.datetime | None = None,
        commit: bool = True,
    ) -> issuance.IssuedRecord:
        return issuance.renew_certificate(
            session,
            self,
            serial,
            csr=csr,
            validity_days=validity_days,
            now=now,
            commit=commit,
        )

    def revoke(
        self,
        session: Session,
        serial: str,
        reason: str,
        *,
        now: dt.datetime | None = None,
        commit: bool = True,
    ) -> Revocation:
        return revocation.revoke_certificate(session, self, serial, reason, now=now, commit=commit)

    def revoke_card(
        self,
        session: Session,
        card_number: str,
        reason: str,
        *,
        now: dt.datetime | None = None,
    ) -> list[Revocation]:
        """Revoke every still-good certificate on one card (lost card, leaver)."""
        rows = self.certificates(session, card_number=card_number, status="good")
        revocations = [self.revoke(session, r.serial, reason, now=now, commit=False) for r in rows]
        session.commit()
        return revocations

    def certificate(self, session: Session, serial: str) -> IssuedCertificate:
        return revocation.find_certificate(session, serial)

    def certificates(
        self,
        session: Session,
        *,
        hsa_id: str | None = None,
        card_number: str | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[IssuedCertificate]:
        query = select(IssuedCertificate).order_by(IssuedCertificate.id)
        if hsa_id is not None:
            query = query.where(IssuedCertificate.hsa_id == hsa_id)
        if card_number is not None:
            query = query.where(IssuedCertificate.card_number == card_number)
        if status is not None:
            query = query.where(IssuedCertificate.status == status)
        if limit is not None:
            query = query.limit(limit)
        return list(session.scalars(query))

    # --- publication ----------------------------------------------------------------
    def generate_crl(self, session: Session, slug: str, *, now: dt.datetime | None = None):
        return crl_mod.generate_crl(session, self, slug, now=now)

    def generate_all_crls(self, session: Session, *, now: dt.datetime | None = None) -> list:
        authorities = session.scalars(
            select(CertificateAuthority)
            .where(CertificateAuthority.kind.in_(crl_mod.CRL_ISSUER_KINDS))
            .order_by(CertificateAuthority.id)
        ).all()
        return [crl_mod.generate_crl(session, self, a.slug, now=now) for a in authorities]

    def current_crl(self, session: Session, slug: str, *, now: dt.datetime | None = None) -> bytes:
        return crl_mod.current_crl(session, self, slug, now=now)

    def refresh_crls_if_due(self, session: Session, now: dt.datetime | None = None) -> list[str]:
        return crl_mod.refresh_crls_if_due(session, self, now)

    def ocsp_response(
        self, session: Session, request_der: bytes, *, now: dt.datetime | None = None
    ) -> bytes:
        return ocsp.respond(session, self, request_der, now=now)


def certificate_pem(row: IssuedCertificate | issuance.IssuedRecord) -> bytes:
    return x509.load_der_x509_certificate(row.der).public_bytes(serialization.Encoding.PEM)
