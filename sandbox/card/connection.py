"""Connections to a card and the protocol layer (command chaining, GET RESPONSE).

A :class:`SmartCardConnection` has one job: send a command APDU and return the
response data and status word. pyscard readers and in-process virtual cards both
implement it; :class:`SmartCardProtocol` adds everything else.
"""

from __future__ import annotations

import abc
from types import TracebackType

from .apdu import CLA_CHAINING, SHORT_MAX_LC, CommandApdu
from .errors import SW, SW1_MORE_DATA, SW1_WRONG_LE, raise_for_sw

INS_GET_RESPONSE = 0xC0
MAX_RESPONSE = 64 * 1024


class SmartCardConnection(abc.ABC):
    """A channel to one card: send raw APDU bytes, get ``(data, sw)`` back."""

    @abc.abstractmethod
    def send_and_receive(self, apdu: bytes) -> tuple[bytes, int]:
        """Transmit one command APDU and return the response data and status word."""

    @property
    def atr(self) -> bytes:
        return b""

    @property
    def description(self) -> str:
        return type(self).__name__

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the connection."""

    def __enter__(self) -> SmartCardConnection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SmartCardProtocol:
    """APDU protocol over a connection: chains long commands, collects 61xx responses."""

    def __init__(self, connection: SmartCardConnection, extended: bool = False) -> None:
        self.connection = connection
        self.extended = extended

    def transceive(self, apdu: CommandApdu) -> tuple[bytes, int]:
        """Send one APDU (no chaining), follow 61xx/6Cxx, return (data, sw) unraised."""
        data, sw = self.connection.send_and_receive(apdu.to_bytes())
        if sw >> 8 == SW1_WRONG_LE:
            retry = CommandApdu(apdu.cla, apdu.ins, apdu.p1, apdu.p2, apdu.data, sw & 0xFF or 256)
            data, sw = self.connection.send_and_receive(retry.to_bytes())
        collected = bytearray(data)
        while sw >> 8 == SW1_MORE_DATA:
            if len(collected) > MAX_RESPONSE:
                raise ValueError("card response too long")
            get_response = CommandApdu(0x00, INS_GET_RESPONSE, 0, 0, le=sw & 0xFF or 256)
            data, sw = self.connection.send_and_receive(get_response.to_bytes())
            collected += data
        return bytes(collected), sw

    def send_apdu(
        self, cla: int, ins: int, p1: int, p2: int, data: bytes = b"", le: int = 256
    ) -> bytes:
        """Send a command, chaining it if needed; raise a typed error on a bad SW."""
        data = bytes(data)
        if self.extended and len(data) <= 65535:
            response, sw = self.transceive(
                CommandApdu(cla, ins, p1, p2, data, le=65536 if le else 0, extended=True)
            )
            raise_for_sw(sw)
            return response
        while len(data) > SHORT_MAX_LC:
            chunk, data = data[:SHORT_MAX_LC], data[SHORT_MAX_LC:]
            _, sw = self.transceive(CommandApdu(cla | CLA_CHAINING, ins, p1, p2, chunk))
            raise_for_sw(sw)
        response, sw = self.transceive(CommandApdu(cla, ins, p1, p2, data, le=le))
        raise_for_sw(sw)
        return response

    def close(self) -> None:
        self.connection.close()


__all__ = ["SW", "SmartCardConnection", "SmartCardProtocol"]
