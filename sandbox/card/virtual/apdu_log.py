"""APDU log with secrets masked: Python logging plus a per-card JSON-lines file.

Masked: the data of VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER (PIN/PUK),
management-key authentication in both directions (key-derived witness/challenge), and
key import (INS FE, Yubico). Everything else is kept, so an exercise can be replayed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from pathlib import Path
from typing import IO

from ..piv.constants import Ins, Slot

logger = logging.getLogger("sandbox.card.apdu")

_SECRET_COMMANDS = {Ins.VERIFY, Ins.CHANGE_REFERENCE_DATA, Ins.RESET_RETRY_COUNTER, 0xFE}
MASK = "**"


def _is_secret(apdu: bytes) -> bool:
    if len(apdu) < 4:
        return False
    ins, p2 = apdu[1], apdu[3]
    return ins in _SECRET_COMMANDS or (ins == Ins.GENERAL_AUTHENTICATE and p2 == Slot.MANAGEMENT)


def _body_offset(apdu: bytes) -> int:
    """Offset of the data field: after a short Lc (1 byte) or extended Lc (3 bytes)."""
    if len(apdu) <= 5:
        return len(apdu)
    if apdu[4] == 0 and len(apdu) >= 7:
        return 7
    return 5


def mask_command(apdu: bytes) -> str:
    if not _is_secret(apdu):
        return apdu.hex()
    offset = _body_offset(apdu)
    return apdu[:offset].hex() + MASK * (len(apdu) - offset)


def mask_response(command: bytes, response: bytes) -> str:
    if _is_secret(command) and len(response) > 2:
        return MASK * (len(response) - 2) + response[-2:].hex()
    return response.hex()


class ApduLog:
    """Appends one JSON object per APDU to ``path`` (if given) and to Python logging."""

    def __init__(self, card_number: str, path: Path | None = None) -> None:
        self.card_number = card_number
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._handle: IO[str] | None = None

    def record(self, command: bytes, response: bytes, reader: str | None = None) -> None:
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "card": self.card_number,
            "reader": reader,
            "command": mask_command(command),
            "response": mask_response(command, response),
            "sw": response[-2:].hex().upper(),
        }
        logger.debug("card %s APDU %s -> %s", self.card_number, entry["command"], entry["response"])
        if self.path is None:
            return
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self._lock:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("a", encoding="utf-8")
            self._handle.write(line)
            self._handle.flush()

    def event(self, name: str, reader: str | None = None) -> None:
        """Log a non-APDU event (power on/off, insert, eject)."""
        logger.info("card %s: %s (%s)", self.card_number, name, reader)
        if self.path is None:
            return
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "card": self.card_number,
            "reader": reader,
            "event": name,
        }
        with self._lock:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("a", encoding="utf-8")
            self._handle.write(json.dumps(entry, separators=(",", ":")) + "\n")
            self._handle.flush()

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None
