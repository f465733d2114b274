"""Local control channel of the card service: JSON lines over a Unix socket.

Request: ``{"op": "insert", "card": "9752...", "reader": 1}`` / ``{"op": "eject",
"reader": 0}`` / ``{"op": "status"}``. Answer: ``{"ok": true, "result": ...}`` or
``{"ok": false, "error": "..."}``. The socket lives in the state directory (mode 0600).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any

from .service import CardService, CardServiceError

logger = logging.getLogger(__name__)

SOCKET_NAME = "control.sock"
MAX_REQUEST = 64 * 1024


class ServiceNotRunning(CardServiceError):
    """No card service answers on the state directory's control socket."""


def socket_path(state_dir: Path) -> Path:
    return Path(state_dir) / SOCKET_NAME


def handle_request(service: CardService, request: dict[str, Any]) -> dict[str, Any]:
    try:
        op = request.get("op")
        if op == "insert":
            result = service.insert(str(request["card"]), int(request["reader"]))
        elif op == "eject":
            result = service.eject(int(request["reader"]))
        elif op == "status":
            result = service.status()
        elif op == "ping":
            result = "pong"
        else:
            raise CardServiceError(f"unknown operation {op!r}")
        return {"ok": True, "result": result}
    except (CardServiceError, KeyError, ValueError, TypeError) as error:
        return {"ok": False, "error": str(error)}


class ControlServer:
    def __init__(self, service: CardService) -> None:
        self.service = service
        self.path = socket_path(service.state_dir)
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.path.exists():
            try:
                ServiceClient(self.service.state_dir).request({"op": "ping"})
            except ServiceNotRunning:
                self.path.unlink()
            else:
                raise CardServiceError(f"a card service already runs on {self.path}")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)
        try:
            sock.bind(str(self.path))
        finally:
            os.umask(old_umask)
        sock.listen(8)
        sock.settimeout(0.5)
        self._sock = sock
        self._thread = threading.Thread(target=self._accept_loop, name="cards-control", daemon=True)
        self._thread.start()

    def _accept_loop(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as stream:
            conn.settimeout(30)
            try:
                for line in stream:
                    if len(line) > MAX_REQUEST:
                        break
                    try:
                        request = json.loads(line)
                        if not isinstance(request, dict):
                            raise ValueError("request must be an object")
                        answer = handle_request(self.service, request)
                    except ValueError as error:
                        answer = {"ok": False, "error": f"bad request: {error}"}
                    stream.write(json.dumps(answer).encode() + b"\n")
                    stream.flush()
            except OSError:
                logger.debug("control client went away")

    def stop(self) -> None:
        self._stop.set()
        if self._sock is not None:
            self._sock.close()
        if self._thread is not None:
            self._thread.join(5)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class ServiceClient:
    """What the CLI and the web UI use to talk to a running ``cards serve``."""

    def __init__(self, state_dir: Path, timeout: float = 30.0) -> None:
        self.path = socket_path(state_dir)
        self.timeout = timeout

    def request(self, request: dict[str, Any]) -> Any:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(self.timeout)
                sock.connect(str(self.path))
                sock.sendall(json.dumps(request).encode() + b"\n")
                with sock.makefile("rb") as stream:
                    line = stream.readline()
        except (FileNotFoundError, ConnectionRefusedError) as error:
            raise ServiceNotRunning(f"no card service on {self.path}") from error
        if not line:
            raise ServiceNotRunning("the card service closed the connection")
        answer = json.loads(line)
        if not answer.get("ok"):
            raise CardServiceError(answer.get("error", "card service error"))
        return answer["result"]

    def is_running(self) -> bool:
        try:
            self.request({"op": "ping"})
        except (ServiceNotRunning, OSError):
            return False
        return True

    def insert(self, card_number: str, reader: int) -> dict[str, Any]:
        return self.request({"op": "insert", "card": card_number, "reader": reader})

    def eject(self, reader: int) -> dict[str, Any]:
        return self.request({"op": "eject", "reader": reader})

    def status(self) -> dict[str, Any]:
        return self.request({"op": "status"})
