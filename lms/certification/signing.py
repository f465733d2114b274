"""The platform's Ed25519 signing key and the signed JSON record of a certification.

The record is canonical JSON (keys sorted, no spaces, UTF-8, non-ASCII kept as is); the detached
signature is over exactly those bytes. A verifier needs only the `cryptography` package and the
public key from /verify/public-key.pem (see docs/certification.md).

The private key lives in the instance folder, encrypted (PKCS#8, best available encryption)
with CERT_SIGNING_PASSPHRASE (or the SECRET_KEY when that is not set). In TESTING without a
configured CERT_SIGNING_KEY_PATH, each app gets an ephemeral key held in memory.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

RECORD_FORMAT = "sakerid-academy-certification/1"
ALGORITHM = "Ed25519"


class SigningKeyError(RuntimeError):
    pass


def key_path() -> Path:
    configured = current_app.config.get("CERT_SIGNING_KEY_PATH")
    if configured:
        return Path(configured)
    return Path(current_app.instance_path) / "certification-signing-key.pem"


def _passphrase() -> bytes:
    value = current_app.config.get("CERT_SIGNING_PASSPHRASE") or current_app.config["SECRET_KEY"]
    return str(value).encode()


def create_key(path: Path | None = None) -> bool:
    """Write a new encrypted key unless one exists; True when one was created. O_EXCL makes two
    processes starting at once agree on a single key."""
    path = path or key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return True


def private_key() -> Ed25519PrivateKey:
    if current_app.testing and not current_app.config.get("CERT_SIGNING_KEY_PATH"):
        # Tests that do not configure a key get one per app, so that they never write (or
        # fail to open) the instance folder's real key.
        key = current_app.extensions.setdefault("cert_signing_key", Ed25519PrivateKey.generate())
        return key  # type: ignore[no-any-return]
    path = key_path()
    if not path.exists():
        create_key(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=_passphrase())
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"cannot open the signing key {path}: wrong passphrase?") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 key")
    return key


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_pem(key: Ed25519PublicKey | None = None) -> bytes:
    return (key or public_key()).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(key: Ed25519PublicKey | None = None) -> str:
    """The first 16 hex digits of SHA-256 over the raw 32-byte public key."""
    raw = (key or public_key()).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return hashlib.sha256(raw).hexdigest()[:16]


def canonical_bytes(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sign_record(record: dict[str, Any]) -> tuple[str, str]:
    """(base64 signature, key id) for the record."""
    key = private_key()
    signature = key.sign(canonical_bytes(record))
    return base64.b64encode(signature).decode("ascii"), key_id(key.public_key())


def signed_document(record: dict[str, Any], signature: str, kid: str) -> dict[str, Any]:
    return {"record": record, "signature": signature, "key_id": kid, "algorithm": ALGORITHM}


def verify_document(document: dict[str, Any], key: Ed25519PublicKey) -> bool:
    """True when the document's signature matches its record under `key`."""
    try:
        signature = base64.b64decode(document["signature"], validate=True)
        key.verify(signature, canonical_bytes(document["record"]))
    except (KeyError, TypeError, ValueError, InvalidSignature):
        return False
    return document.get("key_id") == key_id(key)


def load_public_key_pem(pem: bytes) -> Ed25519PublicKey:
    """The Ed25519 key in a public-key PEM; SigningKeyError says what the bytes are instead."""
    if b"-----BEGIN CERTIFICATE-----" in pem:
        raise SigningKeyError(
            "is a certificate, not a public key (the platform's key is /verify/public-key.pem)"
        )
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm):
        raise SigningKeyError("is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        kind = "an RSA" if isinstance(key, rsa.RSAPublicKey) else "another kind of"
        raise SigningKeyError(f"is {kind} public key, not an Ed25519 one")
    return key
