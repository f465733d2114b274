"""The console's card operations: what an administrator does at the desk, as plain functions.

Every operation speaks real APDUs to the card in a reader (see `desk.Desk.piv`) and, where the
real system would, to the mock CA. The views and the exercise set-ups both call these. A refusal
is an `OperationRefused` with a code the views turn into a sentence; PINs and PUKs are never
part of a message or a log line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy.orm import Session

from sandbox.ca import MockCa, Person
from sandbox.ca.errors import CaError
from sandbox.ca.names import NAME_MAX
from sandbox.card.errors import ApduError, BlockedError, WrongPinError
from sandbox.card.piv.certs import build_csr, simple_name
from sandbox.card.piv.constants import KeyType, Slot
from sandbox.card.piv.session import PivSession
from sandbox.card.virtual.state import RESERVE_PRODUCT_CODES

from .desk import Desk, DeskError

PIN_LENGTHS = range(6, 9)
PUK_LENGTH = 8


class OperationRefused(Exception):
    """The card or the CA refused, or the request was wrong; nothing on the card changed
    except what the card itself counts (a wrong PIN uses up an attempt, as on a real card)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class CardCertificate:
    slot: str
    serial: str
    subject_cn: str
    hsa_id: str
    issuer_cn: str
    not_after: dt.datetime
    expired: bool
    ca_status: str | None = None  # good / revoked, when the mock CA knows the serial


@dataclass
class ReaderView:
    """What the console shows of one reader, read from the card through PIV."""

    reader: int
    role: str
    card_number: str | None = None
    product_code: str | None = None
    holder: str = ""
    pin_retries: int | None = None
    puk_retries: int | None = None
    certificates: list[CardCertificate] = field(default_factory=list)
    problem: str | None = None


def _ascii_digits(value: str) -> bool:
    """0-9 only: str.isdigit also takes other scripts' digits, which no card takes."""
    return value.isascii() and value.isdigit()


def valid_pin(pin: str) -> bool:
    return _ascii_digits(pin) and len(pin) in PIN_LENGTHS


def valid_puk(puk: str) -> bool:
    return _ascii_digits(puk) and len(puk) == PUK_LENGTH


def first_attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    """The first value of `oid` in `name`, or "" (a subject's CN, HSA-id, given name...)."""
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def describe_certificate(
    slot: Slot, cert: x509.Certificate, now: dt.datetime, ca_status: str | None = None
) -> CardCertificate:
    from cryptography.x509.oid import NameOID

    return CardCertificate(
        slot=f"{slot:02X}",
        serial=format(cert.serial_number, "x"),
        subject_cn=first_attribute(cert.subject, NameOID.COMMON_NAME),
        hsa_id=first_attribute(cert.subject, NameOID.SERIAL_NUMBER),
        issuer_cn=first_attribute(cert.issuer, NameOID.COMMON_NAME),
        not_after=cert.not_valid_after_utc,
        expired=cert.not_valid_after_utc <= now,
        ca_status=ca_status,
    )


def read_readers(
    desk: Desk,
    *,
    ca_status: Any = None,
    now: dt.datetime | None = None,
    status: dict[str, Any] | None = None,
) -> list[ReaderView]:
    """Both readers as the administrator's tool sees them: retries and certificates via PIV.

    `ca_status(serial) -> str | None` adds the CA's view of each certificate; `status` is
    `desk.status()` when the caller has already read it.
    """
    now = now or dt.datetime.now(dt.UTC)
    status = status or desk.status()
    views = []
    for entry in status["readers"]:
        view = ReaderView(reader=entry["reader"], role=entry["role"])
        card = entry["card"]
        if card is not None:
            view.card_number = card["card_number"]
            view.product_code = card["product_code"]
            view.holder = card["holder"]
            try:
                with desk.piv(view.reader) as piv:
                    view.pin_retries = piv.pin_retries()
                    view.puk_retries = piv.puk_retries()
                    for slot, cert in piv.list_certificates().items():
                        serial = format(cert.serial_number, "x")
                        known = ca_status(serial) if ca_status else None
                        view.certificates.append(describe_certificate(slot, cert, now, known))
            except (DeskError, ApduError) as error:
                view.problem = str(error)
        views.append(view)
    return views


def _card_call(desk: Desk, reader: int, operation):  # noqa: ANN001, ANN202
    """Run `operation(piv)` on the card in `reader`, turning card answers into refusals."""
    if desk.card_in(reader) is None:
        raise OperationRefused("reader_empty", reader=reader)
    try:
        with desk.piv(reader) as piv:
            return operation(piv)
    except WrongPinError as error:
        raise OperationRefused("wrong_code", retries_left=error.retries_left) from None
    except BlockedError:
        raise OperationRefused("blocked") from None
    except DeskError as error:
        raise OperationRefused(error.code, detail=str(error)) from None
    except ApduError as error:
        raise OperationRefused("card_error", sw=f"{error.sw:04X}") from None


