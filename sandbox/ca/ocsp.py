"""OCSP responder (RFC 6960): answers from the database, signed by the delegated responder.

`respond()` never raises: malformed or multi-certificate requests get `malformedRequest`,
requests about an issuer we do not run get `unauthorized`, anything unexpected gets
`internalError`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from sandbox.ca.errors import CaNotInitialisedError
from sandbox.ca.models import IssuedCertificate, Revocation
from sandbox.ca.names import ISSUING_CAS, ocsp_slug
from sandbox.ca.profiles import REVOCATION_REASONS
from sandbox.ca.timeutil import as_utc, serial_hex, utcnow

if TYPE_CHECKING:
    from sandbox.ca.service import AuthoritySnapshot, MockCa

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 16 * 1024
MAX_NONCE_BYTES = 32  # RFC 8954
DER = serialization.Encoding.DER


class _Malformed(Exception):
    pass


def unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(DER)


def public_key_bits(key) -> bytes:
    """Contents of subjectPublicKey BIT STRING, the input of issuerKeyHash."""
    spki = key.public_bytes(DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    # SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }
    return _last_bit_string(spki)


def _read_tlv(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the TLV at offset (DER, definite lengths)."""
    tag = data[offset]
    length = data[offset + 1]
    start = offset + 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(data[start : start + n], "big")
        start += n
    return tag, start, start + length


def _last_bit_string(spki: bytes) -> bytes:
    _, start, end = _read_tlv(spki, 0)
    _, _alg_start, alg_end = _read_tlv(spki, start)
    tag, bits_start, bits_end = _read_tlv(spki, alg_end)
    if tag != 0x03 or bits_end != end:
        raise ValueError("unexpected SubjectPublicKeyInfo layout")
    return spki[bits_start + 1 : bits_end]  # skip the unused-bits octet


def _hash(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    digest = hashes.Hash(algorithm)
    digest.update(data)
    return digest.finalize()


def parse_request(request_der: bytes) -> tuple[ocsp.OCSPRequest, bytes | None]:
    if not request_der or len(request_der) > MAX_REQUEST_BYTES:
        raise _Malformed
    try:
        request = ocsp.load_der_ocsp_request(request_der)
        # touch every field now so lazy parsing errors surface here
        _ = (request.serial_number, request.issuer_key_hash, request.issuer_name_hash)
        _ = request.hash_algorithm
        nonce = None
        for ext in request.extensions:
            if isinstance(ext.value, x509.OCSPNonce):
                nonce = ext.value.nonce
            elif ext.critical:
                raise _Malformed
    except _Malformed:
        raise
    except Exception:  # cryptography raises ValueError, NotImplementedError, ...
        raise _Malformed from None
    if nonce is not None and not 1 <= len(nonce) <= MAX_NONCE_BYTES:
        raise _Malformed
    return request, nonce


def find_issuer(
    session: Session, ca: MockCa, request: ocsp.OCSPRequest
) -> AuthoritySnapshot | None:
    """The issuing CA the request names, from the CA's cached snapshots (no query once warm;
    a re-initialised CA is picked up through its key file, as everywhere in `MockCa`)."""
    algorithm = request.hash_algorithm
    for slug in ISSUING_CAS:
        try:
            issuer = ca.authority(session, slug, kinds=("issuing",))
        except CaNotInitialisedError:
            continue
        name_hash, key_hash = ca.cached(
            ("ocsp-hashes", issuer.id, issuer.serial, algorithm.name),
            lambda issuer=issuer: _issuer_hashes(ca, issuer, algorithm),
        )
        if name_hash == request.issuer_name_hash and key_hash == request.issuer_key_hash:
            return issuer
    return None


def _issuer_hashes(
    ca: MockCa, issuer: AuthoritySnapshot, algorithm: hashes.HashAlgorithm
) -> tuple[bytes, bytes]:
    cert = ca.certificate_of(issuer)
    return (
        _hash(algorithm, cert.subject.public_bytes()),
        _hash(algorithm, public_key_bits(cert.public_key())),
    )


# Built once: constructing the statement on every request cost more than running it.
_STATUS_QUERY = (
    select(IssuedCertificate.status, Revocation.revoked_at, Revocation.reason)
    .outerjoin(Revocation, Revocation.certificate_id == IssuedCertificate.id)
    .where(
        IssuedCertificate.serial == bindparam("serial"),
        IssuedCertificate.issuer_id == bindparam("issuer_id"),
    )
)


def respond(
    session: Session, ca: MockCa, request_der: bytes, *, now: dt.datetime | None = None
) -> bytes:
    """DER OCSPResponse for one request body; never raises."""
    try:
        request, nonce = parse_request(request_der)
    except _Malformed:
        return unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    try:
        return _answer(session, ca, request, nonce, now or utcnow())
    except Exception:
        log.exception("OCSP responder failed")
        session.rollback()
        return unsuccessful(ocsp.OCSPResponseStatus.INTERNAL_ERROR)


def _answer(
    session: Session,
    ca: MockCa,
    request: ocsp.OCSPRequest,
    nonce: bytes | None,
    now: dt.datetime,
) -> bytes:
    issuer = find_issuer(session, ca, request)
    if issuer is None:
        return unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
    row = (
        session.connection()
        .execute(  # Core: a plain row lookup needs no ORM layer
            _STATUS_QUERY, {"serial": serial_hex(request.serial_number), "issuer_id": issuer.id}
        )
        .first()
    )
    revocation_time = revocation_reason = None
    if row is None:
        status = ocsp.OCSPCertStatus.UNKNOWN
    elif row.revoked_at is not None:
        status = ocsp.OCSPCertStatus.REVOKED
        revocation_time = as_utc(row.revoked_at)
        revocation_reason = REVOCATION_REASONS[row.reason]
    else:
        status = ocsp.OCSPCertStatus.GOOD
    responder = ca.authority(session, ocsp_slug(issuer.slug), kinds=("ocsp",))
    responder_cert = ca.certificate_of(responder)
    signer = ca.signer_of(responder)
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number,
            algorithm=request.hash_algorithm,
            cert_status=status,
            this_update=now,
            next_update=now + dt.timedelta(minutes=ca.settings.ocsp_validity_minutes),
            revocation_time=revocation_time,
            revocation_reason=revocation_reason,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, responder_cert)
        .certificates([responder_cert])
    )
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    response = builder.sign(signer.signing_key(), signer.hash_algorithm)
    return response.public_bytes(DER)
