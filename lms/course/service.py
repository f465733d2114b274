"""Course rules: reading time, lessons done, checkpoint answers, part gating and completion.

Plain functions that views, the CLI and tests call. They commit their own changes.

* A part is complete when every lesson in it is marked done and the latest answer to every
  checkpoint question of the part is right. The first time that holds, a PartCompletion row is
  recorded (audited "course.part_completed"); a recorded completion stays valid when the content
  changes later.
* Part 1 is always open; each later part opens when the part before it is complete.
* Reading time: the gap from one lesson view to the trainee's next lesson view is credited to the
  lesson viewed first, at most MAX_SECONDS_PER_VIEW, so a tab left open does not count hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.audit.service import record_event
from lms.course.content import CheckpointQuestion, Course, Lesson, Part
from lms.course.progress import (
    CourseProgress,
    PartProgress,
    checkpoint_questions,
    load_state,
    part_progress,
)
from lms.course.store import get_store
from lms.extensions import db
from lms.models.progress import CheckpointAnswer, LessonProgress, PartCompletion
from lms.models.types import utcnow
from lms.models.user import User

MAX_SECONDS_PER_VIEW = 30 * 60


class UnknownLesson(LookupError):
    pass


class UnknownQuestion(LookupError):
    pass


class InvalidAnswer(ValueError):
    pass


class PartLocked(Exception):
    def __init__(self, part: Part, blocking: Part) -> None:
        super().__init__(f"{part.id} opens when {blocking.id} is complete")
        self.part = part
        self.blocking = blocking  # the earlier part still to complete


def _course() -> Course:
    return get_store().course()


def progress_for(user: User) -> CourseProgress:
    """Lessons done per part and overall, and which parts are open and complete."""
    course = _course()
    state = load_state(user)
    parts = part_progress(course, state)
    return CourseProgress(
        parts=parts,
        done=sum(p.done for p in parts),
        total=sum(p.total for p in parts),
        done_lessons=frozenset(state.done),
    )


def part_unlocked(user: User, part: Part) -> bool:
    return progress_for(user).for_part(part.id).unlocked


def part_complete(user: User, part: Part) -> bool:
    return progress_for(user).for_part(part.id).complete


def course_complete(user: User) -> bool:
    """Every part is complete: what the knowledge test asks for before it opens."""
    return progress_for(user).complete


def _require_open_lesson(user: User, lesson_id: str) -> tuple[Course, Lesson]:
    course = _course()
    lesson = course.lesson(lesson_id)
    if lesson is None:
        raise UnknownLesson(lesson_id)
    require_open_part(user, course.part_of(lesson_id))  # type: ignore[arg-type]
    return course, lesson


def require_open_part(user: User, part: Part) -> PartProgress:
    """The part's progress; raises PartLocked when an earlier part is not complete yet."""
    progress = progress_for(user).for_part(part.id)
    if not progress.unlocked:
        raise PartLocked(part, progress.blocking)  # type: ignore[arg-type]
    return progress


@contextmanager
def _tolerating_duplicate() -> Iterator[None]:
    """Run an insert in a savepoint; a concurrent duplicate (unique constraint) is ignored."""
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError:
        pass


def _lesson_row(user: User, lesson_id: str, now: datetime) -> LessonProgress:
    query = select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson_id
    )
    row = db.session.scalar(query)
    if row is None:
        with _tolerating_duplicate():
            db.session.add(
                LessonProgress(
                    user_id=user.id, lesson_id=lesson_id, first_opened_at=now, last_seen_at=now
                )
            )
        row = db.session.scalars(query).one()
    return row


def record_view(user: User, lesson_id: str, now: datetime | None = None) -> None:
    """Note a view of a lesson and credit the time since the previous view to that lesson."""
    now = now or utcnow()
    _require_open_lesson(user, lesson_id)
    previous = db.session.scalar(
        select(LessonProgress)
        .where(LessonProgress.user_id == user.id)
        .order_by(LessonProgress.last_seen_at.desc(), LessonProgress.id.desc())
        .limit(1)
    )
    if previous is not None:
        gap = int((now - previous.last_seen_at).total_seconds())
        previous.seconds_spent += max(0, min(gap, MAX_SECONDS_PER_VIEW))
    row = _lesson_row(user, lesson_id, now)
    row.last_seen_at = max(now, row.last_seen_at)
    db.session.commit()


