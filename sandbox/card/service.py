"""Card service: test cards in a state directory, inserted into vpcd readers.

The same functions serve the CLI (``flask cards ...``) and, later, the sandbox web UI:

* :func:`create_card`, :func:`list_cards`, :func:`describe_card` work on the state
  directory alone (no running service needed);
* :class:`CardService` is the long-running part (``cards serve``): it owns the readers
  and answers control requests (see :mod:`sandbox.card.control`).

Reader 0 ("Virtual PCD 00 00") is the administrator's reader, reader 1 ("... 00 01")
the customer's.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509

from .piv.constants import KEY_SLOTS, TAG_CERTIFICATE, KeyType
from .tlv import TlvError, tlv_dict
from .virtual.card import VirtualPivCard
from .virtual.state import CardState, load_state, new_card_state, save_state
from .virtual.vpcd import DEFAULT_HOST, DEFAULT_PORT, VpcdBridge, reader_name

logger = logging.getLogger(__name__)

READER_ROLES = ("administrator", "customer")
DEFAULT_READER_COUNT = 2


class CardServiceError(Exception):
    """A request the card service refuses (unknown card, reader busy...)."""


def card_path(state_dir: Path, card_number: str) -> Path:
    if not (card_number.isdigit() and len(card_number) == 19):
        raise CardServiceError(f"not a card number: {card_number!r}")
    return Path(state_dir) / f"{card_number}.json"


def log_path(state_dir: Path, card_number: str) -> Path:
    return Path(state_dir) / f"{card_number}.apdu.jsonl"


def create_card(state_dir: Path, **options: Any) -> CardState:
    """Create a blank test card (see :func:`new_card_state` for the options)."""
    state = new_card_state(**options)
    path = card_path(state_dir, state.card_number)
    if path.exists():
        raise CardServiceError(f"card {state.card_number} already exists")
    save_state(path, state)
    return state


def load_card(state_dir: Path, card_number: str) -> CardState:
    path = card_path(state_dir, card_number)
    if not path.exists():
        raise CardServiceError(f"no card {card_number} in {state_dir}")
    return load_state(path)


def list_cards(state_dir: Path) -> list[CardState]:
    directory = Path(state_dir)
    if not directory.is_dir():
        return []
    cards = []
    for path in sorted(directory.glob("[0-9]*.json")):
        try:
            cards.append(load_state(path))
        except FileNotFoundError:
            continue  # discarded since the listing (an exercise starting in another request)
    return cards


def describe_certificates(state: CardState) -> list[dict[str, str]]:
    found = []
    for slot in KEY_SLOTS:
        content = state.get_object(slot.object_id)
        if not content:
            continue
        try:
            der = tlv_dict(content)[TAG_CERTIFICATE]
            cert = x509.load_der_x509_certificate(der)
        except (KeyError, TlvError, ValueError):
            found.append({"slot": f"{slot:02X}", "subject": "(unreadable)", "not_after": ""})
            continue
        found.append(
            {
                "slot": f"{slot:02X}",
                "subject": cert.subject.rfc4514_string(),
                "not_after": cert.not_valid_after_utc.isoformat(),
            }
        )
    return found


def describe_card(state: CardState) -> dict[str, Any]:
    """What an administrator may see about a card (never the PIN, PUK or keys)."""
    return {
        "card_number": state.card_number,
        "product_code": state.product_code,
        "holder": state.holder,
        "pin_retries_left": state.pin_retries_left,
        "pin_max_retries": state.pin_max_retries,
        "puk_retries_left": state.puk_retries_left,
        "puk_max_retries": state.puk_max_retries,
        "pin_blocked": state.pin_blocked,
        "puk_blocked": state.puk_blocked,
        "keys": {slot: KeyType(key.key_type).name for slot, key in state.keys.items()},
        "certificates": describe_certificates(state),
    }


@dataclass
class _Inserted:
    card: VirtualPivCard
    bridge: VpcdBridge | None
    since: str


class CardService:
    """The readers of one desk and the cards in them."""

    def __init__(
        self,
        state_dir: Path,
        *,
        readers: int = DEFAULT_READER_COUNT,
        host: str = DEFAULT_HOST,
        base_port: int = DEFAULT_PORT,
        use_vpcd: bool = True,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.reader_count = readers
        self.host = host
        self.base_port = base_port
        self.use_vpcd = use_vpcd
        self._slots: dict[int, _Inserted] = {}
        self._lock = threading.RLock()

    def _check_reader(self, reader: int) -> None:
        if not 0 <= reader < self.reader_count:
            raise CardServiceError(f"reader must be 0..{self.reader_count - 1}")

    def insert(self, card_number: str, reader: int) -> dict[str, Any]:
        self._check_reader(reader)
        with self._lock:
            if reader in self._slots:
                raise CardServiceError(f"reader {reader} already holds a card")
            for index, inserted in self._slots.items():
                if inserted.card.card_number == card_number:
                    raise CardServiceError(f"card {card_number} is in reader {index}")
            path = card_path(self.state_dir, card_number)
            if not path.exists():
                raise CardServiceError(f"no card {card_number} in {self.state_dir}")
            card = VirtualPivCard.open(path, log_path(self.state_dir, card_number))
            card.reader_name = reader_name(reader)
            card.apdu_log.event("inserted", card.reader_name)
            bridge = None
            if self.use_vpcd:
                bridge = VpcdBridge(card, self.base_port + reader, self.host)
                bridge.start()
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            self._slots[reader] = _Inserted(card, bridge, now)
            return self._reader_status(reader)

    def eject(self, reader: int) -> dict[str, Any]:
        self._check_reader(reader)
        with self._lock:
            inserted = self._slots.pop(reader, None)
            if inserted is None:
                raise CardServiceError(f"reader {reader} is empty")
            if inserted.bridge is not None:
                inserted.bridge.stop()
            inserted.card.apdu_log.event("ejected", reader_name(reader))
            inserted.card.apdu_log.close()
            return {"reader": reader, "ejected": inserted.card.card_number}

    def card_in(self, reader: int) -> VirtualPivCard | None:
        """The card object in ``reader`` (for an in-process connection)."""
        with self._lock:
            inserted = self._slots.get(reader)
            return inserted.card if inserted else None

    def _reader_status(self, reader: int) -> dict[str, Any]:
        inserted = self._slots.get(reader)
        status: dict[str, Any] = {
            "reader": reader,
            "name": reader_name(reader),
            "role": READER_ROLES[reader] if reader < len(READER_ROLES) else "",
            "card": None,
        }
        if inserted is not None:
            status["card"] = describe_card(CardState.from_dict(inserted.card.snapshot()))
            status["inserted_at"] = inserted.since
            status["connected_to_pcscd"] = bool(
                inserted.bridge and inserted.bridge.connected.is_set()
            )
        return status

    def status(self) -> dict[str, Any]:
        with self._lock:
            readers = [self._reader_status(index) for index in range(self.reader_count)]
            inserted = {s["card"]["card_number"] for s in readers if s["card"]}
        cards = [describe_card(c) for c in list_cards(self.state_dir)]
        return {
            "readers": readers,
            "cards": [c for c in cards if c["card_number"] not in inserted],
        }

    def shutdown(self) -> None:
        with self._lock:
            for reader in list(self._slots):
                self.eject(reader)
