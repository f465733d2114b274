"""Start and stop pcscd and the card service for the @pytest.mark.pcsc tests.

Everything started here is stopped here, by PID; a pcscd that was already running is
used and left alone. Every external command runs with a 30 s timeout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sandbox.card.control import ServiceClient
from sandbox.card.pcsc import card_present, list_readers, wait_for_card
from sandbox.card.service import create_card
from sandbox.card.virtual.vpcd import reader_name

TOOL_TIMEOUT = 30
PCSCD_PID_FILE = Path("/run/pcscd/pcscd.pid")
REPO = Path(__file__).resolve().parents[2]


def pcscd_running() -> bool:
    try:
        pid = int(PCSCD_PID_FILE.read_text().strip())
        return Path(f"/proc/{pid}/comm").read_text().strip() == "pcscd"
    except (OSError, ValueError):
        return False


def run_tool(*command: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 - fixed tool names from the tests
        list(command), capture_output=True, text=True, timeout=TOOL_TIMEOUT, **kwargs
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what}")


class PcscHarness:
    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.state_dir = self.workdir / "cards"
        self.pcscd: subprocess.Popen | None = None
        self.service: subprocess.Popen | None = None
        self.cards: list[str] = []

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        if not pcscd_running():
            log = (self.workdir / "pcscd.log").open("w")
            self.pcscd = subprocess.Popen(  # noqa: S603
                ["/usr/sbin/pcscd", "-f"], stdout=log, stderr=log, start_new_session=True
            )
        try:
            wait_until(
                lambda: {reader_name(0), reader_name(1)} <= set(list_readers()), 20, "vpcd readers"
            )
        except TimeoutError:
            state = self._pcscd_state()
            raise TimeoutError(f"timed out waiting for vpcd readers; {state}") from None
        admin = create_card(self.state_dir, holder="Anna Administratör", product_code="673")
        customer = create_card(self.state_dir, holder="Kim Kund", product_code="773")
        self.cards = [admin.card_number, customer.card_number]
        self.start_service()

    def start_service(self) -> None:
        log = (self.workdir / "service.log").open("a")
        command = [sys.executable, "-m", "sandbox.console.cards_cli"]
        command += ["--state-dir", str(self.state_dir), "serve"]
        for reader, card in enumerate(self.cards):
            command += ["--insert", f"{reader}={card}"]
        self.service = subprocess.Popen(  # noqa: S603
            command, cwd=REPO, stdout=log, stderr=log, start_new_session=True
        )
        client = ServiceClient(self.state_dir)
        wait_until(client.is_running, 20, "card service")
        for reader in range(len(self.cards)):
            self.wait_for_card(reader)

    def stop_service(self) -> None:
        if self.service is not None:
            self.service.send_signal(signal.SIGTERM)
            try:
                self.service.wait(15)
            except subprocess.TimeoutExpired:
                self.service.kill()
                self.service.wait(5)
            self.service = None

    def restart_service(self) -> None:
        self.stop_service()
        self.start_service()

    def stop(self) -> None:
        self.stop_service()
        if self.pcscd is not None:
            os.kill(self.pcscd.pid, signal.SIGTERM)
            try:
                self.pcscd.wait(15)
            except subprocess.TimeoutExpired:
                self.pcscd.kill()
                self.pcscd.wait(5)
            self.pcscd = None

    def _pcscd_state(self) -> str:
        """For the error message: did our pcscd die (e.g. vpcd's port held by another)?"""
        if self.pcscd is None:
            return "using an already running pcscd"
        log = (self.workdir / "pcscd.log").read_text(errors="replace")[-500:]
        status = "running" if self.pcscd.poll() is None else f"exited {self.pcscd.returncode}"
        return f"our pcscd {status}; its log ends: {log!r}"

    # -- helpers -----------------------------------------------------------------------
    @property
    def client(self) -> ServiceClient:
        return ServiceClient(self.state_dir)

    def card_present(self, reader: int) -> bool:
        return card_present(reader_name(reader))

    def wait_for_card(self, reader: int, present: bool = True) -> None:
        wait_for_card(reader_name(reader), present, timeout=20)
