"""CRL regeneration and the OCSP responder, tested in-process with cryptography."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from sandbox.ca import CaBase, MockCa

from .helpers import ANNA, make_csr

NOW = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)


def _crl(ca, session, slug="hsa-id-3", now=None) -> x509.CertificateRevocationList:
    return x509.load_der_x509_crl(ca.current_crl(session, slug, now=now))


def _crl_number(crl) -> int:
    return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number


def test_crl_is_signed_numbered_and_regenerated_on_revocation(ca, session, card_keys, events):
    issuer = ca.certificate_of(ca.authority(session, "hsa-id-3"))
    first = _crl(ca, session)
    assert first.is_signature_valid(issuer.public_key())
    assert first.issuer == issuer.subject
    assert len(first) == 0
    assert first.next_update_utc - first.last_update_utc == dt.timedelta(hours=24)
    aki = first.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert (
        aki.key_identifier == x509.SubjectKeyIdentifier.from_public_key(issuer.public_key()).digest
    )
    row = ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)
    ca.revoke(session, row.serial, "keyCompromise")
    second = _crl(ca, session)
    assert _crl_number(second) == _crl_number(first) + 1
    entry = second.get_revoked_certificate_by_serial_number(int(row.serial, 16))
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.key_compromise
    )
    assert second.is_signature_valid(issuer.public_key())
    # the LoA2 CA's CRL is separate and does not list it
    assert len(_crl(ca, session, "hsa-id-2")) == 0
    assert "ca.crl" in events.actions()


def test_crl_is_refreshed_lazily_and_on_schedule_when_next_update_nears(ca, session):
    first = _crl(ca, session)
    number = _crl_number(first)
    # within the margin: the same CRL is served and the schedule does nothing
    soon = first.last_update_utc + dt.timedelta(hours=1)
    assert _crl_number(_crl(ca, session, now=soon)) == number
    assert ca.refresh_crls_if_due(session, soon) == []
    # 6 h before next update: the schedule regenerates every CA's CRL
    due = first.next_update_utc - dt.timedelta(hours=5)
    assert ca.refresh_crls_if_due(session, due) == ["root", "hsa-id-3", "hsa-id-2"]
    assert _crl_number(_crl(ca, session, now=due)) == number + 1
    # lazily on fetch, too
    later = due + dt.timedelta(hours=20)
    fetched = _crl(ca, session, now=later)
    assert _crl_number(fetched) == number + 2
    assert fetched.last_update_utc == later


def test_expired_revoked_certificates_leave_the_crl(ca, session, card_keys):
    row = ca.issue(
        session, make_csr(card_keys["auth"]), "loa2-reserve-auth", ANNA, validity_days=1, now=NOW
    )
    ca.revoke(session, row.serial, "superseded", now=NOW)
    assert len(_crl(ca, session, "hsa-id-2")) == 1
    crl = x509.load_der_x509_crl(
        ca.generate_crl(session, "hsa-id-2", now=NOW + dt.timedelta(days=2)).der
    )
    assert len(crl) == 0


# --- OCSP --------------------------------------------------------------------------


def _request(cert, issuer, nonce: bytes | None = None, algorithm=None) -> bytes:
    builder = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, algorithm or hashes.SHA1())
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build().public_bytes(serialization.Encoding.DER)


def _ask(ca, session, der: bytes) -> ocsp.OCSPResponse:
    return ocsp.load_der_ocsp_response(ca.ocsp_response(session, der))


@pytest.fixture
def issued(ca, session, card_keys):
    row = ca.issue(session, make_csr(card_keys["auth"]), "loa3-auth", ANNA)
    issuer = ca.certificate_of(ca.authority(session, "hsa-id-3"))
    responder = ca.certificate_of(ca.authority(session, "hsa-id-3-ocsp"))
    return row, row.certificate, issuer, responder


def test_ocsp_good_then_revoked_at_once_with_time_and_reason(ca, session, issued):
    row, cert, issuer, responder = issued
    nonce = os.urandom(16)
    good = _ask(ca, session, _request(cert, issuer, nonce))
    assert good.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert good.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert good.serial_number == cert.serial_number
    assert good.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == nonce
    # signed by the delegated responder, which is included and issued by the CA
    assert good.certificates == [responder]
    assert (
        good.responder_key_hash
        == x509.SubjectKeyIdentifier.from_public_key(responder.public_key()).digest
    )
    responder.public_key().verify(
        good.signature, good.tbs_response_bytes, ec.ECDSA(good.signature_hash_algorithm)
    )
    revoked_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ca.revoke(session, row.serial, "affiliationChanged", now=revoked_at)
    revoked = _ask(ca, session, _request(cert, issuer, algorithm=hashes.SHA256()))
    assert revoked.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert revoked.revocation_time_utc == revoked_at
    assert revoked.revocation_reason == x509.ReasonFlags.affiliation_changed
    assert revoked.hash_algorithm.name == "sha256"


def test_ocsp_unknown_serial_from_a_known_issuer_is_unknown(ca, session, issued):
    _row, cert, issuer, _responder = issued
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate_by_hash(
            issuer_name_hash=_request_hashes(cert, issuer)[0],
            issuer_key_hash=_request_hashes(cert, issuer)[1],
            serial_number=12345678901234567890,
            algorithm=hashes.SHA1(),
        )
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    response = _ask(ca, session, request)
    assert response.certificate_status == ocsp.OCSPCertStatus.UNKNOWN


def _request_hashes(cert, issuer):
    req = ocsp.load_der_ocsp_request(_request(cert, issuer))
    return req.issuer_name_hash, req.issuer_key_hash


def test_ocsp_for_an_issuer_we_do_not_run_is_unauthorized(ca, session, issued):
    from sandbox.ca.names import ca_name

    _row, cert, _issuer, _responder = issued
    # another CA whose name and key we never had
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    foreign = (
        x509.CertificateBuilder()
        .subject_name(ca_name("SOMEONE ELSE CA"))
        .issuer_name(ca_name("SOMEONE ELSE CA"))
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    response = _ask(ca, session, _request(foreign, foreign))
    assert response.response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED
    # the root CA runs no OCSP service for end-entity certificates
    root = ca.certificate_of(ca.authority(session, "root"))
    response = _ask(ca, session, _request(root, root))
    assert response.response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED
    # the right name with the wrong key is not our issuer either
    other = ca.certificate_of(ca.authority(session, "hsa-id-2"))
    response = _ask(ca, session, _request(cert, other))
    assert response.response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED


def test_ocsp_malformed_and_multi_certificate_requests_get_malformed_request(ca, session, issued):
    _row, cert, issuer, _responder = issued
    good = _request(cert, issuer)
    bodies = [
        b"",
        b"\x00",
        good[:-3],
        good[: len(good) // 2],
        os.urandom(200),
        b"\x30\x82\xff\xff" + os.urandom(50),
        b"\x30" * 70000,
        _request(cert, issuer, nonce=os.urandom(64)),  # RFC 8954: nonce at most 32 octets
        _multi_cert_request(good),
    ]
    for body in bodies:
        response = _ask(ca, session, body)
        assert response.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST, body[:20]


def _multi_cert_request(single: bytes) -> bytes:
    """Two Request entries in requestList (cryptography cannot build these)."""
    req = ocsp.load_der_ocsp_request(single)
    cert_id = _der_seq(
        _der_seq(b"\x06\x05\x2b\x0e\x03\x02\x1a" + b"\x05\x00")
        + _der(0x04, req.issuer_name_hash)
        + _der(0x04, req.issuer_key_hash)
        + _der(0x02, req.serial_number.to_bytes(20, "big").lstrip(b"\x00").rjust(1, b"\x00"))
    )
    one = _der_seq(cert_id)
    return _der_seq(_der_seq(_der_seq(one + one)))


def _der(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def _der_seq(content: bytes) -> bytes:
    return _der(0x30, content)


def test_hand_built_single_request_matches_cryptography(ca, session, issued):
    """Guards the multi-cert builder above: the same code with one entry is answered."""
    _row, cert, issuer, _responder = issued
    req = ocsp.load_der_ocsp_request(_request(cert, issuer))
    cert_id = _der_seq(
        _der_seq(b"\x06\x05\x2b\x0e\x03\x02\x1a" + b"\x05\x00")
        + _der(0x04, req.issuer_name_hash)
        + _der(0x04, req.issuer_key_hash)
        + _der(0x02, req.serial_number.to_bytes(21, "big").lstrip(b"\x00"))
    )
    single = _der_seq(_der_seq(_der_seq(_der_seq(cert_id))))
    response = _ask(ca, session, single)
    assert response.certificate_status == ocsp.OCSPCertStatus.GOOD


def test_ocsp_before_ca_init_is_unauthorized_not_an_error(settings, tmp_path, issued):
    _row, cert, issuer, _responder = issued
    # another CA with an empty database and no keys: nothing is initialised there
    fresh = MockCa(dataclasses.replace(settings, key_dir=tmp_path / "no-keys"))
    engine = create_engine("sqlite://")
    CaBase.metadata.create_all(engine)
    with Session(engine) as empty:
        response = _ask(fresh, empty, _request(cert, issuer))
    assert response.response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED


def test_ocsp_follows_an_init_force_made_by_another_process(ca, session, settings, issued):
    """The responder caches its issuers; a re-initialised CA (e.g. `flask ca init --force`
    run from the CLI) must be picked up through the key files, not served from the cache."""
    _row, cert, issuer, _responder = issued
    old_request = _request(cert, issuer)
    assert _ask(ca, session, old_request).certificate_status == ocsp.OCSPCertStatus.GOOD
    session.commit()
    MockCa(settings).init_hierarchy(session, force=True)  # another instance: other caches
    assert _ask(ca, session, old_request).response_status == (ocsp.OCSPResponseStatus.UNAUTHORIZED)
    new = ca.issue(session, make_csr(ec.generate_private_key(ec.SECP256R1())), "loa3-auth", ANNA)
    new_issuer = ca.certificate_of(ca.authority(session, "hsa-id-3"))
    assert new_issuer != issuer
    response = _ask(ca, session, _request(new.certificate, new_issuer))
    assert response.certificate_status == ocsp.OCSPCertStatus.GOOD
