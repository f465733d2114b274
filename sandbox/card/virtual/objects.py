"""Default PIV data objects of a new test card: CHUID, CCC, discovery object."""

from __future__ import annotations

import hashlib

from ..piv.constants import PIV_AID, ObjectId
from ..tlv import encode_tlv


def _fasc_n(card_number: str) -> bytes:
    """A 25-byte FASC-N placeholder derived from the card number (not a real FASC-N)."""
    return hashlib.sha256(b"FASC-N" + card_number.encode()).digest()[:25]


def chuid(card_number: str) -> bytes:
    guid = hashlib.sha256(b"GUID" + card_number.encode()).digest()[:16]
    return (
        encode_tlv(0x30, _fasc_n(card_number))
        + encode_tlv(0x34, guid)
        + encode_tlv(0x35, b"20361231")
        + encode_tlv(0x3E)
        + encode_tlv(0xFE)
    )


def ccc(card_number: str) -> bytes:
    card_identifier = (
        bytes.fromhex("a000000116ff02")
        + hashlib.sha256(b"CCC" + card_number.encode()).digest()[:14]
    )
    return (
        encode_tlv(0xF0, card_identifier)
        + encode_tlv(0xF1, b"\x21")
        + encode_tlv(0xF2, b"\x21")
        + encode_tlv(0xF3)
        + encode_tlv(0xF4, b"\x00")
        + encode_tlv(0xF5, b"\x10")
        + encode_tlv(0xF6)
        + encode_tlv(0xF7)
        + encode_tlv(0xFA)
        + encode_tlv(0xFB)
        + encode_tlv(0xFC)
        + encode_tlv(0xFD)
        + encode_tlv(0xFE)
    )


def discovery() -> bytes:
    """7E template: PIV AID and PIN usage policy 40 00 (PIV PIN only)."""
    return encode_tlv(
        ObjectId.DISCOVERY, encode_tlv(0x4F, PIV_AID) + encode_tlv(0x5F2F, b"\x40\x00")
    )


def default_objects(card_number: str) -> dict[int, bytes]:
    return {
        ObjectId.CHUID: chuid(card_number),
        ObjectId.CCC: ccc(card_number),
        ObjectId.DISCOVERY: discovery(),
    }
