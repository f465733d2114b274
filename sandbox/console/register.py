"""The sandbox's card register: persons from the directory, their cards and the card states.

It stands for the person view of the card-administration system. Each trainee's register is
their own practice data (an exercise fills it at the start). Deregistering a card takes it out of
use in the register and revokes its certificates that are still valid in the mock CA, in one
transaction: a deregistered card with valid certificates would still log in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lms.models.sandbox import RegisterCard, RegisterCardState, RegisterPerson
from lms.models.types import utcnow
from sandbox.ca import MockCa
from sandbox.ca.errors import CaError
from sandbox.ca.models import IssuedCertificate
from sandbox.ca.timeutil import as_utc

from .operations import OperationRefused


@dataclass
class CardLine:
    card_number: str
    state: str
    valid_certificates: int
    deregistered_at: dt.datetime | None = None


@dataclass
class PersonLine:
    hsa_id: str
    name: str
    unit: str
    assignment_ends: dt.date | None
    note: str
    cards: list[CardLine] = field(default_factory=list)

    def ended(self, today: dt.date) -> bool:
        return self.assignment_ends is not None and self.assignment_ends < today


def clear(db: Session, user_id: int) -> None:
    """Empty the trainee's register (a new exercise brings its own people).

    The cards go first, explicitly: SQLite enforces ON DELETE CASCADE only with its foreign-key
    pragma, and a card left behind would show under the next person who gets its person id."""
    people = select(RegisterPerson.id).where(RegisterPerson.user_id == user_id)
    db.execute(delete(RegisterCard).where(RegisterCard.person_id.in_(people)))
    db.execute(delete(RegisterPerson).where(RegisterPerson.user_id == user_id))


def add_person(
    db: Session,
    user_id: int,
    *,
    hsa_id: str,
    name: str,
    unit: str,
    assignment_ends: dt.date | None = None,
    note: str = "",
    cards: tuple[str, ...] = (),
) -> RegisterPerson:
    person = RegisterPerson(
        user_id=user_id,
        hsa_id=hsa_id,
        name=name,
        unit=unit,
        assignment_ends=assignment_ends,
        note=note,
    )
    db.add(person)
    db.flush()
    for number in cards:
        db.add(RegisterCard(person_id=person.id, card_number=number))
    db.flush()
    return person


def _card(db: Session, user_id: int, card_number: str) -> RegisterCard | None:
    return db.scalars(
        select(RegisterCard)
        .join(RegisterPerson, RegisterCard.person_id == RegisterPerson.id)
        .where(RegisterPerson.user_id == user_id, RegisterCard.card_number == card_number)
    ).first()


def card_state(db: Session, user_id: int, card_number: str) -> str | None:
    card = _card(db, user_id, card_number)
    return card.state if card else None


def _valid_certificates(db: Session, card_number: str, now: dt.datetime) -> int:
    """Certificates of the card that are neither revoked nor expired (read from the CA's
    tables: listing needs no CA key, so the page works before the CA is configured)."""
    rows = db.scalars(
        select(IssuedCertificate).where(
            IssuedCertificate.card_number == card_number, IssuedCertificate.status == "good"
        )
    ).all()
    return sum(1 for row in rows if as_utc(row.not_after) > now)


def persons(db: Session, user_id: int) -> list[PersonLine]:
    """The register's people with their cards and how many valid certificates each card has."""
    rows = db.scalars(
        select(RegisterPerson)
        .where(RegisterPerson.user_id == user_id)
        .order_by(RegisterPerson.name)
    ).all()
    now = utcnow()
    lines = []
    for person in rows:
        line = PersonLine(
            person.hsa_id, person.name, person.unit, person.assignment_ends, person.note
        )
        cards = db.scalars(
            select(RegisterCard)
            .where(RegisterCard.person_id == person.id)
            .order_by(RegisterCard.id)
        ).all()
        for card in cards:
            valid = _valid_certificates(db, card.card_number, now)
            line.cards.append(CardLine(card.card_number, card.state, valid, card.deregistered_at))
        lines.append(line)
    return lines


def deregister(ca: MockCa, db: Session, user_id: int, card_number: str, reason: str) -> list[str]:
    """Take the card out of use: state deregistered, its valid certificates revoked with
    `reason`. Returns the revoked serials."""
    card = _card(db, user_id, card_number.strip())
    if card is None:
        raise OperationRefused("not_in_register", card_number=card_number)
    if card.state == RegisterCardState.DEREGISTERED:
        raise OperationRefused("already_deregistered", card_number=card_number)
    try:
        rows = ca.certificates(db, card_number=card.card_number, status="good")
        revoked = [
            ca.revoke(db, row.serial, reason, commit=False).certificate.serial for row in rows
        ]
    except CaError as error:
        db.rollback()
        raise OperationRefused("ca", detail=str(error)) from None
    card.state, card.deregistered_at = RegisterCardState.DEREGISTERED, utcnow()
    db.commit()
    return revoked
