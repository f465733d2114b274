"""Card management key (9B) authentication: witness/challenge, SP 800-73-4 appendix A."""

from __future__ import annotations

import os

from ..apdu import CommandApdu
from ..errors import SW
from ..piv import keys
from ..piv.constants import (
    TAG_CHALLENGE,
    TAG_DYN_AUTH,
    TAG_RESPONSE,
    TAG_WITNESS,
    ManagementKeyType,
)
from ..tlv import encode_tlv
from .rules import CardError, SecurityStatus, constant_time_equal, dynamic_template
from .state import CardState


def management_authenticate(status: SecurityStatus, state: CardState, apdu: CommandApdu) -> bytes:
    """GENERAL AUTHENTICATE with the 9B card management key (mutual or external)."""
    key_type = ManagementKeyType(state.management_key_type)
    # SP 800-78-4: algorithm 00 is an older identifier of 3-key Triple DES (OpenSC uses it).
    if apdu.p1 != key_type and not (apdu.p1 == 0 and key_type == ManagementKeyType.TDES):
        raise CardError(SW.INCORRECT_P1P2)
    items = dynamic_template(apdu.data, TAG_DYN_AUTH)
    fields = {item.tag: item.value for item in items}
    if len(fields) != len(items):
        raise CardError(SW.WRONG_DATA)
    key = bytes.fromhex(state.management_key)
    size = key_type.challenge_len
    witness, challenge = status.witness, status.challenge
    status.witness = status.challenge = None
    if fields == {TAG_WITNESS: b""}:
        status.witness = os.urandom(size)
        encrypted = keys.encrypt_block(key_type, key, status.witness)
        return encode_tlv(TAG_DYN_AUTH, encode_tlv(TAG_WITNESS, encrypted))
    if fields == {TAG_CHALLENGE: b""}:
        status.challenge = os.urandom(size)
        return encode_tlv(TAG_DYN_AUTH, encode_tlv(TAG_CHALLENGE, status.challenge))
    if set(fields) == {TAG_WITNESS, TAG_CHALLENGE} and witness is not None:
        if len(fields[TAG_CHALLENGE]) != size or not constant_time_equal(
            fields[TAG_WITNESS], witness
        ):
            status.management_authenticated = False
            raise CardError(SW.SECURITY_STATUS_NOT_SATISFIED)
        status.management_authenticated = True
        answer = keys.encrypt_block(key_type, key, fields[TAG_CHALLENGE])
        return encode_tlv(TAG_DYN_AUTH, encode_tlv(TAG_RESPONSE, answer))
    if set(fields) == {TAG_RESPONSE} and challenge is not None:
        expected = keys.encrypt_block(key_type, key, challenge)
        if not constant_time_equal(fields[TAG_RESPONSE], expected):
            status.management_authenticated = False
            raise CardError(SW.SECURITY_STATUS_NOT_SATISFIED)
        status.management_authenticated = True
        return b""
    raise CardError(SW.WRONG_DATA)
