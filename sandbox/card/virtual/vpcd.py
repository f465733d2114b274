"""Bridge a VirtualPivCard to the vpcd reader driver of pcscd over TCP.

vpcd is the TCP server (127.0.0.1, port 35963 for reader "Virtual PCD 00 00", 35964
for "... 00 01"); the card connects as a client. Connected = card inserted, closed =
card removed. Messages are a 2-byte big-endian length plus payload; a 1-byte payload
is a control message (00 off, 01 on, 02 reset, 04 send ATR), anything else an APDU.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading

from .card import VirtualPivCard

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 35963
RECONNECT_DELAY = 0.5

POWER_OFF, POWER_ON, RESET, GET_ATR = 0x00, 0x01, 0x02, 0x04


def reader_name(index: int) -> str:
    """pcscd's name for vpcd reader ``index`` of the default configuration."""
    return f"Virtual PCD 00 {index:02d}"


class _Closed(Exception):
    pass


class VpcdBridge:
    """Keeps one card connected to one vpcd port, reconnecting if pcscd restarts."""

    def __init__(self, card: VirtualPivCard, port: int, host: str = DEFAULT_HOST) -> None:
        self.card = card
        self.host = host
        self.port = port
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._run, name=f"vpcd-{port}-{card.card_number}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Remove the card: close the connection and wait for the thread to end."""
        self._stop.set()
        with self._lock:
            if self._sock is not None:
                with contextlib.suppress(OSError):
                    self._sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout)
        self.card.power_off()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2)
            except OSError:
                self._stop.wait(RECONNECT_DELAY)
                continue
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._sock = sock
            if self._stop.is_set():
                sock.close()
                break
            self.connected.set()
            logger.info("card %s connected to vpcd port %d", self.card.card_number, self.port)
            try:
                self._serve(sock)
            except (OSError, _Closed):
                pass
            finally:
                self.connected.clear()
                with self._lock:
                    self._sock = None
                sock.close()
                self.card.power_off()
            self._stop.wait(RECONNECT_DELAY)

    def _receive(self, sock: socket.socket, size: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < size:
            _quickack(sock)
            chunk = sock.recv(size - len(chunks))
            if not chunk:
                raise _Closed
            chunks += chunk
        return bytes(chunks)

    def _serve(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            (length,) = struct.unpack(">H", self._receive(sock, 2))
            payload = self._receive(sock, length) if length else b""
            if len(payload) == 1:
                answer = self._control(payload[0])
                if answer is None:
                    continue
            else:
                answer = self.card.transmit(payload)
            sock.sendall(struct.pack(">H", len(answer)) + answer)

    def _control(self, code: int) -> bytes | None:
        if code == POWER_OFF:
            self.card.power_off()
        elif code == POWER_ON:
            self.card.power_on()
        elif code == RESET:
            self.card.reset()
        elif code == GET_ATR:
            return self.card.atr
        else:
            logger.warning("unknown vpcd control byte %02X", code)
        return None


def _quickack(sock: socket.socket) -> None:
    """Avoid Nagle + delayed-ACK stalls (~40 ms per APDU): vpcd writes length and body
    separately without TCP_NODELAY, so ACK at once (Linux resets the flag after use)."""
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)
