"""Each card rule of issue 6, checked through PivSession against an in-process card."""

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding

from sandbox.card import InProcessConnection, PivSession
from sandbox.card.errors import (
    BlockedError,
    NotFound,
    NotSupported,
    SecurityStatusNotSatisfied,
    WrongData,
    WrongPinError,
)
from sandbox.card.piv import KeyType, ObjectId, Slot, build_csr, build_self_signed_certificate
from sandbox.card.piv.certs import simple_name
from sandbox.card.virtual import VirtualPivCard, load_state, new_card_state

from .conftest import PIN, PUK


def test_new_card_ships_with_documented_defaults(card):
    state = card.state
    assert (state.pin, state.puk) == ("123456", "12345678")
    assert state.management_key == "010203040506070801020304050607080102030405060708"
    assert (state.pin_retries_left, state.puk_retries_left) == (3, 10)
    assert state.pin_letter == {"pin": "123456", "puk": "12345678"}


def test_generated_card_number_is_19_digits_starting_9752_with_luhn():
    from sandbox.card.virtual.state import luhn_is_valid

    number = new_card_state().card_number
    assert len(number) == 19 and number.startswith("9752") and luhn_is_valid(number)


def test_wrong_pin_counts_down_then_blocks(session):
    for expected_left in (2, 1, 0):
        with pytest.raises(WrongPinError) as error:
            session.verify_pin("654321")
        assert error.value.retries_left == expected_left
    with pytest.raises(BlockedError):
        session.verify_pin(PIN)
    assert session.pin_retries() == 0


def test_correct_pin_resets_the_counter(session):
    with pytest.raises(WrongPinError):
        session.verify_pin("000000")
    assert session.pin_retries() == 2
    session.verify_pin(PIN)
    session.verify_pin(PIN)
    assert session.pin_retries() is None  # verified: empty VERIFY answers 9000
    session.protocol.send_apdu(0x00, 0x20, 0xFF, 0x80, le=0)  # reset verified state
    assert session.pin_retries() == 3


def test_puk_unblock_sets_new_pin_and_resets_counter(session, card):
    for _ in range(3):
        with pytest.raises(WrongPinError):
            session.verify_pin("999999")
    with pytest.raises(BlockedError):
        session.verify_pin(PIN)
    session.unblock_pin(PUK, "24681357")
    assert card.state.pin_retries_left == 3
    with pytest.raises(WrongPinError):
        session.verify_pin(PIN)
    session.verify_pin("24681357")


def test_wrong_puk_counts_down_and_blocked_puk_is_final(session):
    for expected_left in range(9, -1, -1):
        with pytest.raises(WrongPinError) as error:
            session.unblock_pin("87654321", "111111")
        assert error.value.retries_left == expected_left
    assert session.puk_retries() == 0
    for attempt in (PUK, "87654321"):
        with pytest.raises(BlockedError):
            session.unblock_pin(attempt, "111111")
    with pytest.raises(BlockedError):
        session.change_puk(PUK, "11223344")


def test_retry_limits_are_per_card_settings(tmp_path):
    card = VirtualPivCard(new_card_state(pin_retries=5, puk_retries=3))
    session = PivSession(InProcessConnection(card))
    assert session.pin_retries() == 5 and session.puk_retries() == 3


def test_change_pin_needs_the_old_pin(session):
    with pytest.raises(WrongPinError) as error:
        session.change_pin("111111", "222222")
    assert error.value.retries_left == 2
    session.change_pin(PIN, "222222")
    with pytest.raises(WrongPinError):
        session.verify_pin(PIN)
    session.verify_pin("222222")


def test_change_puk_needs_the_old_puk(session):
    with pytest.raises(WrongPinError):
        session.change_puk("00000000", "11223344")
    session.change_puk(PUK, "11223344")
    session.unblock_pin("11223344", "135790")
    session.verify_pin("135790")


@pytest.mark.parametrize("bad_pin", ["12345", "123456789", "12a456", "      ", "١٢٣٤٥٦"])
def test_new_pin_must_be_6_to_8_digits(session, card, bad_pin):
    with pytest.raises((WrongData, ValueError)):
        session.change_pin(PIN, bad_pin)
    assert card.state.pin == PIN and card.state.pin_retries_left == 3


