"""BER-TLV encoding and decoding (ISO/IEC 7816-4 and the DER subset used by X.509).

Tags are handled as integers made of their raw bytes (``0x5FC105``, ``0x7F49``), so a
tag reads the same way it is printed in NIST SP 800-73-4.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

MAX_TAG_BYTES = 3
MAX_LENGTH_BYTES = 3  # up to 16 MiB, far more than any card object


class TlvError(ValueError):
    """Raised when bytes are not well-formed BER-TLV."""


def encode_length(length: int) -> bytes:
    if length < 0:
        raise ValueError("negative length")
    if length < 0x80:
        return bytes([length])
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tag_bytes(tag: int) -> bytes:
    if tag < 0:
        raise ValueError("negative tag")
    return tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")


def encode_tlv(tag: int, value: bytes = b"") -> bytes:
    """One TLV with definite, minimal length (valid DER)."""
    return tag_bytes(tag) + encode_length(len(value)) + bytes(value)


def _read_tag(data: bytes, offset: int) -> tuple[int, bool, int]:
    """Return (tag, constructed, next offset)."""
    if offset >= len(data):
        raise TlvError("missing tag")
    first = data[offset]
    tag = first
    offset += 1
    if first & 0x1F == 0x1F:
        for _ in range(MAX_TAG_BYTES - 1):
            if offset >= len(data):
                raise TlvError("truncated tag")
            byte = data[offset]
            tag = (tag << 8) | byte
            offset += 1
            if not byte & 0x80:
                break
        else:
            raise TlvError("tag too long")
    return tag, bool(first & 0x20), offset


def _read_length(data: bytes, offset: int) -> tuple[int, int]:
    if offset >= len(data):
        raise TlvError("missing length")
    first = data[offset]
    offset += 1
    if first < 0x80:
        return first, offset
    count = first & 0x7F
    if count == 0:
        raise TlvError("indefinite length is not allowed")
    if count > MAX_LENGTH_BYTES:
        raise TlvError("length field too long")
    if offset + count > len(data):
        raise TlvError("truncated length")
    return int.from_bytes(data[offset : offset + count], "big"), offset + count


@dataclass(frozen=True)
class Tlv:
    """One decoded TLV; ``raw`` keeps the exact encoded bytes (needed for DER re-use)."""

    tag: int
    value: bytes
    constructed: bool
    raw: bytes

    def children(self) -> list[Tlv]:
        if not self.constructed:
            raise TlvError(f"tag {self.tag:X} is primitive")
        return parse_tlvs(self.value)


def parse_one(data: bytes, offset: int = 0) -> tuple[Tlv, int]:
    """Decode one TLV starting at ``offset``; return it and the offset after it."""
    data = bytes(data)
    tag, constructed, pos = _read_tag(data, offset)
    length, pos = _read_length(data, pos)
    end = pos + length
    if end > len(data):
        raise TlvError(f"value of tag {tag:X} truncated ({length} > {len(data) - pos})")
    return Tlv(tag, data[pos:end], constructed, data[offset:end]), end


def iter_tlvs(data: bytes) -> Iterator[Tlv]:
    offset = 0
    while offset < len(data):
        item, offset = parse_one(data, offset)
        yield item


def parse_tlvs(data: bytes) -> list[Tlv]:
    """Decode a concatenation of TLVs; the whole input must be consumed."""
    return list(iter_tlvs(bytes(data)))


def parse_single(data: bytes, expected_tag: int | None = None) -> Tlv:
    """Decode exactly one TLV that fills ``data``."""
    item, end = parse_one(bytes(data))
    if end != len(data):
        raise TlvError("trailing bytes after TLV")
    if expected_tag is not None and item.tag != expected_tag:
        raise TlvError(f"expected tag {expected_tag:X}, got {item.tag:X}")
    return item


def tlv_dict(data: bytes) -> dict[int, bytes]:
    """Map tag -> value for a flat list of TLVs (the last occurrence wins)."""
    return {item.tag: item.value for item in iter_tlvs(bytes(data))}
