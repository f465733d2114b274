"""UTC helpers (SQLite hands back naive datetimes; everything here is aware UTC)."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def as_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def serial_hex(serial: int) -> str:
    return format(serial, "x")


def parse_serial(text: str) -> str:
    """Normalise a serial typed by a person: hex, optional 0x prefix and colons/spaces."""
    cleaned = text.strip().lower().removeprefix("0x").replace(":", "").replace(" ", "")
    if not cleaned or any(c not in "0123456789abcdef" for c in cleaned):
        raise ValueError(f"serial {text!r} is not a hexadecimal number")
    return serial_hex(int(cleaned, 16))
