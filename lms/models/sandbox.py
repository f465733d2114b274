"""Sandbox exercise runs: one row each time a person starts an exercise at the desk.

The run keeps what the set-up prepared (card numbers, the person on the order, the codes on the
PIN letter) so that the automatic check knows what "right" means for this run. Codes in the
context are test values printed in the exercise text, never a real person's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models.types import UTCDateTime, utcnow


class ExerciseOutcome:
    RUNNING = "running"
    PASSED = "passed"
    ABANDONED = "abandoned"


class ExerciseRun(db.Model):
    __tablename__ = "sandbox_exercise_runs"
    __table_args__ = (Index("ix_sandbox_exercise_runs_user_exercise", "user_id", "exercise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exercise_id: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default=ExerciseOutcome.RUNNING)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checks: Mapped[int] = mapped_column(default=0)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The findings of the latest check: [{"ok": bool, "code": str, "params": {...}}, ...]
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class RegisterPerson(db.Model):
    """A person in the sandbox's card register, as the card-administration system shows them
    from the directory (HSA): practice data of one trainee's desk, made by an exercise."""

    __tablename__ = "sandbox_register_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    hsa_id: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(128))
    unit: Mapped[str] = mapped_column(String(128))
    assignment_ends: Mapped[date | None] = mapped_column(Date())
    note: Mapped[str] = mapped_column(String(300), default="")


class RegisterCardState:
    ACTIVE = "active"
    DEREGISTERED = "deregistered"


class RegisterCard(db.Model):
    """A card in the sandbox's card register; its certificates live in the mock CA."""

    __tablename__ = "sandbox_register_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("sandbox_register_persons.id", ondelete="CASCADE"), index=True
    )
    card_number: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(16), default=RegisterCardState.ACTIVE)
    deregistered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
