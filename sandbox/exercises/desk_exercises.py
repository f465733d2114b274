"""The exercises at the desk that are built: reading cards, PIN change, PUK unlock, new
certificates, revoking a lost card. Each checks the outcome on the cards and in the CA.

Every run makes fresh test cards: the person's own administrator card in reader 1 (index 0)
and, where the task has one, the customer's card in reader 2 (index 1). The codes on the
exercise's PIN letter are random test codes shown in the brief.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sandbox.ca import Person
from sandbox.ca.models import IssuedCertificate
from sandbox.ca.timeutil import as_utc
from sandbox.card.errors import WrongPinError
from sandbox.card.piv.constants import KEY_SLOTS, TAG_CERTIFICATE, Slot
from sandbox.card.tlv import tlv_dict
from sandbox.card.virtual.state import CardState
from sandbox.console import operations
from sandbox.console.desk import ADMIN_READER, CUSTOMER_READER
from sandbox.console.operations import first_attribute

from .base import AnswerField, Exercise, Finding, Workbench, digits, register

# Test people: plainly invented names; HSA-ids in the test organisation's format.
CUSTOMERS = (
    ("Kim", "Lindqvist", "SE2321000016-7TK1"),
    ("Sara", "Nyberg", "SE2321000016-7TK2"),
    ("Ali", "Hassan", "SE2321000016-7TK3"),
    ("Elin", "Berg", "SE2321000016-7TK4"),
)
LOST_CARD_REASON = "keyCompromise"


def _own_card(bench: Workbench) -> dict[str, str]:
    """The administrator's own card, in reader 1, with its PIN on the exercise's note."""
    pin = digits(6)
    state = bench.new_card(holder=bench.trainee_name[:64] or "Administratör", pin=pin)
    bench.desk.insert(state.card_number, ADMIN_READER)
    return {"own_card": state.card_number, "own_pin": pin}


def _customer_card(bench: Workbench, index: int, *, reader: int | None = CUSTOMER_READER):
    given, surname, hsa_id = CUSTOMERS[index]
    pin, puk = digits(6), digits(8)
    state = bench.new_card(holder=f"{given} {surname}", pin=pin, puk=puk)
    if reader is not None:
        bench.desk.insert(state.card_number, reader)
    return state, {
        "customer_card": state.card_number,
        "customer_given": given,
        "customer_surname": surname,
        "customer_name": f"{given} {surname}",
        "customer_hsa_id": hsa_id,
        "letter_pin": pin,
        "letter_puk": puk,
    }


def _own_card_untouched(bench: Workbench, context: dict[str, Any]) -> Finding:
    own = bench.desk.card_state(context["own_card"])
    untouched = (
        own.pin == context["own_pin"]
        and own.pin_retries_left == own.pin_max_retries
        and own.puk_retries_left == own.puk_max_retries  # a wrong PUK on it counts too
    )
    return Finding(untouched, "own_card_untouched" if untouched else "own_card_touched")


def _state(bench: Workbench, card_number: str) -> CardState:
    return bench.desk.card_state(card_number)


def _card_certificates(
    state: CardState, slots: tuple[Slot, ...] = (Slot.AUTHENTICATION, Slot.SIGNATURE)
) -> dict[Slot, x509.Certificate]:
    """The certificates in `slots` of the card's stored state (the check's view of the card)."""
    found = {}
    for slot in slots:
        content = state.get_object(slot.object_id)
        if content:
            found[slot] = x509.load_der_x509_certificate(tlv_dict(content)[TAG_CERTIFICATE])
    return found


def _normalise_digits(value: str) -> str:
    return "".join(ch for ch in value if not ch.isspace() and ch != "-")


@register
class ReadTwoCards(Exercise):
    id = "ex-kort-status"
    answer_fields = (
        AnswerField(
            "card_number",
            _l("Card number of the customer's card"),
            _l("All 19 digits, as the card shows them."),
            max_length=40,
        ),
        AnswerField("pin_retries", _l("PIN attempts left on the customer's card"), max_length=2),
        AnswerField(
            "hsa_id",
            _l("HSA-id in the customer's authentication certificate"),
            _l("For example SE2321000016-ABCD."),
            max_length=40,
        ),
    )

    def setup(self, bench: Workbench) -> dict[str, Any]:
        context = _own_card(bench)
        _state_, customer = _customer_card(bench, 0)
        context.update(customer)
        context["issued_serials"] = _production_pair(bench, context)
        # The customer mistyped the PIN once at home: the card counts it.
        with bench.desk.piv(CUSTOMER_READER) as piv, contextlib.suppress(WrongPinError):
            piv.verify_pin(_wrong(context["letter_pin"]))
        return context

    def brief(self, context: dict[str, Any]) -> list[str]:
        return [
            _(
                "%(name)s comes to the desk: the card's PIN has been failing. Your own card is in "
                "reader 1 and %(name)s's card in reader 2.",
                name=context["customer_name"],
            ),
            _(
                "Read the customer's card without using up any PIN attempts, and answer the "
                "three questions below from what the card shows."
            ),
        ]

    def check(self, bench, context, answers):  # noqa: ANN001, ANN201
        state = _state(bench, context["customer_card"])
        certs = _card_certificates(state)
        auth = certs.get(Slot.AUTHENTICATION)
        hsa_id = first_attribute(auth.subject, NameOID.SERIAL_NUMBER) if auth else ""
        findings = [
            Finding(
                _normalise_digits(answers.get("card_number", "")) == state.card_number,
                "answer_card_number",
            ),
            Finding(
                answers.get("pin_retries", "").strip() == str(state.pin_retries_left),
                "answer_pin_retries",
            ),
            Finding(answers.get("hsa_id", "").strip().upper() == hsa_id.upper(), "answer_hsa_id"),
        ]
        # Reading must not cost the customer an attempt (setup left max - 1).
        kept = (
            state.pin_retries_left == state.pin_max_retries - 1
            and state.pin == context["letter_pin"]
        )
        findings.append(
            Finding(kept, "customer_attempts_kept" if kept else "customer_attempts_used")
        )
        findings.append(_own_card_untouched(bench, context))
        return findings


def _wrong(pin: str) -> str:
    """A PIN of the same length that is certainly not `pin`."""
    return "".join(str((int(d) + 1) % 10) for d in pin)


@register
class ChangePinTwoCards(Exercise):
    id = "ex-pin-byte"

    def setup(self, bench: Workbench) -> dict[str, Any]:
        context = _own_card(bench)
        _state_, customer = _customer_card(bench, 1)
        context.update(customer)
        context["new_pin"] = digits(6)
        return context

    def brief(self, context: dict[str, Any]) -> list[str]:
        return [
            _(
                "%(name)s thinks a colleague has seen the card's PIN and wants a new one. Your own "
                "card is in reader 1 and %(name)s's card (no. %(card)s) in reader 2.",
                name=context["customer_name"],
                card=context["customer_card"],
            ),
            _(
                "The customer's present PIN is %(old)s. The customer has chosen the new PIN "
                "%(new)s. Change the PIN on the customer's card, and only there.",
                old=context["letter_pin"],
                new=context["new_pin"],
            ),
        ]

    def check(self, bench, context, answers):  # noqa: ANN001, ANN201
        state = _state(bench, context["customer_card"])
        changed = state.pin == context["new_pin"]
        return [
            Finding(changed, "customer_pin_changed" if changed else "customer_pin_not_changed"),
            _own_card_untouched(bench, context),
        ]


@register
class UnblockWithPuk(Exercise):
    id = "ex-puk-upplasning"

    def setup(self, bench: Workbench) -> dict[str, Any]:
        context = _own_card(bench)
        state, customer = _customer_card(bench, 2)
        context.update(customer)
        with bench.desk.piv(CUSTOMER_READER) as piv:
            for _attempt in range(state.pin_max_retries):
                with contextlib.suppress(WrongPinError):
                    piv.verify_pin(_wrong(context["letter_pin"]))
        context["new_pin"] = digits(6)
        return context

    def brief(self, context: dict[str, Any]) -> list[str]:
        return [
            _(
                "%(name)s has typed the wrong PIN too many times and the PIN is blocked. The "
                "customer has the PIN letter with the PUK code. Your own card is in reader 1 and "
                "%(name)s's card (no. %(card)s) in reader 2.",
                name=context["customer_name"],
                card=context["customer_card"],
            ),
            _(
                "The customer types the PUK %(puk)s and chooses the new PIN %(new)s. Unblock the "
                "PIN on the customer's card. In this exercise you type for the customer; at a real "
                "desk the customer types their own codes.",
                puk=context["letter_puk"],
                new=context["new_pin"],
            ),
        ]

    def check(self, bench, context, answers):  # noqa: ANN001, ANN201
        state = _state(bench, context["customer_card"])
        unblocked = not state.pin_blocked and state.pin == context["new_pin"]
        return [
            Finding(unblocked, "customer_unblocked" if unblocked else "customer_still_blocked"),
            _own_card_untouched(bench, context),
        ]


@register
class NewCertificates(Exercise):
    id = "ex-nya-certifikat"

    def setup(self, bench: Workbench) -> dict[str, Any]:
        context = _own_card(bench)
        _state_, customer = _customer_card(bench, 3)
        context.update(customer)
        # The pair from production: issued long ago, so it runs out in three weeks.
        maximum = bench.ca.settings.loa3_validity_days
        issued = bench.now - dt.timedelta(days=maximum - 21)
        context["old_serials"] = _production_pair(bench, context, issued=issued)
        return context

    def brief(self, context: dict[str, Any]) -> list[str]:
        return [
            _(
                "The certificates on %(name)s's card run out in three weeks. The card itself is "
                "valid and %(name)s is in reader 2 with the card (no. %(card)s). The order says: "
                "HSA-id %(hsa)s, given name %(given)s, surname %(surname)s, assurance level 3.",
                name=context["customer_name"],
                card=context["customer_card"],
                hsa=context["customer_hsa_id"],
                given=context["customer_given"],
                surname=context["customer_surname"],
            ),
            _(
                "Get a new certificate pair onto the customer's card. The customer types the PIN "
                "(%(pin)s) when the card asks for it.",
                pin=context["letter_pin"],
            ),
        ]

    def check(self, bench, context, answers):  # noqa: ANN001, ANN201
        state = _state(bench, context["customer_card"])
        findings = _new_pair_findings(bench, context, state, old_serials=context["old_serials"])
        findings.append(_own_card_untouched(bench, context))
        return findings


@register
class ReserveCardLoa2(Exercise):
    id = "ex-reservkort-loa2"

    def setup(self, bench: Workbench) -> dict[str, Any]:
        context = _own_card(bench)
        given, surname, hsa_id = CUSTOMERS[2]
        code = digits(6)
        reserve = bench.new_card(product_code="573", pin=code)  # no name printed
        context.update(
            customer_card=reserve.card_number,
            customer_given=given,
            customer_surname=surname,
            customer_name=f"{given} {surname}",
            customer_hsa_id=hsa_id,
            letter_pin=code,
            contract_days=min(9, bench.ca.settings.reserve_validity_days),
            rule_days=bench.ca.settings.reserve_validity_days,
        )
        return context

    def brief(self, context: dict[str, Any]) -> list[str]:
        return [
            _(
                "%(name)s, a locum doctor with a coordination number (samordningsnummer), has an "
                "assignment in the directory that ends in %(days)s days; the HSA-id is %(hsa)s. "
                "A coordination number rules out assurance level 3, so %(name)s gets a reserve "
                "card at level 2. You have checked the passport.",
                name=context["customer_name"],
                days=context["contract_days"],
                hsa=context["customer_hsa_id"],
            ),
            _(
                "A sealed reserve card (no. %(card)s) is in the drawer. Put it in reader 2 and "
                "get level-2 reserve-card certificates onto it, valid no longer than the "
                "assignment (the local rule allows at most %(rule)s days). The customer types the "
                "code from the envelope, %(code)s.",
                card=context["customer_card"],
                rule=context["rule_days"],
                code=context["letter_pin"],
            ),
        ]

    def check(self, bench, context, answers):  # noqa: ANN001, ANN201
        state = _state(bench, context["customer_card"])
        findings = _new_pair_findings(
            bench, context, state, loa=2, max_days=context["contract_days"]
        )
        findings.append(_own_card_untouched(bench, context))
        return findings


@register
class RemoveExpiredCertificates(Exercise):
    id = "ex-rensa-certifikat"

    def setup(self, bench: Workbench) -> dict[str, Any]:
        context = _own_card(bench)
        _state_, customer = _customer_card(bench, 1)
        context.update(customer)
        # An old pair that ran out a month ago (in 9D and 9E) beside this year's pair.
        maximum = bench.ca.settings.loa3_validity_days
        expired = bench.now - dt.timedelta(days=maximum + 30)
        context["expired_serials"] = _production_pair(
            bench, context, slots=(Slot.KEY_MANAGEMENT, Slot.CARD_AUTH), issued=expired
        )
        context["valid_serials"] = _production_pair(bench, context)
        return context

    def brief(self, context: dict[str, Any]) -> list[str]:
        return [
            _(
                '%(name)s gets a "choose certificate" box at every login since the renewal, and '
                "sometimes picks the wrong one. %(name)s's card (no. %(card)s) is in reader 2.",
                name=context["customer_name"],
                card=context["customer_card"],
            ),
            _(
                "Look at the certificates on the card. Remove the ones that have expired and keep "
                "the valid pair."
            ),
        ]

    def check(self, bench, context, answers):  # noqa: ANN001, ANN201
        state = _state(bench, context["customer_card"])
        on_card = {
            format(c.serial_number, "x") for c in _card_certificates(state, KEY_SLOTS).values()
        }
        gone = not on_card & set(context["expired_serials"])
        kept = set(context["valid_serials"]) <= on_card
        rows = bench.ca.certificates(bench.db, card_number=context["customer_card"])
        valid_revoked = any(
            r.revocation is not None for r in rows if r.serial in context["valid_serials"]
        )
        return [
            Finding(gone, "expired_removed" if gone else "expired_left"),
            Finding(kept, "valid_kept" if kept else "valid_removed"),
            Finding(
                not valid_revoked, "valid_not_revoked" if not valid_revoked else "valid_revoked"
            ),
            _own_card_untouched(bench, context),
        ]


@register
class HandOutNewCard(Exercise):
    id = "ex-utlamning-aktivering"

    def setup(self, bench: Workbench) -> dict[str, Any]:
        context = _own_card(bench)
        # Today's delivery: two new cards in the drawer, made for two people.
        _other_state, other = _customer_card(bench, 2)
        _production_pair(bench, other)
        bench.desk.eject(CUSTOMER_READER)
        _state_, customer = _customer_card(bench, 0)
        context.update(customer)
        context["issued_serials"] = _production_pair(bench, context)
        bench.desk.eject(CUSTOMER_READER)
        context["other_card"] = other["customer_card"]
        context["other_letter_pin"] = other["letter_pin"]
        context["new_pin"] = digits(6)
        return context

    def brief(self, context: dict[str, Any]) -> list[str]:
        return [
            _(
                "%(name)s (HSA-id %(hsa)s) has come to collect a new card. You have checked the "
                "ID document against the person. Two new cards from today's delivery are in the "
                "drawer; the order for %(name)s names card no. %(card)s.",
                name=context["customer_name"],
                hsa=context["customer_hsa_id"],
                card=context["customer_card"],
            ),
            _(
                "Put %(name)s's card in reader 2 and check that its certificates are for "
                "%(name)s. Then %(name)s activates the card by replacing the delivery code "
                "%(code)s with a PIN of their own, %(new)s (in the sandbox, activation is this "
                "change of code).",
                name=context["customer_name"],
                code=context["letter_pin"],
                new=context["new_pin"],
            ),
        ]

    def check(self, bench, context, answers):  # noqa: ANN001, ANN201
        state = _state(bench, context["customer_card"])
        other = _state(bench, context["other_card"])
        activated = state.pin == context["new_pin"]
        other_kept = (
            other.pin == context["other_letter_pin"]
            and other.pin_retries_left == other.pin_max_retries
        )
        return [
            Finding(activated, "card_activated" if activated else "card_not_activated"),
            Finding(other_kept, "other_card_untouched" if other_kept else "other_card_touched"),
            _own_card_untouched(bench, context),
        ]


@register
class RevokeLostCard(Exercise):
    id = "ex-sparr"

    def setup(self, bench: Workbench) -> dict[str, Any]:
        context = _own_card(bench)
        # A colleague of the caller, whose card must stay valid.
        other_state, other = _customer_card(bench, 0)
        _production_pair(bench, other)
        bench.desk.eject(CUSTOMER_READER)
        context["other_card"] = other["customer_card"]
        context["other_hsa_id"] = other["customer_hsa_id"]
        # The caller's card: issued, then lost (it is not in the drawer).
        _lost_state, customer = _customer_card(bench, 3)
        context.update(customer)
        context["issued_serials"] = _production_pair(bench, context)
        bench.desk.discard(context["customer_card"])
        bench.desk.discard(context["other_card"])
        return context

    def brief(self, context: dict[str, Any]) -> list[str]:
        return [
            _(
                "It is 21:00. %(name)s (HSA-id %(hsa)s) calls: the e-service card was lost on the "
                "bus. You have called back on the number in the directory and the caller is "
                "%(name)s. The card number in the card register is %(card)s.",
                name=context["customer_name"],
                hsa=context["customer_hsa_id"],
                card=context["customer_card"],
            ),
            _(
                "Revoke the lost card's certificates at once, with the reason that fits a lost "
                "card. Nobody else's certificates may be touched."
            ),
        ]

    def check(self, bench, context, answers):  # noqa: ANN001, ANN201
        rows = bench.ca.certificates(bench.db, card_number=context["customer_card"])
        revoked = [r for r in rows if r.revocation is not None]
        all_revoked = bool(rows) and len(revoked) == len(rows)
        reasons = {r.revocation.reason for r in revoked}
        findings = [
            Finding(all_revoked, "lost_card_revoked" if all_revoked else "lost_card_not_revoked"),
        ]
        if revoked:
            right = reasons == {LOST_CARD_REASON}
            findings.append(
                Finding(
                    right, "reason_right" if right else "reason_wrong", {"reasons": sorted(reasons)}
                )
            )
        others = bench.ca.certificates(bench.db, card_number=context["other_card"])
        intact = all(r.revocation is None for r in others)
        findings.append(Finding(intact, "others_intact" if intact else "others_revoked"))
        return findings


def _new_pair_findings(
    bench: Workbench,
    context: dict[str, Any],
    state: CardState,
    *,
    loa: int = 3,
    old_serials: tuple[str, ...] | list[str] = (),
    max_days: int | None = None,
) -> list[Finding]:
    """A new pair on the card, issued in this run at `loa` for the order's HSA-id and this
    card's number, for the keys on the card, valid (and, with `max_days`, not for longer)."""
    from sandbox.ca.issuance import PAIR_PROFILES

    findings = []
    certs = _card_certificates(state)
    slots = ((Slot.AUTHENTICATION, "auth"), (Slot.SIGNATURE, "sign"))
    for (slot, code), profile in zip(slots, PAIR_PROFILES[loa], strict=True):
        cert = certs.get(slot)
        serial = format(cert.serial_number, "x") if cert else None
        fresh = cert is not None and serial not in old_serials
        findings.append(Finding(fresh, f"new_{code}_on_card" if fresh else f"no_new_{code}"))
        if not fresh:
            continue
        row = bench.db.query(IssuedCertificate).filter_by(serial=serial).one_or_none()
        right = (
            row is not None
            and row.revocation is None
            and _names(cert) == (context["customer_given"], context["customer_surname"])
            and row.hsa_id == context["customer_hsa_id"]
            and row.card_number == state.card_number
            and row.profile == profile
            and as_utc(row.created_at) >= _started(context)
        )
        findings.append(Finding(right, f"{code}_matches_order" if right else f"{code}_wrong"))
        if right and max_days is not None:
            days = (as_utc(row.not_after) - as_utc(row.not_before)).total_seconds() / 86400
            short = days <= max_days
            findings.append(
                Finding(short, "validity_ok" if short else "validity_too_long", {"days": max_days})
            )
        key = state.keys.get(f"{slot:02X}")
        on_card = key is not None and _public_der(cert) == _stored_public_der(key.pkcs8_pem)
        findings.append(
            Finding(on_card, f"{code}_key_on_card" if on_card else f"{code}_key_mismatch")
        )
    return findings


