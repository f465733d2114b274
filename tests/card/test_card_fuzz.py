"""Property-based fuzzing of the virtual card with random and mutated APDUs.

About 250 sequences of up to 25 APDUs (a few thousand APDUs) per run.
"""

from __future__ import annotations

import functools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.card import InProcessConnection, PivSession
from sandbox.card.errors import SW, is_retry_counter, is_valid_status_word
from sandbox.card.piv import KeyType, Slot
from sandbox.card.virtual import CardState, VirtualPivCard, new_card_state

VALID_APDUS = [
    "00a4040009a00000030800001000",
    "00cb3fff055c035fc10200",
    "00cb3fff035c017e00",
    "00cb3fff055c035fc10500",
    "002000800831323334353636ff",  # wrong PIN 1234566 (7 digits)
    "0020008008313233343536ffff",  # right PIN
    "00200080",
    "00200081",
    "0020ff80",
    "002400801031323334353636ff313131313131ffff",
    "002c008010313233343536373831323334353637",
    "0047009a05ac0380011100",
    "0087119a267c2482008120" + "11" * 32,
    "0087039b047c028000",
    "0087039b047c028100",
    "00db3fff0c5c035fc109530548656c6c6f",
    "10db3fff055c035fc109",
    "00c0000000",
    "00fd000000",
]


@functools.cache
def _template_state() -> dict:
    card = VirtualPivCard(new_card_state(card_number="9752270000000000029"))
    session = PivSession(InProcessConnection(card))
    session.authenticate()
    session.generate_key(Slot.AUTHENTICATION, KeyType.ECCP256)
    return card.snapshot()


def _mutate(raw: bytes, data: st.DataObject) -> bytes:
    operation = data.draw(st.sampled_from(["flip", "truncate", "extend", "lc", "cla", "none"]))
    raw = bytearray(raw)
    if operation == "flip" and raw:
        index = data.draw(st.integers(0, len(raw) - 1))
        raw[index] = data.draw(st.integers(0, 255))
    elif operation == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif operation == "extend":
        raw += data.draw(st.binary(min_size=1, max_size=300))
    elif operation == "lc" and len(raw) > 4:
        raw[4] = data.draw(st.integers(0, 255))
    elif operation == "cla" and raw:
        raw[0] = data.draw(st.sampled_from([0x10, 0x0C, 0x80, 0xFF, 0x00]))
    return bytes(raw)


def _apdus(data: st.DataObject) -> bytes:
    kind = data.draw(st.sampled_from(["random", "mutated", "valid", "structured"]))
    if kind == "random":
        return data.draw(st.binary(max_size=300))
    valid = bytes.fromhex(data.draw(st.sampled_from(VALID_APDUS)))
    if kind == "valid":
        return valid
    if kind == "structured":
        body = data.draw(st.binary(max_size=270))
        header = bytes([data.draw(st.sampled_from([0x00, 0x10])), valid[1], valid[2], valid[3]])
        return header + (bytes([len(body)]) + body if 0 < len(body) < 256 else b"")
    return _mutate(valid, data)


def _retries_only_changed(before: dict, after: dict) -> bool:
    counters = {"pin_retries_left", "puk_retries_left"}
    changed = {key for key in before if before[key] != after[key]}
    if not changed <= counters or len(changed) != 1:
        return False
    (key,) = changed
    return after[key] == before[key] - 1


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data(), st.booleans(), st.booleans())
def test_hostile_apdus_get_status_words_and_never_corrupt_state(data, select, authenticate):
    card = VirtualPivCard(CardState.from_dict(_template_state()))
    card.power_on()
    if select or authenticate:
        session = PivSession(InProcessConnection(card))
        if authenticate:
            session.authenticate()
    count = data.draw(st.integers(1, 25))
    for _ in range(count):
        apdu = _apdus(data)
        before = card.snapshot()
        response = card.transmit(apdu)
        assert len(response) >= 2
        sw = int.from_bytes(response[-2:], "big")
        assert is_valid_status_word(sw), f"{apdu.hex()} -> {sw:04X}"
        assert sw != SW.NO_PRECISE_DIAGNOSIS, f"internal error on {apdu.hex()}"
        after = card.snapshot()
        if is_retry_counter(sw):
            assert after == before or _retries_only_changed(before, after), apdu.hex()
        elif sw != SW.OK:
            assert after == before, f"{apdu.hex()} -> {sw:04X} changed the state"
        assert 0 <= after["pin_retries_left"] <= after["pin_max_retries"]
        assert 0 <= after["puk_retries_left"] <= after["puk_max_retries"]
        assert after["pin"].isdigit() and 6 <= len(after["pin"]) <= 8
        assert after["puk"].isdigit() and len(after["puk"]) == 8
    # The card still works for a fresh client, and its state still round-trips.
    assert CardState.from_dict(card.snapshot()).to_dict() == card.snapshot()
    card.reset()
    session = PivSession(InProcessConnection(card))
    assert session.get_data(0x7E)[:1] == b"\x7e"
