"""Interop with openssl as the independent client, against the live blueprint."""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from .helpers import ANNA, make_csr, run

pytestmark = pytest.mark.slow


def fetch(url: str, data: bytes | None = None, content_type: str | None = None):
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type"), exc.read()


@pytest.fixture
def pki(live_server, tmp_path, card_keys):
    """Issue a card pair through the app's CA and download what a relying party needs."""
    from sandbox.console.ca_routes import db_session, get_ca

    with live_server.app.app_context():
        auth, sign = get_ca().issue_card_pair(
            db_session(), make_csr(card_keys["auth"]), make_csr(card_keys["sign"]), ANNA
        )
    files = {}
    for slug in ("root", "hsa-id-3"):
        status, ctype, body = fetch(f"{live_server.url}/ca/certs/{slug}.pem")
        assert status == 200 and ctype == "application/x-pem-file"
        files[slug] = tmp_path / f"{slug}.pem"
        files[slug].write_bytes(body)
    files["chain"] = tmp_path / "chain.pem"
    files["chain"].write_bytes(files["root"].read_bytes() + files["hsa-id-3"].read_bytes())
    for name, row in (("auth", auth), ("sign", sign)):
        files[name] = tmp_path / f"{name}.pem"
        files[name].write_bytes(row.pem)
    return live_server, files, auth, sign


def _crl_pem(live_server, tmp_path: Path, slug: str = "hsa-id-3") -> Path:
    status, ctype, body = fetch(f"{live_server.url}/ca/crl/{slug}.crl")
    assert status == 200 and ctype == "application/pkix-crl"
    der = tmp_path / f"{slug}.crl"
    der.write_bytes(body)
    pem = tmp_path / f"{slug}.crl.pem"
    result = run(["openssl", "crl", "-inform", "DER", "-in", str(der), "-out", str(pem)])
    assert result.returncode == 0, result.stderr
    return pem


def _revoke(live_server, serial: str, reason: str) -> None:
    from sandbox.console.ca_routes import db_session, get_ca

    with live_server.app.app_context():
        get_ca().revoke(db_session(), serial, reason)


def _openssl_ocsp(live_server, files, cert: str) -> tuple[int, str]:
    result = run(
        [
            "openssl",
            "ocsp",
            "-issuer",
            str(files["hsa-id-3"]),
            "-cert",
            str(files[cert]),
            "-CAfile",
            str(files["chain"]),
            "-url",
            f"{live_server.url}/ca/ocsp",
            "-resp_text",
        ]
    )
    return result.returncode, result.stdout + result.stderr


