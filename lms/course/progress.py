"""Progress snapshots: what one trainee has done, and what that means per part.

``load_state`` reads a trainee's rows in three queries; ``part_progress`` applies the rules
(see lms.course.service) to the current course without touching the database again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.course.content import CheckpointQuestion, Course, Part
from lms.extensions import db
from lms.models.progress import CheckpointAnswer, LessonProgress, PartCompletion
from lms.models.user import User


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 100


@dataclass(frozen=True)
class PartProgress:
    part: Part
    done: int
    total: int
    questions_total: int
    questions_right: int
    questions_answered: int
    unlocked: bool
    complete: bool
    blocking: Part | None  # when locked: the part to complete first

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)


@dataclass(frozen=True)
class CourseProgress:
    parts: tuple[PartProgress, ...]
    done: int
    total: int
    done_lessons: frozenset[str]

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)

    @property
    def complete(self) -> bool:
        return all(p.complete for p in self.parts)

    def for_part(self, part_id: str) -> PartProgress:
        return next(p for p in self.parts if p.part.id == part_id)


@dataclass(frozen=True)
class ProgressState:
    """What the database knows about one trainee, loaded in three queries."""

    done: frozenset[str]
    latest: dict[str, CheckpointAnswer]
    recorded: frozenset[str]


def load_state(user: User) -> ProgressState:
    done = db.session.scalars(
        select(LessonProgress.lesson_id).where(
            LessonProgress.user_id == user.id, LessonProgress.completed_at.is_not(None)
        )
    ).all()
    answers = db.session.scalars(
        select(CheckpointAnswer)
        .where(CheckpointAnswer.user_id == user.id)
        .order_by(CheckpointAnswer.id)
    ).all()
    recorded = db.session.scalars(
        select(PartCompletion.part_id).where(PartCompletion.user_id == user.id)
    ).all()
    return ProgressState(frozenset(done), {a.question_id: a for a in answers}, frozenset(recorded))


def checkpoint_questions(part: Part) -> list[CheckpointQuestion]:
    return [q for lesson in part.lessons for q in lesson.checkpoint]


def rule_holds(part: Part, state: ProgressState) -> bool:
    lessons_done = all(lesson.id in state.done for lesson in part.lessons)
    return lessons_done and all(
        (answer := state.latest.get(q.id)) is not None and answer.correct
        for q in checkpoint_questions(part)
    )


def part_progress(course: Course, state: ProgressState) -> tuple[PartProgress, ...]:
    result: list[PartProgress] = []
    blocking: Part | None = None
    for part in course.parts:
        questions = checkpoint_questions(part)
        answered = [state.latest[q.id] for q in questions if q.id in state.latest]
        complete = part.id in state.recorded or rule_holds(part, state)
        result.append(
            PartProgress(
                part=part,
                done=sum(lesson.id in state.done for lesson in part.lessons),
                total=len(part.lessons),
                questions_total=len(questions),
                questions_right=sum(a.correct for a in answered),
                questions_answered=len(answered),
                unlocked=blocking is None,
                complete=complete and blocking is None,
                blocking=blocking,
            )
        )
        if blocking is None and not complete:
            blocking = part
    return tuple(result)
