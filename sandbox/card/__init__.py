"""Smart-card layer: APDU/TLV, PIV client, connections (PC/SC, in-process), virtual card.

Imports neither Flask nor ``lms``.
"""

from .apdu import CommandApdu, ResponseApdu
from .connection import SmartCardConnection, SmartCardProtocol
from .errors import (
    ApduError,
    BlockedError,
    ConditionsNotSatisfied,
    NotFound,
    SecurityStatusNotSatisfied,
    WrongData,
    WrongPinError,
)
from .inprocess import InProcessConnection
from .piv import KeyType, PivSession, Slot

__all__ = [
    "ApduError",
    "BlockedError",
    "CommandApdu",
    "ConditionsNotSatisfied",
    "InProcessConnection",
    "KeyType",
    "NotFound",
    "PivSession",
    "ResponseApdu",
    "SecurityStatusNotSatisfied",
    "SmartCardConnection",
    "SmartCardProtocol",
    "Slot",
    "WrongData",
    "WrongPinError",
]
