"""Through pcscd + vpcd with pyscard: two readers, two cards, restarts, watcher."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from sandbox.card import PivSession
from sandbox.card.errors import WrongPinError
from sandbox.card.pcsc import CardWatcher, PcscConnection, list_readers
from sandbox.card.piv import KeyType, ObjectId, Slot
from sandbox.card.virtual import ATR
from sandbox.card.virtual.vpcd import reader_name

from .conftest import PIN
from .pcsc_harness import TOOL_TIMEOUT

pytestmark = pytest.mark.pcsc


def _session(reader: int) -> tuple[PcscConnection, PivSession]:
    connection = PcscConnection(reader_name(reader))
    return connection, PivSession(connection)


def test_pcscd_shows_the_administrator_and_customer_readers(pcsc):
    names = list_readers()
    assert reader_name(0) in names and reader_name(1) in names
    connection = PcscConnection(reader_name(0))
    assert connection.atr == ATR
    connection.close()


def test_two_readers_hold_two_cards_each_keeping_its_own_state(pcsc):
    admin_conn, admin = _session(0)
    customer_conn, customer = _session(1)
    try:
        assert admin.get_data(ObjectId.CHUID) != customer.get_data(ObjectId.CHUID)
        with pytest.raises(WrongPinError):
            customer.verify_pin("999999")
        admin.verify_pin(PIN)
        assert customer.pin_retries() == 2
        customer.verify_pin(PIN)
    finally:
        admin_conn.close()
        customer_conn.close()
    status = pcsc.client.status()
    numbers = [reader["card"]["card_number"] for reader in status["readers"]]
    assert numbers == pcsc.cards


def test_state_survives_a_restart_of_the_card_service(pcsc):
    connection, session = _session(1)
    with connection.transaction():
        session.authenticate()
        session.generate_key(Slot.KEY_MANAGEMENT, KeyType.ECCP256)
        with pytest.raises(WrongPinError):
            session.verify_pin("000000")
    connection.close()
    pcsc.restart_service()
    connection, session = _session(1)
    try:
        assert session.pin_retries() == 2
        session.verify_pin(PIN)
        session.sign(Slot.KEY_MANAGEMENT, KeyType.ECCP256, b"still here")
    finally:
        connection.close()


def test_watcher_notices_eject_and_insert(pcsc):
    removed, inserted = threading.Event(), threading.Event()

    def on_event(event: str, reader: str, atr: bytes) -> None:
        if reader == reader_name(1):
            if event == "removed":
                removed.set()
            elif removed.is_set():
                inserted.set()

    with CardWatcher(on_event):
        pcsc.client.eject(1)
        assert removed.wait(15)
        pcsc.client.insert(pcsc.cards[1], 1)
        assert inserted.wait(15)
    pcsc.wait_for_card(1)


def test_card_answers_after_a_client_vanished_mid_chain(pcsc):
    script = (
        "import os; from sandbox.card.pcsc import PcscConnection;"
        f"c = PcscConnection({reader_name(0)!r});"
        "c.send_and_receive(bytes.fromhex('10db3fff055c035fc109'));"
        "os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", script], timeout=TOOL_TIMEOUT, check=True)
    connection, session = _session(0)
    try:
        assert session.get_data(ObjectId.DISCOVERY)[:1] == b"\x7e"
    finally:
        connection.close()


def test_apdu_log_file_records_masked_apdus(pcsc):
    connection, session = _session(0)
    session.verify_pin(PIN)
    connection.close()
    log = (pcsc.state_dir / f"{pcsc.cards[0]}.apdu.jsonl").read_text()
    assert '"command":"0020008008****************"' in log
    assert PIN.encode().hex() not in log
