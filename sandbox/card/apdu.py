"""Command and response APDUs, short and extended length (ISO/IEC 7816-3/-4)."""

from __future__ import annotations

from dataclasses import dataclass

SHORT_MAX_LC = 255
SHORT_MAX_LE = 256
EXTENDED_MAX_LC = 65535
EXTENDED_MAX_LE = 65536
CLA_CHAINING = 0x10


class ApduFormatError(ValueError):
    """The bytes are not a well-formed command APDU (the card answers 6700)."""


@dataclass(frozen=True)
class CommandApdu:
    """A command APDU. ``le`` = 0 means "no response data expected"."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int = 0
    extended: bool = False

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            if not 0 <= getattr(self, name) <= 0xFF:
                raise ValueError(f"{name} out of range")
        if len(self.data) > EXTENDED_MAX_LC or not 0 <= self.le <= EXTENDED_MAX_LE:
            raise ValueError("data or Le too long")

    @property
    def needs_extended(self) -> bool:
        return len(self.data) > SHORT_MAX_LC or self.le > SHORT_MAX_LE

    def to_bytes(self) -> bytes:
        header = bytes([self.cla, self.ins, self.p1, self.p2])
        if self.extended or self.needs_extended:
            body = b""
            if self.data:
                body += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.le:
                le = b"" if self.data else b"\x00"
                le += (self.le % EXTENDED_MAX_LE).to_bytes(2, "big")
                body += le
            return header + body
        body = b""
        if self.data:
            body += bytes([len(self.data)]) + self.data
        if self.le:
            body += bytes([self.le % SHORT_MAX_LE])
        return header + body

    @property
    def is_chained(self) -> bool:
        return bool(self.cla & CLA_CHAINING)

    @classmethod
    def from_bytes(cls, raw: bytes) -> CommandApdu:
        """Parse the four ISO 7816-3 cases, short or extended; raise ApduFormatError."""
        raw = bytes(raw)
        if len(raw) < 4:
            raise ApduFormatError("APDU shorter than its header")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or SHORT_MAX_LE)
        if body[0] != 0:
            lc = body[0]
            if len(body) == 1 + lc:
                return cls(cla, ins, p1, p2, body[1:])
            if len(body) == 2 + lc:
                return cls(cla, ins, p1, p2, body[1:-1], le=body[-1] or SHORT_MAX_LE)
            raise ApduFormatError("Lc does not match the APDU length")
        if len(body) == 3:
            le = int.from_bytes(body[1:3], "big") or EXTENDED_MAX_LE
            return cls(cla, ins, p1, p2, le=le, extended=True)
        if len(body) < 3:
            raise ApduFormatError("truncated extended length")
        lc = int.from_bytes(body[1:3], "big")
        if lc == 0:
            raise ApduFormatError("extended Lc of zero")
        if len(body) == 3 + lc:
            return cls(cla, ins, p1, p2, body[3:], extended=True)
        if len(body) == 5 + lc:
            le = int.from_bytes(body[-2:], "big") or EXTENDED_MAX_LE
            return cls(cla, ins, p1, p2, body[3:-2], le=le, extended=True)
        raise ApduFormatError("extended Lc does not match the APDU length")


@dataclass(frozen=True)
class ResponseApdu:
    data: bytes
    sw: int

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        return self.sw & 0xFF

    def to_bytes(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @classmethod
    def from_bytes(cls, raw: bytes) -> ResponseApdu:
        if len(raw) < 2:
            raise ApduFormatError("response shorter than a status word")
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))
