"""CA keys: generation, encrypted storage at rest, and the signer seam.

Every CA operation signs through a `CaSigner`. The software signer keeps a decrypted key
in memory; a later HSM/PKCS#11 signer only has to return, from `signing_key()`, an object
that subclasses cryptography's RSAPrivateKey/EllipticCurvePrivateKey and forwards `sign()`
to the token (cryptography's builders call `sign()` on that object).
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificateIssuerPublicKeyTypes,
)

from sandbox.ca.errors import CaConfigError, CaError


def generate_key(key_type: str) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    if key_type == "rsa2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    raise CaConfigError(f"unknown CA key type {key_type!r}")


class CaSigner(ABC):
    """Signs on behalf of one CA or OCSP responder."""

    hash_algorithm: hashes.HashAlgorithm = hashes.SHA256()

    @abstractmethod
    def signing_key(self) -> CertificateIssuerPrivateKeyTypes:
        """Object handed to cryptography's builders (`builder.sign(key, hash)`)."""

    @abstractmethod
    def public_key(self) -> CertificateIssuerPublicKeyTypes: ...

    def sign_raw(self, data: bytes) -> bytes:
        """One raw signature with the CA key (what the benchmark calls the limit)."""
        key = self.signing_key()
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), self.hash_algorithm)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(self.hash_algorithm))
        raise CaError(f"unsupported CA key {type(key).__name__}")


class SoftwareSigner(CaSigner):
    def __init__(self, private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> None:
        self._key = private_key

    def signing_key(self) -> CertificateIssuerPrivateKeyTypes:
        return self._key

    def public_key(self) -> CertificateIssuerPublicKeyTypes:
        return self._key.public_key()


class KeyStore:
    """PEM (PKCS#8, BestAvailableEncryption) key files under one directory.

    Loaded signers are cached per file and modification time, so a `ca init --force`
    in another process is picked up.
    """

    def __init__(self, key_dir: Path, passphrase: bytes) -> None:
        self.key_dir = Path(key_dir)
        self._passphrase = passphrase
        self._cache: dict[str, tuple[int, CaSigner]] = {}
        self._paths: dict[str, str] = {}
        self._lock = threading.Lock()

    def path(self, file_name: str) -> Path:
        return self.key_dir / file_name

    def mtime_ns(self, file_name: str) -> int | None:
        """Modification time of a key file, None if it is missing (one stat, no Path)."""
        path = self._paths.get(file_name)
        if path is None:
            path = self._paths[file_name] = str(self.path(file_name))
        try:
            return os.stat(path).st_mtime_ns
        except OSError:
            return None

    def existing_files(self) -> list[Path]:
        if not self.key_dir.is_dir():
            return []
        return sorted(self.key_dir.glob("*.key.pem"))

    def store(self, file_name: str, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> Path:
        self.key_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.key_dir, 0o700)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(self._passphrase),
        )
        target = self.path(file_name)
        tmp = target.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        with self._lock:
            self._cache.pop(file_name, None)
        return target

    def load(self, file_name: str) -> CaSigner:
        """The signer for one key file, decrypted once and held in memory until the file
        changes (the key stays encrypted at rest)."""
        mtime = self.mtime_ns(file_name)
        cached = self._cache.get(file_name)  # dict read is atomic; no lock on the hot path
        if cached is not None and cached[0] == mtime:
            return cached[1]
        target = self.path(file_name)
        if mtime is None:
            raise CaError(f"CA key file {target} is missing")
        try:
            key = serialization.load_pem_private_key(target.read_bytes(), password=self._passphrase)
        except (ValueError, TypeError) as exc:
            raise CaConfigError(
                f"cannot decrypt CA key {target.name}: wrong CA_PASSPHRASE?"
            ) from exc
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise CaConfigError(f"CA key {target.name} is not an RSA or EC key")
        signer = SoftwareSigner(key)
        with self._lock:
            self._cache[file_name] = (mtime, signer)
        return signer

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()
