"""The certificate PDF (A4, Swedish, code, QR decoding to the verification URL), downloads by its
holder only, and the signed JSON record (verifies offline; one changed byte breaks it)."""

from __future__ import annotations

import base64
import io
import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pyzbar.pyzbar import decode

from lms.certification import signing
from lms.certification.pdf import certificate_pdf


def _qr_payloads(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )
    image = Image.open(tmp_path / "page.png")
    return [symbol.data.decode() for symbol in decode(image)]


def test_pdf_is_a4_in_swedish_with_the_code_and_a_qr_code_to_the_verification_url(
    app, holder, tmp_path
):
    _, cert = holder
    pdf = certificate_pdf(cert, "SäkerID Academy")
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = page.extract_text()
    for expected in (
        "Intyg om godkännande",
        "Sara Exempelsson",
        "ID-administratör",
        "Vårdcentralen Solna",
        "2026-11-29",
        "2027-11-29",
        "course-v1",
        cert.display_code,
    ):
        assert expected in text, expected
    fonts = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    if Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").is_file():
        assert any("DejaVuSans" in name for name in fonts), fonts  # embedded for å, ä, ö
    assert _qr_payloads(pdf, tmp_path) == [f"http://localhost/verify/{cert.display_code}"]


def test_holder_downloads_pdf_and_json_others_get_404(app, client, holder, make_user, login_user):
    user, cert = holder
    login_user(user)
    response = client.get(f"/certificate/{cert.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert cert.display_code in client.get("/certificate").get_data(as_text=True)
    document = client.get(f"/certificate/{cert.id}.json").get_json()
    assert document["record"]["code"] == cert.display_code
    client.post("/logout")
    login_user(make_user("other@example.se", "trainee"))
    assert client.get(f"/certificate/{cert.id}.pdf").status_code == 404
    assert client.get(f"/certificate/{cert.id}.json").status_code == 404


def _document(client, user, cert, login_user) -> dict:
    login_user(user)
    return json.loads(client.get(f"/certificate/{cert.id}.json").data)


def test_signed_json_verifies_with_only_cryptography_and_fails_after_one_changed_byte(
    app, client, holder, login_user
):
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    user, cert = holder
    document = _document(client, user, cert, login_user)
    assert document["record"]["name"] == "Sara Exempelsson"
    assert document["record"]["issuer"] == "SäkerID Academy"
    pem = client.get("/verify/public-key.pem").data

    # The snippet in docs/certification.md, with nothing from the platform.
    key = load_pem_public_key(pem)
    message = json.dumps(
        document["record"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    key.verify(base64.b64decode(document["signature"]), message)

    tampered = bytearray(message)
    tampered[message.index(b"2027-11-29")] ^= 0x01  # 2027 → 3027
    with pytest.raises(InvalidSignature):
        key.verify(base64.b64decode(document["signature"]), bytes(tampered))
    changed = json.loads(json.dumps(document))
    changed["record"]["role"] = "bitradande_utgivare"
    assert signing.verify_document(document, key) is True
    assert signing.verify_document(changed, key) is False


def test_cli_verify_json_accepts_the_download_and_rejects_a_changed_byte(
    app, client, runner, holder, login_user, tmp_path
):
    user, cert = holder
    raw = json.dumps(_document(client, user, cert, login_user), ensure_ascii=False).encode()
    good = tmp_path / "good.json"
    good.write_bytes(raw)
    result = runner.invoke(args=["certs", "verify-json", str(good)])
    assert result.exit_code == 0 and "signature valid" in result.output
    bad = tmp_path / "bad.json"
    index = raw.index(b"Exempelsson")
    bad.write_bytes(raw[:index] + b"F" + raw[index + 1 :])
    result = runner.invoke(args=["certs", "verify-json", str(bad)])
    assert result.exit_code == 1 and "INVALID" in result.output


def test_signing_key_is_encrypted_created_once_and_published(app, runner):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    result = runner.invoke(args=["certs", "init-key"])
    assert result.exit_code == 0 and "created" in result.output
    again = runner.invoke(args=["certs", "init-key"])
    assert "exists" in again.output
    pem = signing.key_path().read_bytes()
    assert b"ENCRYPTED" in pem
    with pytest.raises(TypeError):
        load_pem_private_key(pem, password=None)
    assert signing.key_path().stat().st_mode & 0o077 == 0
    published = app.test_client().get("/verify/public-key.pem").data
    assert published == signing.public_key_pem()
    assert runner.invoke(args=["certs", "public-key"]).output.encode() == published


def _self_signed_certificate_pem() -> bytes:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def _rsa_public_key_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    return (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


@pytest.mark.parametrize(
    ("pem", "message"),
    [
        (lambda: b"hello, not a key\n", "is not a PEM public key"),
        (lambda: b"\xff\xfe\x00binary", "is not a PEM public key"),
        (_self_signed_certificate_pem, "is a certificate, not a public key"),
        (_rsa_public_key_pem, "is an RSA public key, not an Ed25519 one"),
    ],
)
def test_cli_verify_json_says_what_is_wrong_with_the_key_file(app, runner, tmp_path, pem, message):
    record = tmp_path / "record.json"
    record.write_text('{"record": {}, "signature": "", "key_id": ""}', encoding="utf-8")
    key_file = tmp_path / "bad.pem"
    key_file.write_bytes(pem())
    result = runner.invoke(
        args=["certs", "verify-json", str(record), "--public-key", str(key_file)]
    )
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"Error: {key_file} {message}")


def test_cli_verify_json_says_when_the_record_is_not_utf8(app, runner, tmp_path):
    record = tmp_path / "record.json"
    record.write_bytes(b'{"record":\n "Sara \xe5"}')
    result = runner.invoke(args=["certs", "verify-json", str(record)])
    assert result.exit_code == 1
    expected = f"Error: {record}:2: file is not UTF-8 text (invalid byte at offset 18)"
    assert result.output.strip() == expected
