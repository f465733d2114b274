"""The same client against a physical PIV test card. Runs only with --reader NAME.

The card must have the PIV defaults (PIN 123456, PUK 12345678, default 3DES management
key). The tests change the PIN and change it back; they use one wrong PIN attempt at most
and reset the counter with the right PIN right after.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from sandbox.card import PivSession
from sandbox.card.errors import WrongPinError
from sandbox.card.pcsc import PcscConnection
from sandbox.card.piv import KeyType, ObjectId, Slot

from .conftest import PIN

pytestmark = [pytest.mark.physical, pytest.mark.pcsc]


@pytest.fixture
def physical_session(physical_reader):
    connection = PcscConnection(physical_reader)
    try:
        with connection.transaction():
            yield PivSession(connection)
    finally:
        connection.close()


def test_physical_card_selects_piv_and_has_a_chuid(physical_session):
    assert physical_session.application_template[:1] == b"\x61"
    assert physical_session.get_data(ObjectId.CHUID)


def test_physical_card_wrong_pin_counts_and_right_pin_resets(physical_session):
    before = physical_session.pin_retries()
    with pytest.raises(WrongPinError) as error:
        physical_session.verify_pin("000000")
    assert before is None or error.value.retries_left == before - 1
    physical_session.verify_pin(PIN)
    physical_session.protocol.send_apdu(0x00, 0x20, 0xFF, 0x80, le=0)
    assert physical_session.pin_retries() in (None, before)


def test_physical_card_change_pin_and_back(physical_session):
    physical_session.change_pin(PIN, "24681357")
    physical_session.change_pin("24681357", PIN)


def test_physical_card_generates_and_signs_in_key_management_slot(physical_session):
    physical_session.authenticate()
    public_key = physical_session.generate_key(Slot.KEY_MANAGEMENT, KeyType.ECCP256)
    physical_session.verify_pin(PIN)
    signature = physical_session.sign(Slot.KEY_MANAGEMENT, KeyType.ECCP256, b"physical")
    public_key.verify(signature, b"physical", ec.ECDSA(hashes.SHA256()))
