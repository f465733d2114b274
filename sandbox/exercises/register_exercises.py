"""Exercises in the card register: deregistering a returned card, going through the report of
people who have left but hold valid cards, and a new card after a change of name.

The people's cards get real certificates from the mock CA (made on test cards, as production
would); cards that are not at the desk (cut, or with their holders) leave the drawer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _

from sandbox.console import register
from sandbox.console.desk import CUSTOMER_READER

from .base import Exercise, Finding, Workbench, digits
from .base import register as register_exercise
from .desk_exercises import (
    CUSTOMERS,
    _own_card,
    _own_card_untouched,
    _production_pair,
    _state,
)

# More invented test people for the register (HSA-ids in the test organisation's format).
STAFF = (
    ("Jonas", "Ek", "SE2321000016-7TK5"),
    ("Maria", "Sund", "SE2321000016-7TK6"),
    ("Omar", "Said", "SE2321000016-7TK7"),
    ("Lena", "Holm", "SE2321000016-7TK8"),
)
UNIT = "Akutmottagningen"


def _card_with_pair(
    bench: Workbench, who: tuple[str, str, str], *, keep_in_drawer: bool = False
) -> dict[str, Any]:
    """A test card with the person's name printed and a valid certificate pair; it stays in
    the drawer only with `keep_in_drawer` (a cut card, or one its holder keeps, does not)."""
    given, surname, hsa_id = who
    pin, puk = digits(6), digits(8)
    state = bench.new_card(holder=f"{given} {surname}", pin=pin, puk=puk)
    bench.desk.insert(state.card_number, CUSTOMER_READER)
    person = {
        "customer_card": state.card_number,
        "customer_given": given,
        "customer_surname": surname,
        "customer_name": f"{given} {surname}",
        "customer_hsa_id": hsa_id,
        "letter_pin": pin,
    }
    person["serials"] = _production_pair(bench, person)
    bench.desk.eject(CUSTOMER_READER)
    if not keep_in_drawer:
        bench.desk.discard(state.card_number)
    return person


def _person_with_card(
    bench: Workbench,
    who: tuple[str, str, str],
    *,
    assignment_ends: dt.date | None = None,
    note: str = "",
) -> dict[str, Any]:
    """A person in the register with one active card carrying a valid certificate pair."""
    person = _card_with_pair(bench, who)
    register.add_person(
        bench.db,
        bench.user_id,
        hsa_id=person["customer_hsa_id"],
        name=person["customer_name"],
        unit=UNIT,
        assignment_ends=assignment_ends,
        note=note,
        cards=(person["customer_card"],),
    )
    return person


def _deregistered(bench: Workbench, card_number: str) -> bool:
    """Deregistered in the register, with no certificate of the card left unrevoked."""
    rows = bench.ca.certificates(bench.db, card_number=card_number)
    return register.card_state(bench.db, bench.user_id, card_number) == "deregistered" and all(
        r.revocation is not None for r in rows
    )


def _in_use(bench: Workbench, card_number: str) -> bool:
    rows = bench.ca.certificates(bench.db, card_number=card_number)
    return register.card_state(bench.db, bench.user_id, card_number) == "active" and all(
        r.revocation is None for r in rows
    )


@register_exercise
class DeregisterReturnedCard(Exercise):
    id = "ex-avregistrering"

    def setup(self, bench: Workbench) -> dict[str, Any]:
        context = _own_card(bench)
        # The brief says the leaver leaves on Friday: the register says the coming Friday.
        today = bench.now.date()
        friday = today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)
        leaver = _person_with_card(bench, STAFF[0], assignment_ends=friday)
        colleague = _person_with_card(bench, STAFF[1])
        bench.db.commit()
        context.update(
            leaver_name=leaver["customer_name"],
            leaver_card=leaver["customer_card"],
            colleague_card=colleague["customer_card"],
        )
        return context

    def brief(self, context: dict[str, Any]) -> list[str]:
        return [
            _(
                "The manager of %(unit)s hands in %(name)s's e-service card, cut through the "
                "chip: %(name)s leaves on Friday. The card number on the card is %(card)s.",
                unit=UNIT,
                name=context["leaver_name"],
                card=context["leaver_card"],
            ),
            _(
                "Check the card number against the person in the card register and deregister "
                "the card. It must be done before the assignment is removed from the directory."
            ),
        ]

    def check(self, bench, context, answers):  # noqa: ANN001, ANN201
        done = _deregistered(bench, context["leaver_card"])
        others = _in_use(bench, context["colleague_card"])
        return [
            Finding(done, "returned_card_deregistered" if done else "returned_card_in_use"),
            Finding(others, "others_intact" if others else "others_revoked"),
        ]


@register_exercise
class LeaversWithValidCards(Exercise):
    id = "ex-slutat-giltiga-kort"

    def setup(self, bench: Workbench) -> dict[str, Any]:
        context = _own_card(bench)
        today = bench.now.date()
        left_1 = _person_with_card(
            bench,
            STAFF[0],
            assignment_ends=today - dt.timedelta(days=20),
            note="employment_ended",
        )
        moved = _person_with_card(
            bench,
            STAFF[1],
            assignment_ends=today - dt.timedelta(days=10),
            note="moved_in_region",
        )
        left_2 = _person_with_card(
            bench, STAFF[2], assignment_ends=today - dt.timedelta(days=5), note="left"
        )
        staying = _person_with_card(bench, STAFF[3])
        bench.db.commit()
        context.update(
            left_cards=[left_1["customer_card"], left_2["customer_card"]],
            moved_card=moved["customer_card"],
            staying_card=staying["customer_card"],
        )
        return context

    def brief(self, context: dict[str, Any]) -> list[str]:
        return [
            _(
                "It is time for the monthly check: people whose assignment in the directory has "
                "ended but who still hold valid cards. The card register shows them, with what "
                "the directory administrator has noted about each."
            ),
            _(
                "Under the local routine, someone who has moved to another unit in the region "
                "keeps the card. Deregister the cards of the others, and only those."
            ),
        ]

    def check(self, bench, context, answers):  # noqa: ANN001, ANN201
        left_done = all(_deregistered(bench, c) for c in context["left_cards"])
        moved_kept = _in_use(bench, context["moved_card"])
        staying_kept = _in_use(bench, context["staying_card"])
        return [
            Finding(left_done, "leavers_deregistered" if left_done else "leavers_in_use"),
            Finding(moved_kept, "mover_kept" if moved_kept else "mover_deregistered"),
            Finding(staying_kept, "others_intact" if staying_kept else "others_revoked"),
        ]


@register_exercise
class NewCardAfterNameChange(Exercise):
    id = "ex-andrade-personuppgifter"

    def setup(self, bench: Workbench) -> dict[str, Any]:
        context = _own_card(bench)
        given, old_surname, hsa_id = CUSTOMERS[1]
        new_surname = "Lind"
        # The old card, made before the marriage (she has brought it), and the new card, made
        # with the new name after the directory was updated (today's delivery).
        old = _card_with_pair(bench, (given, old_surname, hsa_id), keep_in_drawer=True)
        new = _card_with_pair(bench, (given, new_surname, hsa_id), keep_in_drawer=True)
        register.add_person(
            bench.db,
            bench.user_id,
            hsa_id=hsa_id,
            name=new["customer_name"],
            unit=UNIT,
            cards=(old["customer_card"], new["customer_card"]),
        )
        bench.db.commit()
        context.update(
            customer_name=new["customer_name"],
            old_name=old["customer_name"],
            customer_hsa_id=hsa_id,
            old_card=old["customer_card"],
            new_card=new["customer_card"],
            letter_pin=new["letter_pin"],
            new_pin=digits(6),
        )
        return context

    def brief(self, context: dict[str, Any]) -> list[str]:
        return [
            _(
                "%(old)s has married and is now called %(name)s (HSA-id %(hsa)s). The directory "
                "has been updated and a new card with the new name (no. %(new)s) has arrived; it "
                "is in the drawer. %(name)s has brought the old card (no. %(old_card)s).",
                old=context["old_name"],
                name=context["customer_name"],
                hsa=context["customer_hsa_id"],
                new=context["new_card"],
                old_card=context["old_card"],
            ),
            _(
                "Hand out the new card: put it in reader 2 and let %(name)s replace the delivery "
                "code %(code)s with a PIN of her own, %(pin)s. Then deregister the old card, so "
                "that two valid cards are not left in circulation.",
                name=context["customer_name"],
                code=context["letter_pin"],
                pin=context["new_pin"],
            ),
        ]

    def check(self, bench, context, answers):  # noqa: ANN001, ANN201
        new = _state(bench, context["new_card"])
        activated = new.pin == context["new_pin"]
        old_done = _deregistered(bench, context["old_card"])
        new_kept = _in_use(bench, context["new_card"])
        return [
            Finding(activated, "card_activated" if activated else "card_not_activated"),
            Finding(old_done, "old_card_deregistered" if old_done else "old_card_in_use"),
            Finding(new_kept, "new_card_in_use" if new_kept else "new_card_deregistered"),
            _own_card_untouched(bench, context),
        ]
