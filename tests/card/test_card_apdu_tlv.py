import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.card.apdu import ApduFormatError, CommandApdu, ResponseApdu
from sandbox.card.errors import (
    BlockedError,
    NotFound,
    SecurityStatusNotSatisfied,
    WrongData,
    WrongPinError,
    error_for_sw,
    is_valid_status_word,
)
from sandbox.card.tlv import TlvError, encode_tlv, parse_single, parse_tlvs, tlv_dict


def test_short_case_4_apdu_round_trips():
    apdu = CommandApdu(0x00, 0xCB, 0x3F, 0xFF, bytes.fromhex("5c035fc102"), le=256)
    raw = apdu.to_bytes()
    assert raw.hex() == "00cb3fff055c035fc10200"
    assert CommandApdu.from_bytes(raw) == apdu


def test_long_data_uses_extended_length():
    apdu = CommandApdu(0x00, 0xDB, 0x3F, 0xFF, b"\x01" * 300, le=0)
    raw = apdu.to_bytes()
    assert raw[4:7] == b"\x00\x01\x2c"
    parsed = CommandApdu.from_bytes(raw)
    assert parsed.data == apdu.data and parsed.extended


def test_extended_case_2_le_zero_means_65536():
    assert CommandApdu.from_bytes(bytes.fromhex("00ca000000 0000".replace(" ", ""))).le == 65536


@pytest.mark.parametrize("raw", ["00a4", "00a404000a0102", "00a404000000", "00a404000001"])
def test_malformed_apdus_are_rejected(raw):
    with pytest.raises(ApduFormatError):
        CommandApdu.from_bytes(bytes.fromhex(raw))


@given(
    st.integers(0, 255),
    st.integers(0, 255),
    st.binary(max_size=400),
    st.integers(0, 65536),
)
@settings(max_examples=200)
def test_any_command_apdu_round_trips(ins, p1, data, le):
    apdu = CommandApdu(0x00, ins, p1, 0x00, data, le=le)
    parsed = CommandApdu.from_bytes(apdu.to_bytes())
    assert (parsed.data, parsed.le or 0) == (data, le)


def test_response_apdu_splits_status_word():
    response = ResponseApdu.from_bytes(bytes.fromhex("01029000"))
    assert (response.data, response.sw, response.sw1) == (b"\x01\x02", 0x9000, 0x90)


def test_tlv_multibyte_tag_and_long_length():
    value = b"x" * 300
    encoded = encode_tlv(0x5FC105, value)
    assert encoded[:6] == bytes.fromhex("5fc105 82012c".replace(" ", ""))
    item = parse_single(encoded)
    assert (item.tag, item.value) == (0x5FC105, value)


def test_tlv_nested_children():
    inner = encode_tlv(0x80, b"") + encode_tlv(0x81, b"\x01\x02")
    outer = parse_single(encode_tlv(0x7C, inner))
    assert outer.constructed
    assert [child.tag for child in outer.children()] == [0x80, 0x81]
    assert tlv_dict(inner) == {0x80: b"", 0x81: b"\x01\x02"}


@pytest.mark.parametrize(
    "raw", ["5c", "5c05010203", "5f", "5fc1", "5fc1ff8001", "80820101", "8080", "80850000000001"]
)
def test_truncated_or_malformed_tlv_raises_tlv_error(raw):
    with pytest.raises(TlvError):
        parse_tlvs(bytes.fromhex(raw))


@given(st.binary(max_size=64))
@settings(max_examples=300)
def test_tlv_parser_raises_only_tlv_error(data):
    try:
        for item in parse_tlvs(data):
            assert item.raw in data
    except TlvError:
        pass


def test_status_words_map_to_typed_errors():
    assert isinstance(error_for_sw(0x6982), SecurityStatusNotSatisfied)
    assert isinstance(error_for_sw(0x6983), BlockedError)
    assert isinstance(error_for_sw(0x6A80), WrongData)
    assert isinstance(error_for_sw(0x6A82), NotFound)
    wrong = error_for_sw(0x63C2)
    assert isinstance(wrong, WrongPinError) and wrong.retries_left == 2


def test_valid_status_word_families():
    assert is_valid_status_word(0x9000) and is_valid_status_word(0x6A82)
    assert not is_valid_status_word(0x9001) and not is_valid_status_word(0x1234)
