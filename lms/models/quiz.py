"""The knowledge test: attempts, their saved answers, and extra time granted to a trainee.

An attempt stores the frozen question snapshots it was drawn with and the test's rules as they
were when it started, so later edits of the banks or of test.yaml never change a stored attempt.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.types import UTCDateTime, utcnow


class AttemptStatus(enum.StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"  # handed in by the trainee before the deadline, and graded
    EXPIRED = "expired"  # the deadline passed; graded with the answers saved in time


GRADED_STATUSES = (AttemptStatus.SUBMITTED.value, AttemptStatus.EXPIRED.value)
_OPEN_ONLY = text("status = 'open'")


class Attempt(db.Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "number"),
        # At most one open attempt per trainee, enforced by the database (partial unique index).
        Index(
            "uq_quiz_attempts_one_open",
            "user_id",
            unique=True,
            sqlite_where=_OPEN_ONLY,
            postgresql_where=_OPEN_ONLY,
        ),
        Index("ix_quiz_attempts_status_deadline", "status", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1, 2, 3 ... per trainee
    status: Mapped[str] = mapped_column(String(20), default=AttemptStatus.OPEN)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    extra_minutes: Mapped[int] = mapped_column(default=0)
    last_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    percent: Mapped[float | None]
    passed: Mapped[bool | None]
    # The frozen snapshots (with the key!) in presented order. Never sent to the browser.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # test.yaml as it was at the start: title, pass_percent, review, time_limit_minutes, ...
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Hash of the bank files and test.yaml the attempt was drawn from.
    bank_version: Mapped[str] = mapped_column(String(64))

    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt",
        cascade="all, delete-orphan",
        order_by="AttemptAnswer.position",
        lazy="selectin",
    )

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN

    def answer_at(self, position: int) -> AttemptAnswer | None:
        for answer in self.answers:
            if answer.position == position:
                return answer
        return None


class AttemptAnswer(db.Model):
    __tablename__ = "quiz_attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]  # 1-based place of the question in the attempt
    question_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    score: Mapped[float | None]

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


class ExtraTime(db.Model):
    """Extra minutes on every attempt of a trainee (WCAG 2.2.1, adjustable timing)."""

    __tablename__ = "quiz_extra_time"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    minutes: Mapped[int]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TestReopening(db.Model):
    """The test opens again for a trainee (sent back at final approval, or recertification):
    attempts started before the newest reopening no longer count toward passing, the attempt
    limit or the waiting time."""

    __tablename__ = "quiz_reopenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reopened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
