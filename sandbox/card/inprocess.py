"""A connection straight to a :class:`VirtualPivCard` (unit tests, machines without pcscd)."""

from __future__ import annotations

from .connection import SmartCardConnection
from .virtual.card import VirtualPivCard


class InProcessConnection(SmartCardConnection):
    """Talks to the card object directly; powers it on like a reader would."""

    def __init__(self, card: VirtualPivCard) -> None:
        self.card = card
        card.power_on()

    def send_and_receive(self, apdu: bytes) -> tuple[bytes, int]:
        response = self.card.transmit(apdu)
        return response[:-2], int.from_bytes(response[-2:], "big")

    @property
    def atr(self) -> bytes:
        return self.card.atr

    @property
    def description(self) -> str:
        return f"in-process virtual card {self.card.card_number}"

    def close(self) -> None:
        self.card.power_off()