@pytest.mark.parametrize("bad_puk", ["1234567", "1234567a"])
def test_new_puk_must_be_8_digits(session, card, bad_puk):
    with pytest.raises(WrongData):
        session.change_puk(PUK, bad_puk)
    assert card.state.puk == PUK


def test_malformed_pin_is_rejected_without_using_a_try(session, card):
    with pytest.raises(WrongData):
        session.verify_pin("12ab56")
    assert card.state.pin_retries_left == 3


def test_pin_and_puk_are_never_readable(admin_session, card):
    assert not any(b"123456" in bytes.fromhex(v) for v in card.state.objects.values())
    for object_id in (0x5FC109, 0x5FC103, 0x5FFF00, 0x5FFF01):
        with pytest.raises((NotFound, SecurityStatusNotSatisfied)):
            admin_session.get_data(object_id)


def test_writes_need_the_management_key(session):
    with pytest.raises(SecurityStatusNotSatisfied):
        session.put_data(ObjectId.PRINTED_INFO, b"x")
    with pytest.raises(SecurityStatusNotSatisfied):
        session.generate_key(Slot.AUTHENTICATION, KeyType.ECCP256)
    with pytest.raises(SecurityStatusNotSatisfied):
        session.authenticate(bytes(24))
    session.authenticate()
    session.put_data(ObjectId.PRINTED_INFO, b"\x01\x02")


def test_printed_info_needs_the_pin_to_read(admin_session, session):
    admin_session.put_data(ObjectId.PRINTED_INFO, b"\x88\x01A")
    session.protocol.send_apdu(0x00, 0x20, 0xFF, 0x80, le=0)
    with pytest.raises(SecurityStatusNotSatisfied):
        session.get_data(ObjectId.PRINTED_INFO)
    session.verify_pin(PIN)
    assert session.get_data(ObjectId.PRINTED_INFO) == b"\x88\x01A"


@pytest.mark.parametrize("key_type", [KeyType.RSA2048, KeyType.ECCP256])
def test_signature_by_card_key_verifies_with_the_certificate(admin_session, key_type):
    public_key = admin_session.generate_key(Slot.AUTHENTICATION, key_type)
    cert = build_self_signed_certificate(
        admin_session, Slot.AUTHENTICATION, key_type, public_key, simple_name("Anna Admin")
    )
    admin_session.put_certificate(Slot.AUTHENTICATION, cert)
    assert admin_session.get_certificate(Slot.AUTHENTICATION) == cert
    message = b"appeal #42"
    signature = admin_session.sign(Slot.AUTHENTICATION, key_type, message)
    if key_type.is_rsa:
        cert.public_key().verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    else:
        cert.public_key().verify(signature, message, ec.ECDSA(hashes.SHA256()))
    csr = build_csr(admin_session, Slot.AUTHENTICATION, key_type, public_key, simple_name("A"))
    assert csr.is_signature_valid and csr.public_key() == public_key


def test_keys_are_not_exportable(admin_session, card):
    admin_session.generate_key(Slot.AUTHENTICATION, KeyType.ECCP256)
    private_pem = card.state.keys["9A"].pkcs8_pem.encode()
    seen = []
    card.apdu_log.record = lambda c, r, reader=None: seen.append(r)  # type: ignore[method-assign]
    for ins in range(256):
        for p1, p2 in ((0x00, 0x9A), (0x3F, 0xFF)):
            admin_session.protocol.transceive(_apdu(ins, p1, p2, bytes.fromhex("5c035fc105")))
    secret = card._app._key_cache[0x9A].private_numbers().private_value.to_bytes(32, "big")
    assert not any(secret in r or private_pem in r for r in seen)


def _apdu(ins, p1, p2, data):
    from sandbox.card.apdu import CommandApdu

    return CommandApdu(0x00, ins, p1, p2, data, le=256)


def test_signing_needs_the_pin_and_9c_needs_it_each_time(session, card):
    session.authenticate()
    session.generate_key(Slot.SIGNATURE, KeyType.ECCP256)
    with pytest.raises(SecurityStatusNotSatisfied):
        session.sign(Slot.SIGNATURE, KeyType.ECCP256, b"x")
    session.verify_pin(PIN)
    session.sign(Slot.SIGNATURE, KeyType.ECCP256, b"x")
    with pytest.raises(SecurityStatusNotSatisfied):
        session.sign(Slot.SIGNATURE, KeyType.ECCP256, b"y")


