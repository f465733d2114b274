"""PC/SC connections through pyscard and pcscd: readers, connect, watch, transactions."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

from smartcard.CardConnection import CardConnection
from smartcard.Exceptions import CardConnectionException, NoCardException
from smartcard.scard import (
    SCARD_LEAVE_CARD,
    SCARD_S_SUCCESS,
    SCARD_SCOPE_USER,
    SCARD_SHARE_EXCLUSIVE,
    SCARD_STATE_PRESENT,
    SCARD_STATE_UNAWARE,
    SCardBeginTransaction,
    SCardEndTransaction,
    SCardEstablishContext,
    SCardGetStatusChange,
    SCardListReaders,
    SCardReleaseContext,
)
from smartcard.System import readers as _pyscard_readers

from .connection import SmartCardConnection


class PcscError(Exception):
    """PC/SC is unavailable, the reader is unknown, or no card is present."""


def list_readers() -> list[str]:
    """Names of the readers pcscd knows ([] when pcscd is not running)."""
    try:
        return [str(reader) for reader in _pyscard_readers()]
    except Exception:  # pyscard raises several types when the daemon is absent
        return []


def pcsc_available() -> bool:
    """True when pcscd answers and has at least one reader (else use in-process cards)."""
    return bool(list_readers())


def _find_reader(reader: str | int):  # noqa: ANN202 - pyscard reader object
    available = _pyscard_readers()
    if isinstance(reader, int):
        if not 0 <= reader < len(available):
            raise PcscError(f"no reader with index {reader}")
        return available[reader]
    exact = [r for r in available if str(r) == reader]
    partial = [r for r in available if reader.lower() in str(r).lower()]
    matches = exact or partial
    if len(matches) != 1:
        raise PcscError(f"reader {reader!r} matches {len(matches)} readers")
    return matches[0]


class PcscConnection(SmartCardConnection):
    """A pyscard connection (protocol T=1) to the card in one reader."""

    def __init__(self, reader: str | int, *, exclusive: bool = False) -> None:
        self.reader = _find_reader(reader)
        self._connection = self.reader.createConnection()
        mode = SCARD_SHARE_EXCLUSIVE if exclusive else None
        try:
            if mode is None:
                self._connection.connect(CardConnection.T1_protocol)
            else:
                self._connection.connect(CardConnection.T1_protocol, mode=mode)
        except (NoCardException, CardConnectionException) as error:
            raise PcscError(f"no usable card in {self.reader}: {error}") from error

    def send_and_receive(self, apdu: bytes) -> tuple[bytes, int]:
        data, sw1, sw2 = self._connection.transmit(list(apdu))
        return bytes(data), (sw1 << 8) | sw2

    @property
    def atr(self) -> bytes:
        return bytes(self._connection.getATR())

    @property
    def description(self) -> str:
        return str(self.reader)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[PcscConnection]:
        """Exclusive access for a multi-step operation (keep it short: no user think-time)."""
        hcard = self._connection.component.hcard
        result = SCardBeginTransaction(hcard)
        if result != SCARD_S_SUCCESS:
            raise PcscError(f"SCardBeginTransaction failed: {result:#x}")
        try:
            yield self
        finally:
            SCardEndTransaction(hcard, SCARD_LEAVE_CARD)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._connection.disconnect()
        with contextlib.suppress(Exception):
            self._connection.release()


def card_present(reader: str | int) -> bool:
    """True when pcscd has a powered, usable card in `reader`."""
    try:
        PcscConnection(reader).close()
    except PcscError:
        return False
    return True


def wait_for_card(reader: str | int, present: bool = True, timeout: float = 10.0) -> None:
    """Wait until pcscd sees a card in `reader` (or none, with `present=False`).

    pcscd polls its readers, so a card just inserted into a vpcd reader is "unpowered" for a
    moment; callers that insert and then talk to the card wait here first.
    """
    deadline = time.monotonic() + timeout
    while card_present(reader) != present:
        if time.monotonic() >= deadline:
            state = "a card" if present else "no card"
            raise PcscError(f"timed out waiting for {state} in reader {reader}")
        time.sleep(0.05)


class CardWatcher:
    """Calls ``callback(event, reader, atr)`` with event "inserted" or "removed".

    Polls SCardGetStatusChange every ``interval`` seconds in a thread of its own; pcsc-lite's
    per-reader event counter (upper 16 bits of the state) also reveals an eject and
    re-insert that happened between two polls. Survives pcscd going away.
    """

    def __init__(self, callback: Callable[[str, str, bytes], None], interval: float = 0.1):
        self.callback = callback
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pcsc-watcher", daemon=True)

    def __enter__(self) -> CardWatcher:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        known: dict[str, tuple[bytes | None, int]] = {}
        while not self._stop.is_set():
            hresult, context = SCardEstablishContext(SCARD_SCOPE_USER)
            if hresult != SCARD_S_SUCCESS:
                self._stop.wait(1)
                continue
            try:
                while not self._stop.is_set() and self._poll(context, known):
                    self._stop.wait(self.interval)
            finally:
                SCardReleaseContext(context)
            self._stop.wait(self.interval)

    def _poll(self, context: int, known: dict[str, tuple[bytes | None, int]]) -> bool:
        hresult, names = SCardListReaders(context, [])
        if hresult != SCARD_S_SUCCESS:
            return False
        request = [(name, SCARD_STATE_UNAWARE) for name in names]
        hresult, states = SCardGetStatusChange(context, 0, request)
        if hresult != SCARD_S_SUCCESS:
            return False
        for name, event_state, atr in states:
            atr_now = bytes(atr) if event_state & SCARD_STATE_PRESENT else None
            counter = (event_state >> 16) & 0xFFFF
            previous = known.get(name)
            known[name] = (atr_now, counter)
            if previous is None:
                if atr_now is not None:
                    self.callback("inserted", name, atr_now)
                continue
            atr_before, counter_before = previous
            if atr_before is not None and (atr_now is None or counter != counter_before):
                self.callback("removed", name, atr_before)
            if atr_now is not None and (atr_before is None or counter != counter_before):
                self.callback("inserted", name, atr_now)
        return True
