"""Shared helpers for the mock-CA tests (imported by conftest and the test modules)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from sandbox.ca import CaSettings, Person

PASSPHRASE = b"correct horse battery staple"
ANNA = Person(
    hsa_id="SE2321000016-12ZX",
    given_name="Anna",
    surname="Andersson",
    card_number="9752278900000000001",
    organisation="TEST Region Stockholm",
    title="Sjuksköterska",
)

DB_URLS = ["sqlite"]
if os.environ.get("ACADEMY_TEST_POSTGRES_URL"):
    DB_URLS.append("postgres")


def make_csr(key, cn: str = "ignored by the CA") -> bytes:
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    )
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Every external tool runs with a timeout and captured output."""
    return subprocess.run(args, capture_output=True, text=True, timeout=30, check=False, **kwargs)


class EventRecorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []

    def __call__(self, action: str, details: dict) -> None:
        self.events.append((action, details))

    def actions(self) -> list[str]:
        return [a for a, _ in self.events]


def make_settings(tmp_path: Path, **overrides) -> CaSettings:
    values = {
        "base_url": "http://ca.test.invalid:5000",
        "key_dir": tmp_path / "ca-keys",
        "passphrase": PASSPHRASE,
        "ca_key_type": "p256",
    }
    values.update(overrides)
    return CaSettings(**values)
