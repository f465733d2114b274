"""Persisted state of one virtual PIV test card (JSON, written atomically).

The private keys are stored in the state file: they model the card's secure memory
and never leave the card through an APDU.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import os
import secrets
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from ..piv.constants import DEFAULT_MANAGEMENT_KEY, DEFAULT_PIN, DEFAULT_PUK, ManagementKeyType
from .objects import default_objects

# Local rule to confirm: domain.md section 4 gives 3 PIN tries and "more than 10" PUK
# tries for generation-1 cards and marks the numbers of newer products [UNCERTAIN].
# They are therefore per-card settings; these are only the defaults.
DEFAULT_PIN_RETRIES = 3
DEFAULT_PUK_RETRIES = 10
STATE_VERSION = 1

ORDINARY_PRODUCT_CODES = ("673", "773")
RESERVE_PRODUCT_CODES = ("473", "573")
PRODUCT_CODES = ORDINARY_PRODUCT_CODES + RESERVE_PRODUCT_CODES
# The holder is printed on the card and goes into certificate names (CN: at most 64).
HOLDER_MAX_LENGTH = 64
# Cc: controls (CR, LF, TAB, NUL…); Zl/Zp: the Unicode line and paragraph separators.
_LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})


def holder_problem(holder: str) -> str | None:
    """Why `holder` cannot be a card holder's name, or None."""
    if len(holder) > HOLDER_MAX_LENGTH:
        return f"holder name must be at most {HOLDER_MAX_LENGTH} characters"
    if any(unicodedata.category(char) in _LINE_BREAKING for char in holder):
        return "holder name must be one line without control characters"
    return None


def luhn_check_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_is_valid(number: str) -> bool:
    return number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def generate_card_number() -> str:
    """A plausible 19-digit card number: 9 (national), 752 (Sweden), issuer, serial, Luhn.

    [UNCERTAIN] domain.md section 5: the real field split and check digit are not
    confirmed; this only has to look like a card number and be internally consistent.
    """
    body = "975227" + "".join(secrets.choice("0123456789") for _ in range(12))
    return body + luhn_check_digit(body)


@dataclasses.dataclass
class StoredKey:
    key_type: int
    pkcs8_pem: str


@dataclasses.dataclass
class CardState:
    card_number: str
    product_code: str
    holder: str = ""
    pin: str = DEFAULT_PIN
    puk: str = DEFAULT_PUK
    pin_max_retries: int = DEFAULT_PIN_RETRIES
    puk_max_retries: int = DEFAULT_PUK_RETRIES
    pin_retries_left: int = DEFAULT_PIN_RETRIES
    puk_retries_left: int = DEFAULT_PUK_RETRIES
    management_key: str = DEFAULT_MANAGEMENT_KEY.hex()
    management_key_type: int = int(ManagementKeyType.TDES)
    objects: dict[str, str] = dataclasses.field(default_factory=dict)
    keys: dict[str, StoredKey] = dataclasses.field(default_factory=dict)
    pin_letter: dict[str, str] = dataclasses.field(default_factory=dict)
    created_at: str = ""
    version: int = STATE_VERSION

    @property
    def pin_blocked(self) -> bool:
        return self.pin_retries_left <= 0

    @property
    def puk_blocked(self) -> bool:
        return self.puk_retries_left <= 0

    def get_object(self, object_id: int) -> bytes | None:
        value = self.objects.get(f"{object_id:X}")
        return None if value is None else bytes.fromhex(value)

    def set_object(self, object_id: int, value: bytes | None) -> None:
        if value:
            self.objects[f"{object_id:X}"] = value.hex()
        else:
            self.objects.pop(f"{object_id:X}", None)

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CardState:
        data = dict(data)
        data["keys"] = {slot: StoredKey(**key) for slot, key in data.get("keys", {}).items()}
        known = {field.name for field in dataclasses.fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in known})


def new_card_state(
    *,
    card_number: str | None = None,
    product_code: str = ORDINARY_PRODUCT_CODES[0],
    holder: str = "",
    pin: str = DEFAULT_PIN,
    puk: str = DEFAULT_PUK,
    pin_retries: int = DEFAULT_PIN_RETRIES,
    puk_retries: int = DEFAULT_PUK_RETRIES,
    management_key: bytes = DEFAULT_MANAGEMENT_KEY,
) -> CardState:
    """A blank test card as it ships: PIN/PUK from the PIN letter, default 9B key."""
    if not (pin.isdigit() and 6 <= len(pin) <= 8):
        raise ValueError("PIN must be 6-8 digits")
    if not (puk.isdigit() and len(puk) == 8):
        raise ValueError("PUK must be 8 digits")
    if not (1 <= pin_retries <= 15 and 1 <= puk_retries <= 15):
        raise ValueError("retry counters must be 1-15 (one hex digit in 63Cx)")
    if len(management_key) != 24:
        raise ValueError("the 3DES management key is 24 bytes")
    if product_code not in PRODUCT_CODES:
        ordinary, reserve = "/".join(ORDINARY_PRODUCT_CODES), "/".join(RESERVE_PRODUCT_CODES)
        raise ValueError(
            f"product code must be one of {', '.join(PRODUCT_CODES)} "
            f"(ordinary {ordinary}, reserve {reserve})"
        )
    holder = holder.strip()
    if problem := holder_problem(holder):
        raise ValueError(problem)
    number = card_number or generate_card_number()
    if not (number.isdigit() and len(number) == 19):
        raise ValueError("card number must be 19 digits")
    state = CardState(
        card_number=number,
        product_code=product_code,
        holder=holder,
        pin=pin,
        puk=puk,
        pin_max_retries=pin_retries,
        puk_max_retries=puk_retries,
        pin_retries_left=pin_retries,
        puk_retries_left=puk_retries,
        management_key=management_key.hex(),
        pin_letter={"pin": pin, "puk": puk},
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    for object_id, value in default_objects(number).items():
        state.set_object(object_id, value)
    return state


def save_state(path: Path, state: CardState) -> None:
    """Write temp file + fsync + os.replace: a crash leaves the old or the new state."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(state.to_dict(), indent=1, sort_keys=True).encode()
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o600)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def load_state(path: Path) -> CardState:
    return CardState.from_dict(json.loads(Path(path).read_text()))
