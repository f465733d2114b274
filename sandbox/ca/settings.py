"""Configuration of the mock CA, built from a plain mapping (Flask config or a dict)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.ca.errors import CaConfigError

CA_KEY_TYPES = ("rsa2048", "p256")
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


@dataclass(frozen=True)
class CaSettings:
    """Everything the CA needs besides a database session.

    ``loa3_validity_days``: default and maximum for ordinary LoA3 certificates
    (domain.md marks the real term [UNCERTAIN]; 5 years is commonly cited).
    ``reserve_validity_days``: LoA2 reserve-card certificates are issued this many days
    at a time (14 under the eHälsomyndigheten dispensation, domain.md 2.8).
    """

    base_url: str
    key_dir: Path
    passphrase: bytes
    ca_key_type: str = "rsa2048"
    organisation: str = "SäkerID Academy (TEST)"
    loa3_validity_days: int = 1826
    reserve_validity_days: int = 14
    root_validity_days: int = 20 * 365
    issuing_validity_days: int = 10 * 365
    ocsp_validity_days: int = 2 * 365
    crl_validity_hours: int = 24
    crl_refresh_margin_hours: int = 6
    ocsp_validity_minutes: int = 60

    def __post_init__(self) -> None:
        if not self.passphrase:
            raise CaConfigError(
                "CA_PASSPHRASE (env ACADEMY_CA_PASSPHRASE) is not set; CA keys are "
                "encrypted at rest and need it"
            )
        if self.ca_key_type not in CA_KEY_TYPES:
            raise CaConfigError(
                f"CA_KEY_TYPE must be one of {', '.join(CA_KEY_TYPES)}, not {self.ca_key_type!r}"
            )
        for name in ("loa3_validity_days", "reserve_validity_days", "crl_validity_hours"):
            if getattr(self, name) < 1:
                raise CaConfigError(f"{name} must be at least 1")
        if self.crl_refresh_margin_hours >= self.crl_validity_hours:
            raise CaConfigError("crl_refresh_margin_hours must be below crl_validity_hours")

    @property
    def url_root(self) -> str:
        """Base URL of the CA blueprint, e.g. http://127.0.0.1:5000/ca."""
        return self.base_url.rstrip("/") + "/ca"


def settings_from_mapping(config: Mapping[str, Any], instance_path: str | Path) -> CaSettings:
    """Build settings from Flask-style config keys, falling back to ACADEMY_* env vars.

    Keys: BASE_URL, CA_PASSPHRASE, CA_KEY_DIR (default <instance>/ca), CA_KEY_TYPE,
    CA_ORGANISATION, CA_LOA3_VALIDITY_DAYS, CA_RESERVE_VALIDITY_DAYS,
    CA_CRL_VALIDITY_HOURS, CA_CRL_REFRESH_MARGIN_HOURS, CA_OCSP_VALIDITY_MINUTES.
    """
    passphrase = config.get("CA_PASSPHRASE") or os.environ.get("ACADEMY_CA_PASSPHRASE", "")
    if isinstance(passphrase, str):
        passphrase = passphrase.encode("utf-8")
    base_url = config.get("BASE_URL") or os.environ.get("ACADEMY_BASE_URL") or DEFAULT_BASE_URL
    key_dir = config.get("CA_KEY_DIR") or Path(instance_path) / "ca"
    optional: dict[str, Any] = {}
    for key, field in (
        ("CA_KEY_TYPE", "ca_key_type"),
        ("CA_ORGANISATION", "organisation"),
        ("CA_LOA3_VALIDITY_DAYS", "loa3_validity_days"),
        ("CA_RESERVE_VALIDITY_DAYS", "reserve_validity_days"),
        ("CA_CRL_VALIDITY_HOURS", "crl_validity_hours"),
        ("CA_CRL_REFRESH_MARGIN_HOURS", "crl_refresh_margin_hours"),
        ("CA_OCSP_VALIDITY_MINUTES", "ocsp_validity_minutes"),
    ):
        if config.get(key) is not None:
            value = config[key]
            optional[field] = value if field in ("ca_key_type", "organisation") else int(value)
    return CaSettings(base_url=base_url, key_dir=Path(key_dir), passphrase=passphrase, **optional)
