"""The sandbox desk: two card readers and a drawer of test cards.

Reader 0 is the administrator's reader, reader 1 the customer's, as at a real card desk.
Two kinds of desk give the console the same operations:

* `ServiceDesk` uses the running card service (`flask cards serve`): its virtual cards sit in
  vpcd readers, so every APDU goes through pyscard and pcscd exactly as with a physical card.
  The readers belong to the machine, so one person at a time holds the desk (`DeskLease`).
* `PrivateDesk` gives each person a desk of their own, in their own directory, and talks to the
  virtual cards in this process. It serves several people on one server, tests and machines
  without pcscd; the console says on screen that the cards are not reached through PC/SC.

Card state lives in the card files either way (written atomically by the card itself), so
exercise checks read the same state the card answers from.
"""

from __future__ import annotations

import abc
import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sandbox.card.control import ServiceClient, ServiceNotRunning
from sandbox.card.inprocess import InProcessConnection
from sandbox.card.piv.session import PivSession
from sandbox.card.service import (
    READER_ROLES,
    CardServiceError,
    card_path,
    create_card,
    describe_card,
    list_cards,
    load_card,
    log_path,
)
from sandbox.card.virtual.card import VirtualPivCard
from sandbox.card.virtual.state import CardState
from sandbox.card.virtual.vpcd import reader_name

ADMIN_READER = 0
CUSTOMER_READER = 1
READERS = (ADMIN_READER, CUSTOMER_READER)


def _write_json(path: Path, data: Any) -> None:
    """Replace `path` with `data` as JSON in one step: a reader in another worker process sees
    the old file or the new one, never half of it. (No fsync: readers and lease are
    bookkeeping that a crash may lose; the cards' own state is synced by `save_state`.)"""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
    os.replace(temp, path)


class DeskError(Exception):
    """An operation on the desk itself that cannot be done (empty reader, busy desk...).

    `code` names the rule for the console's message; the text is for logs and the CLI.
    """

    def __init__(self, message: str, code: str = "desk") -> None:
        super().__init__(message)
        self.code = code


class Desk(abc.ABC):
    """What the console and the exercises need from a desk."""

    #: True when the cards are reached through pyscard and pcscd.
    via_pcsc: bool = False

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = Path(state_dir)

    # -- the drawer ---------------------------------------------------------------------
    def new_card(self, **options: Any) -> CardState:
        """A blank test card in the drawer (see `new_card_state` for the options)."""
        return create_card(self.state_dir, **options)

    def card_state(self, card_number: str) -> CardState:
        """The card's stored state: for checks, never shown (it holds PIN and PUK)."""
        return load_card(self.state_dir, card_number)

    def discard(self, card_number: str) -> None:
        """Take the card out of its reader if it is in one, and out of the drawer for good."""
        reader = self.reader_of(card_number)
        if reader is not None:
            self.eject(reader)
        card_path(self.state_dir, card_number).unlink(missing_ok=True)
        log_path(self.state_dir, card_number).unlink(missing_ok=True)

    def owns(self, card_number: str) -> bool:
        try:
            return card_path(self.state_dir, card_number).exists()
        except CardServiceError:
            return False

    # -- readers ------------------------------------------------------------------------
    @abc.abstractmethod
    def occupancy(self) -> dict[int, str]:
        """Reader -> card number, for the readers that hold a card."""

    @abc.abstractmethod
    def insert(self, card_number: str, reader: int) -> None: ...

    @abc.abstractmethod
    def eject(self, reader: int) -> str:
        """Take the card out of `reader`; returns its number."""

    @abc.abstractmethod
    @contextlib.contextmanager
    def piv(self, reader: int) -> Iterator[PivSession]:
        """A PIV session with the card in `reader`, for one operation."""

    def card_in(self, reader: int) -> str | None:
        return self.occupancy().get(reader)

    def reader_of(self, card_number: str) -> int | None:
        for reader, number in self.occupancy().items():
            if number == card_number:
                return reader
        return None

    def empty_readers(self) -> None:
        for reader in list(self.occupancy()):
            self.eject(reader)

    def status(self) -> dict[str, Any]:
        """Readers with what an administrator may see of their cards, and the drawer."""
        occupied = self.occupancy()
        readers = []
        for reader in READERS:
            number = occupied.get(reader)
            card = describe_card(self.card_state(number)) if number else None
            readers.append({"reader": reader, "role": READER_ROLES[reader], "card": card})
        drawer = [
            describe_card(state)
            for state in list_cards(self.state_dir)
            if state.card_number not in occupied.values()
        ]
        return {"readers": readers, "drawer": drawer, "via_pcsc": self.via_pcsc}

    def _check_reader(self, reader: int) -> None:
        if reader not in READERS:
            raise DeskError(f"reader must be one of {READERS}", "bad_reader")

    def _check_insertable(self, card_number: str, reader: int) -> None:
        self._check_reader(reader)
        if not self.owns(card_number):
            raise DeskError(f"no test card {card_number} in this desk's drawer", "no_such_card")
        occupied = self.occupancy()
        if reader in occupied:
            raise DeskError(f"reader {reader} already holds a card", "reader_occupied")
        if card_number in occupied.values():
            raise DeskError(f"card {card_number} is already in a reader", "card_in_reader")


