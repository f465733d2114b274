"""Certificates and CSRs whose signature is made by a key on the card.

``cryptography`` builders only sign with software keys. We build the structure with a
throw-away software key of the same family (so the signatureAlgorithm and the TBS
encoding are right), then replace the public key (CSR) and the signature with the
card's, re-encoding the outer DER SEQUENCE ourselves.
"""

from __future__ import annotations

import datetime as dt
import functools

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from ..tlv import encode_tlv, parse_single
from . import keys
from .constants import KeyType, Slot
from .session import PivSession

_SEQUENCE = 0x30
_BIT_STRING = 0x03


@functools.cache
def _placeholder_key(rsa_family: bool) -> keys.PrivateKey:
    if rsa_family:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def _hash_for(key_type: KeyType) -> hashes.HashAlgorithm:
    return hashes.SHA384() if key_type == KeyType.ECCP384 else hashes.SHA256()


def _assemble(to_be_signed: bytes, algorithm_identifier: bytes, signature: bytes) -> bytes:
    body = to_be_signed + algorithm_identifier + encode_tlv(_BIT_STRING, b"\x00" + signature)
    return encode_tlv(_SEQUENCE, body)


def simple_name(common_name: str, organization: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attributes)


def build_self_signed_certificate(
    session: PivSession,
    slot: Slot,
    key_type: KeyType,
    public_key: keys.PublicKey,
    subject: x509.Name,
    *,
    days: int = 365,
    now: dt.datetime | None = None,
) -> x509.Certificate:
    """A self-signed certificate for the card key in ``slot`` (PIN must be verified)."""
    now = now or dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    hash_algorithm = _hash_for(key_type)
    placeholder = builder.sign(_placeholder_key(key_type.is_rsa), hash_algorithm)
    outer = parse_single(placeholder.public_bytes(serialization.Encoding.DER), _SEQUENCE)
    tbs, algorithm_identifier, _ = outer.children()
    signature = session.sign(slot, key_type, tbs.raw, hash_algorithm)
    return x509.load_der_x509_certificate(_assemble(tbs.raw, algorithm_identifier.raw, signature))


def build_csr(
    session: PivSession,
    slot: Slot,
    key_type: KeyType,
    public_key: keys.PublicKey,
    subject: x509.Name,
) -> x509.CertificateSigningRequest:
    """A PKCS#10 request for the card key in ``slot`` (PIN must be verified)."""
    hash_algorithm = _hash_for(key_type)
    placeholder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    signed = placeholder.sign(_placeholder_key(key_type.is_rsa), hash_algorithm)
    outer = parse_single(signed.public_bytes(serialization.Encoding.DER), _SEQUENCE)
    info, algorithm_identifier, _ = outer.children()
    version, name, _spki, *rest = info.children()
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    new_info = encode_tlv(_SEQUENCE, version.raw + name.raw + spki + b"".join(t.raw for t in rest))
    signature = session.sign(slot, key_type, new_info, hash_algorithm)
    csr = x509.load_der_x509_csr(_assemble(new_info, algorithm_identifier.raw, signature))
    return csr
