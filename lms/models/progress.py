"""A trainee's way through the course: lessons read and done, checkpoint answers, parts done.

Lesson, question and part ids are the stable ids from the course content (not foreign keys):
the content lives in files and may change while progress rows stay.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models.types import UTCDateTime, utcnow


class LessonProgress(db.Model):
    """One row per trainee and lesson, created on the first visit."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(80))
    first_opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Reading time: the gap from a view of this lesson to the trainee's next lesson view,
    # capped per view (see lms.course.service.MAX_SECONDS_PER_VIEW).
    seconds_spent: Mapped[int] = mapped_column(default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Lesson.hash when it was marked done, to tell later that the lesson has changed since.
    content_hash: Mapped[str | None] = mapped_column(String(64))


class CheckpointAnswer(db.Model):
    """Every answer is kept; the latest one per question counts."""

    __tablename__ = "checkpoint_answers"
    __table_args__ = (Index("ix_checkpoint_answers_user_question", "user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(80))
    part_id: Mapped[str] = mapped_column(String(40))
    chosen: Mapped[int]
    correct: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PartCompletion(db.Model):
    """Recorded once, when a part is first complete; it stays when the content changes later."""

    __tablename__ = "part_completions"
    __table_args__ = (UniqueConstraint("user_id", "part_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    part_id: Mapped[str] = mapped_column(String(40))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    course_version: Mapped[str] = mapped_column(String(64))
