"""Independent clients (OpenSC, yubico-piv-tool) against the virtual card via pcscd+vpcd.

The customer's reader (index 1) is used; every tool call has a 30 s timeout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from sandbox.card import PivSession
from sandbox.card.pcsc import PcscConnection
from sandbox.card.piv import KeyType, Slot, build_self_signed_certificate
from sandbox.card.piv.certs import simple_name
from sandbox.card.virtual.vpcd import reader_name

from .conftest import PIN, PUK
from .pcsc_harness import run_tool

pytestmark = pytest.mark.pcsc

READER = reader_name(1)
READER_INDEX = "1"
PKCS11_MODULE = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")


def _piv_tool(*args: str, check: bool = True):
    _require("yubico-piv-tool")
    return run_tool("yubico-piv-tool", "-r", READER, *args, check=check)


def _card_state(pcsc) -> dict:
    return pcsc.client.status()["readers"][1]["card"]


@pytest.fixture
def certified_9a(pcsc, tmp_path: Path) -> x509.Certificate:
    """yubico-piv-tool generates an RSA-2048 key in 9A; our session certifies it; the tool
    imports the certificate."""
    pub_pem = tmp_path / "pub.pem"
    _piv_tool("-a", "generate", "-s", "9a", "-A", "RSA2048", "-o", str(pub_pem))
    public_key = serialization.load_pem_public_key(pub_pem.read_bytes())
    connection = PcscConnection(READER)
    try:
        session = PivSession(connection)
        session.verify_pin(PIN)
        cert = build_self_signed_certificate(
            session, Slot.AUTHENTICATION, KeyType.RSA2048, public_key, simple_name("Kim Kund")
        )
    finally:
        connection.close()
    cert_pem = tmp_path / "cert.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _piv_tool("-a", "import-certificate", "-s", "9a", "-i", str(cert_pem))
    return cert


def test_opensc_tool_recognises_a_piv_card(pcsc):
    _require("opensc-tool")
    listing = run_tool("opensc-tool", "-l").stdout
    assert READER in listing
    name = run_tool("opensc-tool", "-r", READER_INDEX, "-n").stdout
    assert "Personal Identity Verification Card" in name


def test_yubico_piv_tool_status_reports_chuid_and_pin_tries(pcsc):
    output = _piv_tool("-a", "status").stdout
    assert "CHUID:" in output and "CCC:" in output
    assert "PIN tries left:\t3" in output


def test_yubico_piv_tool_verify_and_change_pin(pcsc):
    _piv_tool("-a", "verify-pin", "-P", PIN)
    _piv_tool("-a", "change-pin", "-P", PIN, "-N", "24681357")
    wrong = _piv_tool("-a", "verify-pin", "-P", PIN, check=False)
    assert wrong.returncode != 0
    assert _card_state(pcsc)["pin_retries_left"] == 2
    _piv_tool("-a", "change-pin", "-P", "24681357", "-N", PIN)
    assert _card_state(pcsc)["pin_retries_left"] == 3


def test_yubico_piv_tool_unblocks_a_blocked_pin_with_the_puk(pcsc):
    for _ in range(3):
        _piv_tool("-a", "verify-pin", "-P", "000000", check=False)
    assert _card_state(pcsc)["pin_blocked"]
    _piv_tool("-a", "unblock-pin", "-P", PUK, "-N", PIN)
    state = _card_state(pcsc)
    assert not state["pin_blocked"] and state["pin_retries_left"] == 3
    _piv_tool("-a", "verify-pin", "-P", PIN)


def test_yubico_piv_tool_generate_needs_the_right_management_key(pcsc, tmp_path):
    wrong_key = "0" * 48
    result = _piv_tool(
        "-k", wrong_key, "-a", "generate", "-s", "9d", "-A", "ECCP256",
        "-o", str(tmp_path / "p.pem"), check=False,
    )  # fmt: skip
    assert result.returncode != 0
    _piv_tool("-a", "generate", "-s", "9d", "-A", "ECCP256", "-o", str(tmp_path / "p.pem"))
    public_key = serialization.load_pem_public_key((tmp_path / "p.pem").read_bytes())
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert _card_state(pcsc)["keys"]["9D"] == "ECCP256"


def test_opensc_lists_the_certificate_imported_by_yubico_piv_tool(pcsc, certified_9a):
    _require("pkcs15-tool")
    output = run_tool("pkcs15-tool", "--reader", READER_INDEX, "--list-certificates").stdout
    assert "Certificate for PIV Authentication" in output
    objects = run_tool(
        "pkcs11-tool", "--module", PKCS11_MODULE, "--slot-index", READER_INDEX,
        "--list-objects", "--type", "cert",
    ).stdout  # fmt: skip
    assert "CN=Kim Kund" in objects
    assert any(c["slot"] == "9A" for c in _card_state(pcsc)["certificates"])


def test_pkcs11_tool_signs_with_the_9a_key_and_the_signature_verifies(pcsc, certified_9a, tmp_path):
    _require("pkcs11-tool")
    data, signature = tmp_path / "data.txt", tmp_path / "data.sig"
    data.write_bytes(b"Remissvar 2026-11-29")
    run_tool(
        "pkcs11-tool", "--module", PKCS11_MODULE, "--slot-index", READER_INDEX,
        "--login", "--pin", PIN, "--sign", "--id", "01", "-m", "SHA256-RSA-PKCS",
        "-i", str(data), "-o", str(signature),
    )  # fmt: skip
    certified_9a.public_key().verify(
        signature.read_bytes(), data.read_bytes(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_pkcs11_tool_login_with_a_wrong_pin_counts_against_the_card(pcsc):
    result = run_tool(
        "pkcs11-tool", "--module", PKCS11_MODULE, "--slot-index", READER_INDEX,
        "--login", "--pin", "999999", "--list-objects", check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert _card_state(pcsc)["pin_retries_left"] == 2
    _piv_tool("-a", "verify-pin", "-P", PIN)


def test_pkcs11_tool_self_test_passes(pcsc, certified_9a):
    result = run_tool(
        "pkcs11-tool", "--module", PKCS11_MODULE, "--slot-index", READER_INDEX,
        "--login", "--pin", PIN, "--test",
    )  # fmt: skip
    assert "No errors" in result.stdout + result.stderr


def test_pkcs11_tool_ecdsa_with_the_9c_key_needs_the_pin_each_time(pcsc, tmp_path):
    pub_pem = tmp_path / "pub.pem"
    _piv_tool("-a", "generate", "-s", "9c", "-A", "ECCP256", "-o", str(pub_pem))
    public_key = serialization.load_pem_public_key(pub_pem.read_bytes())
    connection = PcscConnection(READER)
    try:
        session = PivSession(connection)
        session.verify_pin(PIN)
        cert = build_self_signed_certificate(
            session, Slot.SIGNATURE, KeyType.ECCP256, public_key, simple_name("Kim Kund")
        )
        session.authenticate()
        session.put_certificate(Slot.SIGNATURE, cert)
    finally:
        connection.close()
    data, signature = tmp_path / "data.txt", tmp_path / "data.sig"
    data.write_bytes(b"Intyg")
    run_tool(
        "pkcs11-tool", "--module", PKCS11_MODULE, "--slot-index", READER_INDEX,
        "--login", "--pin", PIN, "--sign", "--id", "02", "-m", "ECDSA-SHA256",
        "--signature-format", "openssl", "-i", str(data), "-o", str(signature),
    )  # fmt: skip
    public_key.verify(signature.read_bytes(), data.read_bytes(), ec.ECDSA(hashes.SHA256()))