def test_openssl_verifies_the_issued_chain(pki):
    _live, files, _auth, _sign = pki
    for name in ("auth", "sign"):
        result = run(["openssl", "verify", "-CAfile", str(files["chain"]), str(files[name])])
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.strip() == f"{files[name]}: OK"
    # the auth certificate is fit for TLS client authentication, per openssl's purpose check
    result = run(
        [
            "openssl",
            "verify",
            "-purpose",
            "sslclient",
            "-CAfile",
            str(files["chain"]),
            str(files["auth"]),
        ]
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_openssl_crl_check_before_and_after_revocation(pki, tmp_path):
    live, files, auth, _sign = pki
    crl = _crl_pem(live, tmp_path)
    args = ["openssl", "verify", "-crl_check", "-CAfile", str(files["chain"]), "-CRLfile"]
    before = run([*args, str(crl), str(files["auth"])])
    assert before.returncode == 0, before.stdout + before.stderr
    _revoke(live, auth.serial, "keyCompromise")
    crl = _crl_pem(live, tmp_path)
    after = run([*args, str(crl), str(files["auth"])])
    assert after.returncode != 0
    assert "certificate revoked" in after.stdout + after.stderr
    text = run(["openssl", "crl", "-in", str(crl), "-noout", "-text"])
    assert text.returncode == 0
    assert "Key Compromise" in text.stdout
    assert auth.serial.upper().lstrip("0") in text.stdout.replace(":", "").upper()
    # the signature certificate of the same card is still fine
    still = run([*args, str(crl), str(files["sign"])])
    assert still.returncode == 0, still.stdout + still.stderr


def test_openssl_ocsp_good_then_revoked_with_reason(pki):
    live, files, auth, _sign = pki
    code, output = _openssl_ocsp(live, files, "auth")
    assert code == 0, output
    assert "Response verify OK" in output
    assert f"{files['auth']}: good" in output
    assert "WARNING: no nonce in response" not in output
    assert "OCSP Nonce" in output  # echoed in the response
    assert "Responder Id: " in output
    _revoke(live, auth.serial, "keyCompromise")
    code, output = _openssl_ocsp(live, files, "auth")
    assert code == 0, output
    assert "Response verify OK" in output
    assert f"{files['auth']}: revoked" in output
    assert "Reason: keyCompromise" in output
    assert "Revocation Time:" in output


def test_ocsp_get_with_base64_path(pki):
    live, files, auth, _sign = pki
    cert = x509.load_pem_x509_certificate(files["auth"].read_bytes())
    issuer = x509.load_pem_x509_certificate(files["hsa-id-3"].read_bytes())
    der = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(cert, issuer, hashes.SHA1())
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    encoded = urllib.parse.quote(base64.b64encode(der).decode(), safe="")
    status, ctype, body = fetch(f"{live.url}/ca/ocsp/{encoded}")
    assert status == 200 and ctype == "application/ocsp-response"
    response = ocsp.load_der_ocsp_response(body)
    assert response.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert response.serial_number == int(auth.serial, 16)


def test_ca_certificates_are_published_as_der_and_pem(live_server):
    for slug in ("root", "hsa-id-3", "hsa-id-2"):
        status, ctype, der = fetch(f"{live_server.url}/ca/certs/{slug}.der")
        assert status == 200 and ctype == "application/pkix-cert"
        _status, _ctype, pem = fetch(f"{live_server.url}/ca/certs/{slug}.pem")
        assert x509.load_der_x509_certificate(der) == x509.load_pem_x509_certificate(pem)
    assert fetch(f"{live_server.url}/ca/certs/nope.der")[0] == 404
    assert fetch(f"{live_server.url}/ca/crl/nope.crl")[0] == 404
    assert fetch(f"{live_server.url}/ca/crl/hsa-id-3-ocsp.crl")[0] == 404


def test_hostile_ocsp_bodies_get_malformed_request_never_500(pki):
    live, files, _auth, _sign = pki
    cert = x509.load_pem_x509_certificate(files["auth"].read_bytes())
    issuer = x509.load_pem_x509_certificate(files["hsa-id-3"].read_bytes())
    good = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(cert, issuer, hashes.SHA1())
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    bodies = [b"", good[:1], good[:-1], good[: len(good) // 2], os.urandom(1024 * 1024)]
    bodies += [os.urandom(n) for n in (1, 7, 64, 300, 5000)]
    bodies += [b"\x30\x84\xff\xff\xff\xff", b"\x30" * 20000]
    for body in bodies:
        status, ctype, raw = fetch(f"{live.url}/ca/ocsp", body, "application/ocsp-request")
        assert status == 200, (status, body[:16])
        assert ctype == "application/ocsp-response"
        response = ocsp.load_der_ocsp_response(raw)
        assert response.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    random_b64 = base64.b64encode(os.urandom(100)).decode()
    leading = ("/" + random_b64[1:], "//" + random_b64[2:], "///" + random_b64[3:])
    for path in ("%%%", "AAAA", "not-base64!", random_b64, *leading):
        status, ctype, raw = fetch(f"{live.url}/ca/ocsp/{urllib.parse.quote(path, safe='')}")
        assert status == 200, (status, path)
        response = ocsp.load_der_ocsp_response(raw)
        assert response.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    # the responder still answers properly afterwards
    status, _ctype, raw = fetch(f"{live.url}/ca/ocsp", good, "application/ocsp-request")
    assert ocsp.load_der_ocsp_response(raw).certificate_status == ocsp.OCSPCertStatus.GOOD
