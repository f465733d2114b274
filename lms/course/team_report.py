"""Progress of every trainee for the team view and its CSV export, in five grouped queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select

from lms.course.content import Course
from lms.course.content.glossary import swedish_sort_key
from lms.course.progress import checkpoint_questions
from lms.course.store import get_store
from lms.extensions import db
from lms.models.progress import CheckpointAnswer, LessonProgress, PartCompletion
from lms.models.user import Role, User, UserRole

SORT_KEYS = ("name", "done", "time", "last")


@dataclass(frozen=True)
class CheckpointResult:
    right: int = 0
    answered: int = 0


@dataclass
class TraineeProgress:
    user_id: int
    name: str
    email: str
    organisation: str
    lessons_total: int
    lessons_done: int = 0
    seconds_spent: int = 0
    last_activity: datetime | None = None
    checkpoints: dict[str, CheckpointResult] = field(default_factory=dict)
    parts_complete: set[str] = field(default_factory=set)

    def note_activity(self, at: datetime | None) -> None:
        if at is not None and (self.last_activity is None or at > self.last_activity):
            self.last_activity = at


def _lesson_totals(course: Course, rows: dict[int, TraineeProgress]) -> None:
    lesson_ids = [lesson.id for lesson in course.lessons]
    done_here = case(
        (LessonProgress.completed_at.is_not(None) & LessonProgress.lesson_id.in_(lesson_ids), 1)
    )
    query = select(
        LessonProgress.user_id,
        func.count(done_here),
        func.coalesce(func.sum(LessonProgress.seconds_spent), 0),
        func.max(LessonProgress.last_seen_at),
    ).group_by(LessonProgress.user_id)
    for user_id, done, seconds, last_seen in db.session.execute(query):
        if user_id in rows:
            row = rows[user_id]
            row.lessons_done, row.seconds_spent = int(done), int(seconds)
            row.note_activity(last_seen)


def _checkpoint_totals(course: Course, rows: dict[int, TraineeProgress]) -> None:
    question_ids = [q.id for part in course.parts for q in checkpoint_questions(part)]
    latest = (
        select(func.max(CheckpointAnswer.id).label("id"))
        .where(CheckpointAnswer.question_id.in_(question_ids))
        .group_by(CheckpointAnswer.user_id, CheckpointAnswer.question_id)
        .subquery()
    )
    query = (
        select(
            CheckpointAnswer.user_id,
            CheckpointAnswer.part_id,
            func.count(),
            func.sum(case((CheckpointAnswer.correct, 1), else_=0)),
            func.max(CheckpointAnswer.answered_at),
        )
        .join(latest, latest.c.id == CheckpointAnswer.id)
        .group_by(CheckpointAnswer.user_id, CheckpointAnswer.part_id)
    )
    for user_id, part_id, answered, right, last_answer in db.session.execute(query):
        if user_id in rows:
            rows[user_id].checkpoints[part_id] = CheckpointResult(int(right or 0), int(answered))
            rows[user_id].note_activity(last_answer)


def team_progress(sort: str = "name", descending: bool = False) -> list[TraineeProgress]:
    """One row per trainee account, sorted by name, lessons done, time or last activity."""
    course = get_store().course()
    total = len(course.lessons)
    trainees = db.session.execute(
        select(User.id, User.name, User.email, User.organisation)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.TRAINEE.value)
    ).all()
    rows = {
        uid: TraineeProgress(uid, name, email, org or "", lessons_total=total)
        for uid, name, email, org in trainees
    }
    _lesson_totals(course, rows)
    _checkpoint_totals(course, rows)
    for user_id, part_id in db.session.execute(
        select(PartCompletion.user_id, PartCompletion.part_id)
    ):
        if user_id in rows:
            rows[user_id].parts_complete.add(part_id)
    return sort_rows(list(rows.values()), sort, descending)


def sort_rows(rows: list[TraineeProgress], sort: str, descending: bool) -> list[TraineeProgress]:
    """Sort by the column; ties (and rows without activity) fall back to the name."""
    by_name = sorted(rows, key=lambda r: (swedish_sort_key(r.name), r.email))
    if sort == "done":
        return sorted(by_name, key=lambda r: r.lessons_done, reverse=descending)
    if sort == "time":
        return sorted(by_name, key=lambda r: r.seconds_spent, reverse=descending)
    if sort == "last":
        active = sorted(
            (r for r in by_name if r.last_activity),
            key=lambda r: r.last_activity,  # type: ignore[arg-type, return-value]
            reverse=descending,
        )
        return active + [r for r in by_name if not r.last_activity]
    return list(reversed(by_name)) if descending else by_name