class PrivateDesk(Desk):
    """One person's desk: cards in their own directory, readers recorded in `readers.json`."""

    def __init__(self, state_dir: Path) -> None:
        super().__init__(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._readers_file = self.state_dir / "readers.json"

    def occupancy(self) -> dict[int, str]:
        try:
            raw = json.loads(self._readers_file.read_text())
        except FileNotFoundError:
            return {}
        except ValueError:
            return {}  # a damaged file empties the readers; the cards themselves are intact
        if not isinstance(raw, dict):
            return {}
        return {
            int(k): v
            for k, v in raw.items()
            if k in {str(r) for r in READERS} and isinstance(v, str) and self.owns(v)
        }

    def _write_occupancy(self, occupancy: dict[int, str]) -> None:
        _write_json(self._readers_file, {str(k): v for k, v in sorted(occupancy.items())})

    def insert(self, card_number: str, reader: int) -> None:
        self._check_insertable(card_number, reader)
        occupancy = self.occupancy()
        occupancy[reader] = card_number
        self._write_occupancy(occupancy)

    def eject(self, reader: int) -> str:
        self._check_reader(reader)
        occupancy = self.occupancy()
        if reader not in occupancy:
            raise DeskError(f"reader {reader} is empty", "reader_empty")
        number = occupancy.pop(reader)
        self._write_occupancy(occupancy)
        return number

    @contextlib.contextmanager
    def piv(self, reader: int) -> Iterator[PivSession]:
        self._check_reader(reader)
        number = self.card_in(reader)
        if number is None:
            raise DeskError(f"reader {reader} is empty", "reader_empty")
        path = card_path(self.state_dir, number)
        card = VirtualPivCard.open(path, log_path(self.state_dir, number))
        card.reader_name = f"sandbox desk reader {reader}"
        connection = InProcessConnection(card)
        try:
            yield PivSession(connection)
        finally:
            connection.close()
            card.apdu_log.close()


class ServiceDesk(Desk):
    """The machine's readers, served by `flask cards serve` through vpcd and pcscd."""

    via_pcsc = True

    def __init__(self, state_dir: Path, client: ServiceClient | None = None) -> None:
        super().__init__(state_dir)
        self.client = client or ServiceClient(self.state_dir, timeout=10.0)

    def available(self) -> bool:
        return self.client.is_running()

    def occupancy(self) -> dict[int, str]:
        try:
            status = self.client.status()
        except ServiceNotRunning as error:
            raise DeskError("the card service is not running") from error
        return {
            r["reader"]: r["card"]["card_number"]
            for r in status["readers"]
            if r.get("card") and r["reader"] in READERS
        }

    def insert(self, card_number: str, reader: int) -> None:
        self._check_insertable(card_number, reader)
        try:
            self.client.insert(card_number, reader)
        except CardServiceError as error:
            raise DeskError(str(error)) from error
        self._wait(reader, present=True)

    def eject(self, reader: int) -> str:
        self._check_reader(reader)
        try:
            number = self.client.eject(reader)["ejected"]
        except CardServiceError as error:
            raise DeskError(str(error)) from error
        self._wait(reader, present=False)
        return number

    @staticmethod
    def _wait(reader: int, present: bool) -> None:
        """Return once pcscd has caught up with the card service (it polls its readers)."""
        from sandbox.card.pcsc import PcscError, wait_for_card

        try:
            wait_for_card(reader_name(reader), present)
        except PcscError as error:
            raise DeskError(f"reader {reader}: {error}") from error

    @contextlib.contextmanager
    def piv(self, reader: int) -> Iterator[PivSession]:
        from sandbox.card.pcsc import PcscConnection, PcscError  # pyscard only where used

        self._check_reader(reader)
        try:
            connection = PcscConnection(reader_name(reader))
        except PcscError as error:
            raise DeskError(f"reader {reader}: {error}") from error
        try:
            with connection.transaction():
                yield PivSession(connection)
        finally:
            connection.close()


class DeskLease:
    """Who holds the shared desk: one person at a time, until `minutes` after their last step.

    Kept in a small file beside the cards, so every worker process of the app sees it.
    """

    def __init__(self, state_dir: Path, minutes: int = 30) -> None:
        self.path = Path(state_dir) / "desk-lease.json"
        self.minutes = minutes

    def holder(self, now: dt.datetime) -> tuple[int, dt.datetime] | None:
        try:
            raw = json.loads(self.path.read_text())
            until = dt.datetime.fromisoformat(raw["until"])
            holder = int(raw["user_id"])
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return None
        return (holder, until) if until > now else None

    def take(self, user_id: int, now: dt.datetime) -> tuple[bool, dt.datetime | None]:
        """Take or extend the lease; (False, until) when someone else holds it."""
        current = self.holder(now)
        if current is not None and current[0] != user_id:
            return False, current[1]
        until = now + dt.timedelta(minutes=self.minutes)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _write_json(self.path, {"user_id": user_id, "until": until.isoformat()})
        return True, until

    def release(self, user_id: int, now: dt.datetime) -> None:
        current = self.holder(now)
        if current is not None and current[0] == user_id:
            self.path.unlink(missing_ok=True)
