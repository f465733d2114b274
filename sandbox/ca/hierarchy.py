"""`ca init`: the test root CA, the issuing CAs and their delegated OCSP responders."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sandbox.ca.errors import CaAlreadyInitialisedError
from sandbox.ca.keys import CaSigner, SoftwareSigner, generate_key
from sandbox.ca.models import (
    CertificateAuthority,
    CrlState,
    IssuedCertificate,
    Revocation,
)
from sandbox.ca.names import (
    ISSUING_CAS,
    ROOT_CN,
    ROOT_SLUG,
    ca_name,
    ocsp_common_name,
    ocsp_slug,
)
from sandbox.ca.profiles import policy_extension, publication_extensions
from sandbox.ca.timeutil import serial_hex, utcnow

if TYPE_CHECKING:
    from sandbox.ca.service import MockCa

_CA_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)
_OCSP_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


def hierarchy_exists(session: Session, ca: MockCa) -> bool:
    has_rows = session.scalar(select(CertificateAuthority.id).limit(1)) is not None
    return has_rows or bool(ca.keys.existing_files())


def wipe_hierarchy(session: Session) -> None:
    """Remove every CA row (used by `ca init --force` only)."""
    session.execute(delete(CrlState))
    session.execute(delete(Revocation))
    session.execute(delete(IssuedCertificate))
    session.execute(delete(CertificateAuthority).where(CertificateAuthority.kind == "ocsp"))
    session.execute(delete(CertificateAuthority).where(CertificateAuthority.kind == "issuing"))
    session.execute(delete(CertificateAuthority))


def _save_authority(
    session: Session,
    ca: MockCa,
    *,
    slug: str,
    kind: str,
    cert: x509.Certificate,
    key,
    parent: CertificateAuthority | None,
    loa: int | None,
    now: dt.datetime,
) -> CertificateAuthority:
    key_file = f"{slug}.key.pem"
    ca.keys.store(key_file, key)
    row = CertificateAuthority(
        slug=slug,
        kind=kind,
        subject=cert.subject.rfc4514_string(),
        serial=serial_hex(cert.serial_number),
        parent=parent,
        loa=loa,
        key_file=key_file,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        der=cert.public_bytes(serialization.Encoding.DER),
        created_at=now,
    )
    session.add(row)
    return row


def build_ca_certificate(
    ca: MockCa,
    *,
    subject: x509.Name,
    public_key,
    issuer_cert: x509.Certificate | None,
    signer: CaSigner,
    issuer_slug: str | None,
    loa: int | None,
    days: int,
    now: dt.datetime,
    ocsp_responder: bool = False,
) -> x509.Certificate:
    not_after = now + dt.timedelta(days=days)
    if issuer_cert is not None:
        not_after = min(not_after, issuer_cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert else subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if ocsp_responder:
        builder = (
            builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
            .add_extension(_OCSP_KEY_USAGE, critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False
            )
            .add_extension(x509.OCSPNoCheck(), critical=False)
        )
    else:
        path_length = None if issuer_cert is None else 0
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=path_length), critical=True
        ).add_extension(_CA_KEY_USAGE, critical=True)
    if issuer_cert is not None:
        issuer_ski = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski),
            critical=False,
        )
    if issuer_slug is not None and not ocsp_responder:
        for ext in publication_extensions(ca.settings, issuer_slug, with_ocsp=False):
            builder = builder.add_extension(ext, critical=False)
    if loa is not None and not ocsp_responder:
        builder = builder.add_extension(policy_extension(loa), critical=False)
    return builder.sign(signer.signing_key(), signer.hash_algorithm)


def init_hierarchy(
    session: Session, ca: MockCa, *, force: bool = False, now: dt.datetime | None = None
) -> list[CertificateAuthority]:
    now = now or utcnow()
    if hierarchy_exists(session, ca):
        if not force:
            raise CaAlreadyInitialisedError(
                "a CA hierarchy already exists (database rows or key files in "
                f"{ca.keys.key_dir}); use --force to replace it and discard every issued "
                "certificate"
            )
        wipe_hierarchy(session)
        for path in ca.keys.existing_files():
            path.unlink()
        ca.clear_caches()
    settings = ca.settings
    root_key = generate_key(settings.ca_key_type)
    root_signer = SoftwareSigner(root_key)
    root_cert = build_ca_certificate(
        ca,
        subject=ca_name(ROOT_CN),
        public_key=root_key.public_key(),
        issuer_cert=None,
        signer=root_signer,
        issuer_slug=None,
        loa=None,
        days=settings.root_validity_days,
        now=now,
    )
    root = _save_authority(
        session,
        ca,
        slug=ROOT_SLUG,
        kind="root",
        cert=root_cert,
        key=root_key,
        parent=None,
        loa=None,
        now=now,
    )
    created = [root]
    for slug, (common_name, loa) in ISSUING_CAS.items():
        key = generate_key(settings.ca_key_type)
        cert = build_ca_certificate(
            ca,
            subject=ca_name(common_name),
            public_key=key.public_key(),
            issuer_cert=root_cert,
            signer=root_signer,
            issuer_slug=ROOT_SLUG,
            loa=loa,
            days=settings.issuing_validity_days,
            now=now,
        )
        issuing = _save_authority(
            session,
            ca,
            slug=slug,
            kind="issuing",
            cert=cert,
            key=key,
            parent=root,
            loa=loa,
            now=now,
        )
        responder_key = generate_key(settings.ca_key_type)
        responder_cert = build_ca_certificate(
            ca,
            subject=ca_name(ocsp_common_name(common_name)),
            public_key=responder_key.public_key(),
            issuer_cert=cert,
            signer=SoftwareSigner(key),
            issuer_slug=slug,
            loa=None,
            days=settings.ocsp_validity_days,
            now=now,
            ocsp_responder=True,
        )
        responder = _save_authority(
            session,
            ca,
            slug=ocsp_slug(slug),
            kind="ocsp",
            cert=responder_cert,
            key=responder_key,
            parent=issuing,
            loa=None,
            now=now,
        )
        created += [issuing, responder]
    session.flush()
    return created