def _record_completions(user: User, course: Course) -> list[str]:
    """Record a PartCompletion for every part that has just become complete."""
    state = load_state(user)
    newly: list[str] = []
    for progress in part_progress(course, state):
        if not progress.complete or progress.part.id in state.recorded:
            continue
        with _tolerating_duplicate():
            db.session.add(
                PartCompletion(
                    user_id=user.id,
                    part_id=progress.part.id,
                    completed_at=utcnow(),
                    course_version=course.version,
                )
            )
            db.session.flush()
            record_event(
                "course.part_completed",
                actor=user,
                target_type="part",
                target_id=progress.part.id,
                details={"course_version": course.version},
            )
            newly.append(progress.part.id)
    return newly


def mark_done(user: User, lesson_id: str) -> bool:
    """Mark a lesson done (idempotent). True the first time, False when it already was."""
    course, lesson = _require_open_lesson(user, lesson_id)
    now = utcnow()
    row = _lesson_row(user, lesson_id, now)
    if row.completed_at is not None:
        db.session.commit()
        return False
    row.completed_at = now
    row.content_hash = lesson.hash
    record_event(
        "course.lesson_done",
        actor=user,
        target_type="lesson",
        target_id=lesson_id,
        details={"content_hash": lesson.hash, "part": lesson.part_id},
    )
    _record_completions(user, course)
    db.session.commit()
    return True


def _find_question(course: Course, question_id: str) -> tuple[Part, CheckpointQuestion]:
    for part in course.parts:
        for question in checkpoint_questions(part):
            if question.id == question_id:
                return part, question
    raise UnknownQuestion(question_id)


def answer_checkpoint(user: User, question_id: str, option_index: int) -> tuple[bool, str]:
    """Check an answer on the server and keep it; returns (correct, feedback text)."""
    course = _course()
    part, question = _find_question(course, question_id)
    require_open_part(user, part)
    if not 0 <= option_index < len(question.options):
        raise InvalidAnswer(f"{question_id}: no option {option_index}")
    correct = question.is_correct(option_index)
    db.session.add(
        CheckpointAnswer(
            user_id=user.id,
            question_id=question_id,
            part_id=part.id,
            chosen=option_index,
            correct=correct,
            answered_at=utcnow(),
        )
    )
    db.session.flush()
    _record_completions(user, course)
    db.session.commit()
    return correct, question.feedback


def latest_answers(user: User, part: Part) -> dict[str, CheckpointAnswer]:
    """The latest answer to each checkpoint question of the part that has been answered."""
    ids = {q.id for q in checkpoint_questions(part)}
    return {qid: a for qid, a in load_state(user).latest.items() if qid in ids}


def completed_lessons(user: User) -> dict[str, LessonProgress]:
    rows = db.session.scalars(
        select(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.completed_at.is_not(None)
        )
    )
    return {row.lesson_id: row for row in rows}


def resume_target(user: User) -> Lesson | Part | None:
    """Where to continue: the first lesson not done in the first open, incomplete part; that
    part (its checkpoint) when every lesson is done; None (the overview) when all is done."""
    progress = progress_for(user)
    for part_state in progress.parts:
        if part_state.complete:
            continue
        if not part_state.unlocked:
            return None
        for lesson in part_state.part.lessons:
            if lesson.id not in progress.done_lessons:
                return lesson
        return part_state.part
    return None


@dataclass(frozen=True)
class RefresherLesson:
    """A lesson to read again before renewing an approval, and why."""

    lesson: Lesson
    listed: bool  # the SäkerID team names it in course.yaml (`refresher`)
    changed: bool  # it has changed since the holder marked it as done


def refresher_lessons(user: User) -> list[RefresherLesson]:
    """What a holder renewing an approval should read again, in course order: the lessons the
    course lists as refresher and those changed since the holder marked them as done."""
    course = _course()
    done = completed_lessons(user)
    listed = set(course.refresher)
    found = []
    for lesson in course.lessons:
        row = done.get(lesson.id)
        changed = row is not None and row.content_hash not in (None, lesson.hash)
        if lesson.id in listed or changed:
            found.append(RefresherLesson(lesson, lesson.id in listed, changed))
    return found
