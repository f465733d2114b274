"""Card-side building blocks: the error carrying a status word, the volatile security
status, and input checks shared by the PIV handlers."""

from __future__ import annotations

import dataclasses
import hmac

from ..errors import SW
from ..piv.constants import (
    PAD_BYTE,
    PIN_MAX_LENGTH,
    PIN_MIN_LENGTH,
    PUK_LENGTH,
    REFERENCE_DATA_LENGTH,
)
from ..tlv import Tlv, TlvError, parse_single


class CardError(Exception):
    def __init__(self, sw: int) -> None:
        self.sw = sw
        super().__init__(f"{sw:04X}")


def decode_reference(padded: bytes, *, puk: bool) -> str:
    """Validate an FF-padded PIN (6-8 digits) or PUK (8 digits); raise 6A80 if malformed."""
    if len(padded) != REFERENCE_DATA_LENGTH:
        raise CardError(SW.WRONG_DATA)
    value = padded.rstrip(bytes([PAD_BYTE]))
    minimum, maximum = (PUK_LENGTH, PUK_LENGTH) if puk else (PIN_MIN_LENGTH, PIN_MAX_LENGTH)
    if not minimum <= len(value) <= maximum or not all(0x30 <= b <= 0x39 for b in value):
        raise CardError(SW.WRONG_DATA)
    return value.decode("ascii")


@dataclasses.dataclass
class SecurityStatus:
    """What a real card forgets on reset: selection, verified PIN, authenticated 9B."""

    selected: bool = False
    pin_verified: bool = False
    pin_just_verified: bool = False
    management_authenticated: bool = False
    witness: bytes | None = None
    challenge: bytes | None = None


def dynamic_template(data: bytes, tag: int) -> list[Tlv]:
    """Children of a constructed template (7C, AC); malformed input answers 6A80."""
    try:
        return parse_single(data, tag).children()
    except TlvError as exc:
        raise CardError(SW.WRONG_DATA) from exc


def constant_time_equal(a: str | bytes, b: str | bytes) -> bool:
    a_bytes = a.encode() if isinstance(a, str) else a
    b_bytes = b.encode() if isinstance(b, str) else b
    return hmac.compare_digest(a_bytes, b_bytes)
