"""Status words (ISO/IEC 7816-4, NIST SP 800-73-4) and the typed errors they map to."""

from __future__ import annotations

from enum import IntEnum


class SW(IntEnum):
    OK = 0x9000
    WARNING_NO_INFO = 0x6200
    WRONG_LENGTH = 0x6700
    LAST_COMMAND_OF_CHAIN_EXPECTED = 0x6883
    CHAINING_NOT_SUPPORTED = 0x6884
    SECURITY_STATUS_NOT_SATISFIED = 0x6982
    AUTH_METHOD_BLOCKED = 0x6983
    CONDITIONS_NOT_SATISFIED = 0x6985
    COMMAND_NOT_ALLOWED = 0x6986
    WRONG_DATA = 0x6A80
    FUNCTION_NOT_SUPPORTED = 0x6A81
    FILE_NOT_FOUND = 0x6A82
    NOT_ENOUGH_MEMORY = 0x6A84
    INCORRECT_P1P2 = 0x6A86
    REFERENCE_NOT_FOUND = 0x6A88
    WRONG_P1P2 = 0x6B00
    INS_NOT_SUPPORTED = 0x6D00
    CLA_NOT_SUPPORTED = 0x6E00
    NO_PRECISE_DIAGNOSIS = 0x6F00


SW1_MORE_DATA = 0x61
SW1_WRONG_LE = 0x6C


def is_valid_status_word(sw: int) -> bool:
    """True for a status word of the ISO 7816-4 families a card may answer."""
    sw1 = sw >> 8
    return 0 <= sw <= 0xFFFF and (sw1 == 0x90 and sw & 0xFF == 0 or 0x61 <= sw1 <= 0x6F)


def is_retry_counter(sw: int) -> bool:
    return sw & 0xFFF0 == 0x63C0


class ApduError(Exception):
    """A card answered a command with an error status word."""

    def __init__(self, sw: int, message: str = "") -> None:
        self.sw = sw
        super().__init__(f"{message or type(self).__name__} (SW={sw:04X})")


class WrongPinError(ApduError):
    """Wrong PIN or PUK; ``retries_left`` attempts remain (0 means now blocked)."""

    def __init__(self, sw: int, retries_left: int) -> None:
        self.retries_left = retries_left
        super().__init__(sw, f"wrong PIN/PUK, {retries_left} attempt(s) left")


class BlockedError(ApduError):
    """The PIN, PUK or key is blocked (6983)."""


class SecurityStatusNotSatisfied(ApduError):
    """PIN verification or management-key authentication is needed first (6982)."""


class ConditionsNotSatisfied(ApduError):
    """6985: e.g. a signature key that needs the PIN verified just before."""


class WrongData(ApduError):
    """6A80: malformed data field, e.g. a PIN that is not 6-8 digits."""


class NotFound(ApduError):
    """6A82 / 6A88: no such application, data object or key."""


class WrongLength(ApduError):
    """6700."""


class IncorrectParameters(ApduError):
    """6A86 / 6B00: bad P1-P2."""


class NotSupported(ApduError):
    """6D00 / 6E00 / 6A81 / 6884: instruction, class or function not supported."""


class NotEnoughMemory(ApduError):
    """6A84: data too large for the card."""


_BY_SW: dict[int, type[ApduError]] = {
    SW.AUTH_METHOD_BLOCKED: BlockedError,
    SW.SECURITY_STATUS_NOT_SATISFIED: SecurityStatusNotSatisfied,
    SW.CONDITIONS_NOT_SATISFIED: ConditionsNotSatisfied,
    SW.WRONG_DATA: WrongData,
    SW.FILE_NOT_FOUND: NotFound,
    SW.REFERENCE_NOT_FOUND: NotFound,
    SW.WRONG_LENGTH: WrongLength,
    SW.INCORRECT_P1P2: IncorrectParameters,
    SW.WRONG_P1P2: IncorrectParameters,
    SW.INS_NOT_SUPPORTED: NotSupported,
    SW.CLA_NOT_SUPPORTED: NotSupported,
    SW.FUNCTION_NOT_SUPPORTED: NotSupported,
    SW.CHAINING_NOT_SUPPORTED: NotSupported,
    SW.NOT_ENOUGH_MEMORY: NotEnoughMemory,
}


def error_for_sw(sw: int) -> ApduError:
    """The typed exception for an error status word."""
    if is_retry_counter(sw):
        return WrongPinError(sw, sw & 0x0F)
    return _BY_SW.get(sw, ApduError)(sw)


def raise_for_sw(sw: int) -> None:
    if sw != SW.OK:
        raise error_for_sw(sw)
