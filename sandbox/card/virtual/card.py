"""VirtualPivCard: ATR, power, command chaining, GET RESPONSE and the APDU log.

``transmit(bytes) -> bytes`` is the only entry point the readers use. It never raises:
malformed or hostile input gets a status word, and the card state is only changed by
commands that succeed (or by counted wrong PIN/PUK attempts).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from ..apdu import CLA_CHAINING, ApduFormatError, CommandApdu
from ..errors import SW
from ..piv.constants import PIV_AID, Ins
from .apdu_log import ApduLog
from .piv_app import CardError, PivApplication
from .state import CardState, load_state, new_card_state, save_state

logger = logging.getLogger(__name__)

MAX_CHAINED_DATA = 8 * 1024
SHORT_RESPONSE_CHUNK = 256


def _build_atr() -> bytes:
    """T=1 ATR whose historical bytes carry the PIV AID (compact-TLV tag F, length 9)."""
    historical = bytes([0x80, 0xF9]) + PIV_AID[:9]
    body = bytes([0x80 | len(historical), 0x80, 0x01]) + historical
    check = 0
    for byte in body:
        check ^= byte
    return b"\x3b" + body + bytes([check])


ATR = _build_atr()


class VirtualPivCard:
    """A PIV test card in memory, optionally persisted to ``state_path``."""

    def __init__(
        self,
        state: CardState,
        *,
        state_path: Path | None = None,
        apdu_log: ApduLog | None = None,
        on_change: Callable[[CardState], None] | None = None,
    ) -> None:
        self.state = state
        self.state_path = Path(state_path) if state_path else None
        self.apdu_log = apdu_log or ApduLog(state.card_number)
        self.reader_name: str | None = None
        self._on_change = on_change
        self._lock = threading.RLock()
        self._app = PivApplication(state, self._persist)
        self._chain: tuple[int, int, int, bytearray] | None = None
        self._pending_response = b""

    @classmethod
    def create(cls, **kwargs: object) -> VirtualPivCard:
        """An in-memory card with the defaults of :func:`new_card_state`."""
        return cls(new_card_state(**kwargs))  # type: ignore[arg-type]

    @classmethod
    def open(cls, state_path: Path, log_path: Path | None = None) -> VirtualPivCard:
        state = load_state(state_path)
        return cls(state, state_path=state_path, apdu_log=ApduLog(state.card_number, log_path))

    @property
    def atr(self) -> bytes:
        return ATR

    @property
    def card_number(self) -> str:
        return self.state.card_number

    def _persist(self) -> None:
        if self.state_path is not None:
            save_state(self.state_path, self.state)
        if self._on_change is not None:
            self._on_change(self.state)

    # -- power -----------------------------------------------------------------------
    def power_on(self) -> None:
        self._power_cycle("power on")

    def power_off(self) -> None:
        self._power_cycle("power off")

    def reset(self) -> None:
        self._power_cycle("reset")

    def _power_cycle(self, event: str) -> None:
        with self._lock:
            self._app.reset()
            self._chain = None
            self._pending_response = b""
            self.apdu_log.event(event, self.reader_name)

    def snapshot(self) -> dict:
        """A deep copy of the persistent state (for listings and tests)."""
        with self._lock:
            return self.state.to_dict()

    # -- APDUs -----------------------------------------------------------------------
    def transmit(self, command: bytes) -> bytes:
        command = bytes(command)
        with self._lock:
            try:
                response = self._transmit(command)
            except CardError as error:
                response = error.sw.to_bytes(2, "big")
            except Exception:  # a bug must not kill the reader thread: answer 6F00
                logger.exception("virtual card %s failed on an APDU", self.card_number)
                response = SW.NO_PRECISE_DIAGNOSIS.to_bytes(2, "big")
            self.apdu_log.record(command, response, self.reader_name)
            return response

    def _transmit(self, raw: bytes) -> bytes:
        try:
            apdu = CommandApdu.from_bytes(raw)
        except ApduFormatError as exc:
            self._chain = None
            raise CardError(SW.WRONG_LENGTH) from exc
        if apdu.cla & ~CLA_CHAINING:
            self._chain = None
            raise CardError(SW.CLA_NOT_SUPPORTED)
        if apdu.ins == Ins.GET_RESPONSE:
            return self._get_response(apdu)
        self._pending_response = b""
        if apdu.is_chained:
            return self._accumulate(apdu)
        if self._chain is not None:
            ins, p1, p2, buffered = self._chain
            self._chain = None
            if (ins, p1, p2) == (apdu.ins, apdu.p1, apdu.p2):
                total = bytes(buffered) + apdu.data
                if len(total) > MAX_CHAINED_DATA:
                    raise CardError(SW.NOT_ENOUGH_MEMORY)
                apdu = CommandApdu(0x00, apdu.ins, apdu.p1, apdu.p2, total, apdu.le, True)
        data = self._app.process(apdu)
        return self._respond(data, apdu)

    def _accumulate(self, apdu: CommandApdu) -> bytes:
        if apdu.ins in (Ins.SELECT, Ins.VERIFY) or not apdu.data:
            self._chain = None
            raise CardError(SW.CHAINING_NOT_SUPPORTED)
        if self._chain is not None and self._chain[:3] != (apdu.ins, apdu.p1, apdu.p2):
            self._chain = None
            raise CardError(SW.LAST_COMMAND_OF_CHAIN_EXPECTED)
        if self._chain is None:
            self._chain = (apdu.ins, apdu.p1, apdu.p2, bytearray())
        buffered = self._chain[3]
        if len(buffered) + len(apdu.data) > MAX_CHAINED_DATA:
            self._chain = None
            raise CardError(SW.NOT_ENOUGH_MEMORY)
        buffered += apdu.data
        return SW.OK.to_bytes(2, "big")

    def _respond(self, data: bytes, apdu: CommandApdu) -> bytes:
        limit = apdu.le if apdu.extended and apdu.le else SHORT_RESPONSE_CHUNK
        if apdu.le and not apdu.extended:
            limit = apdu.le
        return self._chunk(data, limit)

    def _chunk(self, data: bytes, limit: int) -> bytes:
        head, rest = data[:limit], data[limit:]
        if rest:
            self._pending_response = rest
            return head + bytes([0x61, min(len(rest), 256) & 0xFF])
        return head + SW.OK.to_bytes(2, "big")

    def _get_response(self, apdu: CommandApdu) -> bytes:
        self._chain = None
        if (apdu.p1, apdu.p2) != (0, 0) or apdu.data:
            self._pending_response = b""
            raise CardError(SW.INCORRECT_P1P2)
        pending, self._pending_response = self._pending_response, b""
        if not pending:
            raise CardError(SW.CONDITIONS_NOT_SATISFIED)
        return self._chunk(pending, apdu.le or SHORT_RESPONSE_CHUNK)