def _names(cert: x509.Certificate) -> tuple[str, str]:
    """(given name, surname) in the certificate's subject."""
    return (
        first_attribute(cert.subject, NameOID.GIVEN_NAME),
        first_attribute(cert.subject, NameOID.SURNAME),
    )


def _started(context: dict[str, Any]) -> dt.datetime:
    """When the run started, to the second (the CA records whole seconds)."""
    return as_utc(dt.datetime.fromisoformat(context["started"])).replace(microsecond=0)


def _person(context: dict[str, Any]) -> Person:
    return Person(
        context["customer_hsa_id"],
        context["customer_given"],
        context["customer_surname"],
        context["customer_card"],
    )


def _production_pair(
    bench: Workbench,
    context: dict[str, Any],
    *,
    slots: tuple[Slot, Slot] = (Slot.AUTHENTICATION, Slot.SIGNATURE),
    issued: dt.datetime | None = None,
) -> list[str]:
    """A certificate pair on the card in the customer's reader, as production puts it there:
    keys made on the card, requests signed by them, the CA's pair written back. `issued` in the
    past makes an older pair. Returns the serials."""
    from sandbox.card.piv.certs import build_csr, simple_name
    from sandbox.card.piv.constants import KeyType

    with bench.desk.piv(CUSTOMER_READER) as piv:
        piv.verify_pin(context["letter_pin"])
        piv.authenticate()
        requests = []
        for slot in slots:
            public_key = piv.generate_key(slot, KeyType.RSA2048)
            name = simple_name(context["customer_name"])
            csr = build_csr(piv, slot, KeyType.RSA2048, public_key, name)
            requests.append(csr.public_bytes(serialization.Encoding.DER))
    pair = bench.ca.issue_card_pair(bench.db, *requests, _person(context), now=issued)
    with bench.desk.piv(CUSTOMER_READER) as piv:
        piv.authenticate()
        for slot, record in zip(slots, pair, strict=True):
            piv.put_certificate(slot, record.certificate)
    return [record.serial for record in pair]