def test_card_authentication_key_needs_no_pin(session):
    session.authenticate()
    session.generate_key(Slot.CARD_AUTH, KeyType.ECCP256)
    session.sign(Slot.CARD_AUTH, KeyType.ECCP256, b"door")


def test_sign_with_empty_slot_is_not_found(admin_session):
    with pytest.raises(NotFound):
        admin_session.sign(Slot.KEY_MANAGEMENT, KeyType.ECCP256, b"x")


def test_state_survives_reopening_the_card(admin_session, card, tmp_path):
    admin_session.generate_key(Slot.AUTHENTICATION, KeyType.ECCP256)
    with pytest.raises(WrongPinError):
        admin_session.verify_pin("000000")
    reopened = VirtualPivCard.open(tmp_path / "card.json")
    assert reopened.state.pin_retries_left == 2
    assert "9A" in reopened.state.keys
    assert load_state(tmp_path / "card.json").to_dict() == card.snapshot()


def test_power_cycle_forgets_pin_and_management_key_but_keeps_keys(admin_session, card):
    admin_session.generate_key(Slot.AUTHENTICATION, KeyType.ECCP256)
    card.reset()
    session = PivSession(InProcessConnection(card))
    with pytest.raises(SecurityStatusNotSatisfied):
        session.sign(Slot.AUTHENTICATION, KeyType.ECCP256, b"x")
    with pytest.raises(SecurityStatusNotSatisfied):
        session.put_data(ObjectId.PRINTED_INFO, b"x")
    session.verify_pin(PIN)
    session.sign(Slot.AUTHENTICATION, KeyType.ECCP256, b"x")


def test_select_matches_an_aid_prefix_and_rejects_other_aids(card):
    connection = InProcessConnection(card)
    data, sw = connection.send_and_receive(bytes.fromhex("00a4040005a000000308"))
    assert sw == 0x9000 and data[:1] == b"\x61"
    _, sw = connection.send_and_receive(bytes.fromhex("00a4040008a000000527471117"))
    assert sw == 0x6A82


def test_yubikey_only_instructions_answer_not_supported(session):
    for ins in (0xFD, 0xF8, 0xF7):
        with pytest.raises(NotSupported):
            session.protocol.send_apdu(0x00, ins, 0x00, 0x00)


def test_apdu_log_masks_pin_puk_and_management_key(admin_session, card, tmp_path):
    import json

    from sandbox.card.virtual.apdu_log import ApduLog

    card.apdu_log = ApduLog(card.card_number, tmp_path / "log.jsonl")
    admin_session.verify_pin(PIN)
    admin_session.unblock_pin(PUK, "555555")
    admin_session.authenticate()
    text = (tmp_path / "log.jsonl").read_text()
    entries = [json.loads(line) for line in text.splitlines()]
    assert len(entries) == 4
    assert PIN.encode().hex() not in text and PUK.encode().hex() not in text
    assert b"555555".hex() not in text
    assert entries[0]["command"].startswith("0020008008**") and entries[0]["sw"] == "9000"


def test_long_response_comes_back_through_get_response(admin_session, card):
    admin_session.put_data(ObjectId.CERT_KEY_MANAGEMENT, b"z" * 1000)
    connection = InProcessConnection(card)
    connection.send_and_receive(bytes.fromhex("00a4040005a000000308"))
    data, sw = connection.send_and_receive(bytes.fromhex("00cb3fff055c035fc10b00"))
    assert sw == 0x6100 and len(data) == 256
    data, sw = connection.send_and_receive(bytes.fromhex("00c0000000"))
    assert sw == 0x6100 and data == b"z" * 256


def test_chained_put_data_is_reassembled(admin_session):
    admin_session.put_data(ObjectId.PRINTED_INFO, bytes(range(256)) * 3)
    assert admin_session.get_data(ObjectId.PRINTED_INFO) == bytes(range(256)) * 3


def test_management_challenge_accepts_the_legacy_3des_identifier_00(session):
    data = session.protocol.send_apdu(0x00, 0x87, 0x00, 0x9B, bytes.fromhex("7c028100"))
    assert data[:4] == bytes.fromhex("7c0a8108")


def test_failed_management_authentication_drops_an_earlier_one(admin_session):
    with pytest.raises(SecurityStatusNotSatisfied):
        admin_session.authenticate(bytes(24))
    with pytest.raises(SecurityStatusNotSatisfied):
        admin_session.put_data(ObjectId.PRINTED_INFO, b"x")