def change_pin(desk: Desk, reader: int, old_pin: str, new_pin: str) -> None:
    """CHANGE REFERENCE DATA on the PIN: the old code, then the new one."""
    if not (valid_pin(old_pin) and valid_pin(new_pin)):
        raise OperationRefused("pin_format")
    _card_call(desk, reader, lambda piv: piv.change_pin(old_pin, new_pin))


def unblock_pin(desk: Desk, reader: int, puk: str, new_pin: str) -> None:
    """RESET RETRY COUNTER: the PUK from the PIN letter and a new PIN."""
    if not valid_puk(puk):
        raise OperationRefused("puk_format")
    if not valid_pin(new_pin):
        raise OperationRefused("pin_format")
    _card_call(desk, reader, lambda piv: piv.unblock_pin(puk, new_pin))


def delete_certificate(desk: Desk, reader: int, slot: Slot) -> None:
    """Remove a certificate from the card (clean-up; this is not revocation)."""

    def delete(piv: PivSession) -> None:
        if slot not in piv.list_certificates():
            # Saying "removed" about an empty slot would hide a wrong reader or slot.
            raise OperationRefused("slot_empty", slot=f"{slot:02X}")
        piv.authenticate()
        piv.delete_certificate(slot)

    _card_call(desk, reader, delete)


@dataclass(frozen=True)
class IssuedPair:
    card_number: str
    auth_serial: str
    sign_serial: str


def issue_certificates(
    desk: Desk,
    reader: int,
    ca: MockCa,
    db: Session,
    *,
    hsa_id: str,
    given_name: str,
    surname: str,
    pin: str,
    loa: int = 3,
    validity_days: int | None = None,
) -> IssuedPair:
    """New keys in 9A and 9C on the card, CSRs signed by the card, the CA's pair, written back.

    The card number on the certificates is the one printed on the card in the reader, never
    typed: that is the check the administrator would otherwise have to make by eye.
    """
    card_number = desk.card_in(reader)
    if card_number is None:
        raise OperationRefused("reader_empty", reader=reader)
    if not valid_pin(pin):
        raise OperationRefused("pin_format")
    if (
        not (given_name.strip() and surname.strip())
        or max(len(given_name), len(surname)) > NAME_MAX
    ):
        raise OperationRefused("name")
    if loa not in (2, 3):
        raise OperationRefused("loa")
    if loa == 2 and desk.card_state(card_number).product_code not in RESERVE_PRODUCT_CODES:
        raise OperationRefused("loa2_needs_reserve_card")
    maximum = ca.settings.reserve_validity_days if loa == 2 else ca.settings.loa3_validity_days
    if validity_days is not None and not 1 <= validity_days <= maximum:
        raise OperationRefused("validity", maximum=maximum)
    person = Person(hsa_id.strip(), given_name.strip(), surname.strip(), card_number)
    try:
        person.validated()
    except CaError as error:
        raise OperationRefused("person", detail=str(error)) from None

    def csrs(piv: PivSession) -> tuple[bytes, bytes]:
        piv.verify_pin(pin)  # first: a wrong PIN must not leave new keys behind
        piv.authenticate()
        requests = []
        for slot in (Slot.AUTHENTICATION, Slot.SIGNATURE):
            public_key = piv.generate_key(slot, KeyType.RSA2048)
            csr = build_csr(piv, slot, KeyType.RSA2048, public_key, simple_name(person.common_name))
            requests.append(csr.public_bytes(serialization.Encoding.DER))
        return requests[0], requests[1]

    auth_csr, sign_csr = _card_call(desk, reader, csrs)
    try:
        auth, sign = ca.issue_card_pair(
            db, auth_csr, sign_csr, person, loa=loa, validity_days=validity_days
        )
    except CaError as error:
        raise OperationRefused("ca", detail=str(error)) from None

    def write(piv: PivSession) -> None:
        piv.authenticate()
        piv.put_certificate(Slot.AUTHENTICATION, auth.certificate)
        piv.put_certificate(Slot.SIGNATURE, sign.certificate)

    _card_call(desk, reader, write)
    return IssuedPair(card_number, auth.serial, sign.serial)


def revoke_card(ca: MockCa, db: Session, card_number: str, reason: str) -> list[str]:
    """Revoke every still-valid certificate that carries `card_number` (the card need not be
    at hand: a lost card never is). Returns the revoked serials."""
    card_number = card_number.strip()
    if not _ascii_digits(card_number):
        raise OperationRefused("card_number")
    try:
        revocations = ca.revoke_card(db, card_number, reason)
    except CaError as error:
        raise OperationRefused("ca", detail=str(error)) from None
    if not revocations:
        raise OperationRefused("nothing_to_revoke", card_number=card_number)
    return [r.certificate.serial for r in revocations]