def _public_der(cert: x509.Certificate) -> bytes:
    return cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _stored_public_der(pkcs8_pem: str) -> bytes:
    """The public half of a key the (virtual) card generated: the check reads the card's own
    state, the way a card vendor's test tool would, to see that the certificate is for it."""
    private = serialization.load_pem_private_key(pkcs8_pem.encode(), None)
    return private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


# The ways administrator 1's order can be wrong; "ok" is an order to approve.
ORDER_VARIANTS = ("ok", "wrong_card", "too_long", "coordination_number")


def choose_variant() -> str:
    """Which order this run gets (tests pin it)."""
    return secrets.choice(ORDER_VARIANTS)


@register
class ReserveCardLoa3(Exercise):
    """Two-person control: a colleague (administrator 1) has ordered; the trainee is
    administrator 2, who checks the order against the person and the card, signs or rejects
    it, and then lets the user fetch the certificates."""

    id = "ex-reservkort-loa3"
    panel_template = "sandbox/_order.html"

    def setup(self, bench: Workbench) -> dict[str, Any]:
        context = _own_card(bench)
        given, surname, hsa_id = CUSTOMERS[3]
        code = digits(6)
        reserve = bench.new_card(product_code="573", pin=code)
        variant = choose_variant()
        assignment_days = 30
        order_card = reserve.card_number
        if variant == "wrong_card":  # another envelope's number: one digit off
            order_card = order_card[:-3] + str((int(order_card[-3]) + 1) % 10) + order_card[-2:]
        context.update(
            customer_card=reserve.card_number,
            customer_given=given,
            customer_surname=surname,
            customer_name=f"{given} {surname}",
            customer_hsa_id=hsa_id,
            letter_pin=code,
            variant=variant,
            assignment_days=assignment_days,
            identity="coordination_number" if variant == "coordination_number" else "personnummer",
            order={
                "card_number": order_card,
                "hsa_id": hsa_id,
                "unit": "Akutmottagningen",
                "validity_days": 60 if variant == "too_long" else 14,
                # A coordination number goes with a foreign passport (checked with the method
                # for foreign ID documents); a personnummer with a Swedish one.
                "id_document": (
                    "foreign_passport" if variant == "coordination_number" else "passport"
                ),
                "ordered_by": "Karin Åberg",
            },
            decision=None,
        )
        return context

    def brief(self, context: dict[str, Any]) -> list[str]:
        if context["identity"] == "coordination_number":
            who = _("%(name)s is registered with a coordination number (samordningsnummer).")
        else:
            who = _("%(name)s has a Swedish personal identity number (personnummer).")
        return [
            _(
                "%(name)s (HSA-id %(hsa)s, Akutmottagningen) has lost the ordinary card and needs "
                "a reserve card at assurance level 3 today; the assignment runs for %(days)s more "
                "days. Your colleague %(colleague)s (administrator 1) has checked the person, "
                "ordered the certificates and handed over a sealed envelope.",
                name=context["customer_name"],
                hsa=context["customer_hsa_id"],
                days=context["assignment_days"],
                colleague=context["order"]["ordered_by"],
            ),
            who % {"name": context["customer_name"]},
            _(
                "You are administrator 2. Identify the user yourself (in the sandbox: the "
                "passport matches), check the order below against the person and the card in "
                "the envelope (it is in the drawer), then sign or reject the order. If you sign "
                "it, let the user fetch the certificates with the code from the envelope, "
                "%(code)s.",
                code=context["letter_pin"],
            ),
        ]

    def decide(self, bench: Workbench, context: dict[str, Any], decision: str) -> dict[str, Any]:
        """Administrator 2 signs ("approve") or rejects the order; final, as in the portal."""
        if context.get("decision"):
            raise operations.OperationRefused("order_decided")
        return {**context, "decision": decision}

    def download(self, bench: Workbench, context: dict[str, Any], pin: str) -> dict[str, Any]:
        """Step 3: the user fetches the certificates onto the card in reader 2, once. Returns
        the context with the order marked fetched."""
        if context.get("decision") != "approve":
            raise operations.OperationRefused("order_not_signed")
        if context.get("fetched"):
            # A second fetch would leave the first pair valid in the CA and on no card.
            raise operations.OperationRefused("order_fetched")
        order = context["order"]
        if bench.desk.card_in(CUSTOMER_READER) != order["card_number"]:
            raise operations.OperationRefused("no_order_for_card")
        if context["identity"] == "coordination_number":
            # The CA would refuse an LoA3 reserve card without a Swedish identity number.
            raise operations.OperationRefused("loa3_needs_personnummer")
        try:
            operations.issue_certificates(
                bench.desk,
                CUSTOMER_READER,
                bench.ca,
                bench.db,
                hsa_id=context["customer_hsa_id"],
                given_name=context["customer_given"],
                surname=context["customer_surname"],
                pin=pin,
                loa=3,
                validity_days=order["validity_days"],
            )
        except operations.OperationRefused as refused:
            if refused.code == "blocked":
                # The envelope has no PUK: "unblock with the PUK" would send the user nowhere.
                raise operations.OperationRefused("reserve_code_blocked") from None
            raise
        return {**context, "fetched": True}

    def check(self, bench, context, answers):  # noqa: ANN001, ANN201
        decision = context.get("decision")
        if decision is None:
            return [Finding(False, "order_undecided")]
        if context["variant"] == "ok":
            signed = decision == "approve"
            findings = [Finding(signed, "order_signed" if signed else "good_order_rejected")]
            if decision == "approve":
                state = _state(bench, context["customer_card"])
                findings += _new_pair_findings(
                    bench, context, state, max_days=context["order"]["validity_days"]
                )
                if not context.get("fetched") and state.pin_retries_left == 0:
                    findings.append(Finding(False, "reserve_code_blocked"))
            return findings
        rejected = decision == "reject"
        # This run's cards only: the test CA is shared, and every trainee's run has this
        # person's HSA-id.
        cards = {context["customer_card"], context["order"]["card_number"]}
        issued = [
            row
            for card in sorted(cards)
            for row in bench.ca.certificates(bench.db, card_number=card)
            if as_utc(row.created_at) >= _started(context)
        ]
        return [
            Finding(
                rejected,
                "bad_order_rejected" if rejected else f"bad_order_signed_{context['variant']}",
            ),
            Finding(not issued, "nothing_issued" if not issued else "issued_on_bad_order"),
        ]
