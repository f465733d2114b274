"""The knowledge test's rules and the life of an attempt: eligibility, start, save, submit, expiry.

Plain functions that views, the CLI and tests call. Times default to `utcnow()`; tests pass `now`.
Concurrency: every write that must not race is a conditional UPDATE on the attempt row
(`... WHERE status = 'open'`), checked by its rowcount. That row write also orders a save
before or after a concurrent submit on PostgreSQL (row lock) and on SQLite (database lock).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from flask import current_app
from sqlalchemy import case, exists, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from lms.audit.service import record_event
from lms.extensions import db
from lms.models.quiz import (
    GRADED_STATUSES,
    Attempt,
    AttemptAnswer,
    AttemptStatus,
    ExtraTime,
    TestReopening,
)
from lms.models.types import UTCDateTime, utcnow
from lms.models.user import User
from lms.quiz.bank import DrawError, ResponseError, TestDefinition, draw_attempt
from lms.quiz.bank import normalise_response as _normalise
from lms.quiz.bank import score as _score
from lms.quiz.quizset import load_quiz_set

# Eligibility reasons (the views turn them into plain Swedish).
OK = "ok"
OPEN = "open_attempt"
PASSED = "passed"
UNAVAILABLE = "unavailable"
COURSE_INCOMPLETE = "course_incomplete"
NO_ATTEMPTS_LEFT = "no_attempts_left"
COOLDOWN = "cooldown"
# After a pass that the SäkerID team has approved:
CERTIFIED = "certified"  # approved; the renewal window has not opened yet
RENEWAL = "renewal"  # approved; the window is open: starting a test opens a new round
REVOKED = "revoked"  # the approval was revoked: only the team can open the test again

MAX_EXTRA_MINUTES = 600
_SYSTEM = SimpleNamespace(id=None, email="system")  # the actor of expiry by the server


class QuizError(Exception):
    """A quiz rule refused the action; `reason` is a short code."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


class NotEligible(QuizError):
    pass


class AttemptClosed(QuizError):
    """The attempt is graded or its time is up ("time_up"); answers are no longer taken."""


class InvalidAnswer(QuizError):
    """Not saved: `reason` is "position" or a ResponseError reason (MISSING, CHOSEN_TWICE...)."""


def course_parts_complete(user: Any) -> bool:
    """Both parts of the course are done (the course feature decides)."""
    from lms.course.service import course_complete

    return course_complete(user)


def current_test() -> TestDefinition | None:
    return load_quiz_set().quiz_set.test


# -- queries -------------------------------------------------------------------------------------


def attempts_of(user: Any) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.number)
        )
    )


def open_attempt(user: Any) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.status == AttemptStatus.OPEN)
    )


def round_started_at(user: Any) -> datetime | None:
    """When the test was last reopened for the trainee (None: never)."""
    return db.session.scalar(
        select(func.max(TestReopening.reopened_at)).where(TestReopening.user_id == user.id)
    )


def _in_current_round(user: Any):
    """Attempts that count now: those started after the newest reopening."""
    started = round_started_at(user)
    condition = Attempt.user_id == user.id
    return condition if started is None else condition & (Attempt.started_at > started)


def round_attempts(user: Any) -> list[Attempt]:
    return list(
        db.session.scalars(select(Attempt).where(_in_current_round(user)).order_by(Attempt.number))
    )


def passed_attempt(user: Any) -> Attempt | None:
    return db.session.scalar(
        select(Attempt)
        .where(_in_current_round(user), Attempt.passed.is_(True))
        .order_by(Attempt.number.desc())
        .limit(1)
    )


def awaiting_final_approval(user: Any) -> bool:
    """The trainee passed the knowledge test in the current round and the SäkerID team has
    neither approved nor sent back that pass yet."""
    from lms.models.certification import Certification, SendBack

    attempt = passed_attempt(user)
    if attempt is None:
        return False
    decided = db.session.scalar(
        select(
            exists().where(Certification.attempt_id == attempt.id)
            | exists().where(SendBack.attempt_id == attempt.id)
        )
    )
    return not decided


@dataclass(frozen=True)
class Renewal:
    """The approval granted on the current round's pass, and when it may be renewed."""

    certification: Any  # lms.models.certification.Certification
    ends_on: date  # its last valid day
    opens_on: date  # from this day the holder may take the test again

    @property
    def revoked(self) -> bool:
        return self.certification.revoked_at is not None


def renewal_of(user: Any) -> Renewal | None:
    """The approval given for the pass in the current round, if the team has approved it."""
    from lms.models.certification import Certification

    attempt = passed_attempt(user)
    if attempt is None:
        return None
    cert = db.session.scalar(
        select(Certification)
        .where(Certification.attempt_id == attempt.id)
        .order_by(Certification.id.desc())
        .limit(1)
    )
    if cert is None:
        return None
    window = timedelta(days=current_app.config["RECERT_WINDOW_DAYS"])
    return Renewal(cert, cert.ends_on, cert.ends_on - window)


def in_renewal_round(user: Any) -> bool:
    """The current round opened after the user was first approved (a renewal, or a
    recertification the team required): the user is renewing an approval."""
    from lms.models.certification import Certification

    started = round_started_at(user)
    if started is None:
        return False
    earlier = exists().where(Certification.user_id == user.id, Certification.approved_at < started)
    return bool(db.session.scalar(select(earlier)))


def local_today(now: datetime | None = None) -> date:
    """Today in Stockholm, the calendar that approvals end by (on this module's clock)."""
    from lms.certification.service import today

    return today(now or utcnow())


def reopen_test(
    user: Any, *, reason: str, actor: Any, now: datetime | None = None
) -> TestReopening:
    """Open the test again (send-back or recertification): earlier attempts stop counting. The
    caller commits."""
    reopening = TestReopening(
        user_id=user.id,
        reason=reason,
        reopened_by_id=getattr(actor, "id", None),
        reopened_at=now or utcnow(),
    )
    db.session.add(reopening)
    record_event(
        "quiz.reopened",
        actor=actor,
        target_type="user",
        target_id=user.id,
        details={"reason": reason},
    )
    return reopening


def extra_minutes_for(user: Any) -> int:
    total = db.session.scalar(
        select(func.coalesce(func.sum(ExtraTime.minutes), 0)).where(ExtraTime.user_id == user.id)
    )
    return int(total or 0)


def next_attempt_opens_at(user: Any, test: TestDefinition | None = None) -> datetime | None:
    """When the cooldown after the latest failed attempt ends (None: no failed attempt)."""
    test = test or current_test()
    last_fail = db.session.scalar(
        select(func.max(Attempt.graded_at)).where(
            _in_current_round(user), Attempt.passed.is_(False)
        )
    )
    if last_fail is None or test is None:
        return None
    return last_fail + timedelta(hours=test.cooldown_hours)


def eligibility(user: Any, now: datetime | None = None) -> tuple[bool, str]:
    """(may start or resume, reason code). Open attempt → resume; passed, broken banks, course
    not complete, attempts used up, or waiting after a failed attempt → not now."""
    now = now or utcnow()
    attempts = round_attempts(user)
    if any(a.is_open for a in attempts):
        return True, OPEN
    if any(a.passed for a in attempts):
        renewal = renewal_of(user)
        if renewal is None:
            return False, PASSED  # awaiting the team's final approval
        if renewal.revoked:
            return False, REVOKED
        if local_today(now) < renewal.opens_on:
            return False, CERTIFIED
        return True, RENEWAL
    loaded = load_quiz_set()
    test = loaded.quiz_set.test
    if not loaded.usable or test is None:
        return False, UNAVAILABLE
    if not course_parts_complete(user):
        return False, COURSE_INCOMPLETE
    if len(attempts) >= test.max_attempts:
        return False, NO_ATTEMPTS_LEFT
    opens_at = next_attempt_opens_at(user, test)
    if opens_at is not None and now < opens_at:
        return False, COOLDOWN
    return True, OK


# -- the life of an attempt ------------------------------------------------------------------


def _settings(test: TestDefinition) -> dict[str, Any]:
    return {
        "title": test.title,
        "question_count": test.question_count,
        "time_limit_minutes": test.time_limit_minutes,
        "pass_percent": test.pass_percent,
        "review": test.review,
        "max_attempts": test.max_attempts,
        "cooldown_hours": test.cooldown_hours,
        "shuffle_questions": test.shuffle_questions,
        "shuffle_options": test.shuffle_options,
        "draw": dict(test.draw),
    }


def start_attempt(
    user: Any, rng: random.Random | None = None, now: datetime | None = None
) -> Attempt:
    """The trainee's open attempt, or a new one drawn now. A refresh or a second tab gets the
    same attempt; the database's one-open-attempt index settles a race."""
    now = now or utcnow()
    existing = open_attempt(user)
    if existing is not None:
        if existing.deadline_at >= now:
            return existing
        submit(existing, now)
    ok, reason = eligibility(user, now)
    if ok and reason == RENEWAL:
        _open_renewal_round(user, now)
        ok, reason = eligibility(user, now)
    if not ok:
        raise NotEligible(reason)
    loaded = load_quiz_set()
    test = loaded.quiz_set.test
    assert test is not None  # eligibility checked it
    try:
        snapshots = draw_attempt(loaded.quiz_set.banks, test, rng or random.SystemRandom())
    except DrawError as exc:
        raise NotEligible(UNAVAILABLE, str(exc)) from exc
    extra = extra_minutes_for(user)
    number = (
        db.session.scalar(select(func.max(Attempt.number)).where(Attempt.user_id == user.id)) or 0
    ) + 1
    attempt = Attempt(
        user_id=user.id,
        number=number,
        status=AttemptStatus.OPEN,
        started_at=now,
        deadline_at=now + timedelta(minutes=test.time_limit_minutes + extra),
        extra_minutes=extra,
        questions=snapshots,
        settings=_settings(test),
        bank_version=loaded.version,
    )
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = open_attempt(user)
        if existing is None:
            raise
        return existing
    record_event(
        "quiz.started",
        actor=user,
        target_type="quiz_attempt",
        target_id=attempt.id,
        to_state=AttemptStatus.OPEN,
        details={
            "number": number,
            "deadline_at": attempt.deadline_at.isoformat(),
            "extra_minutes": extra,
            "bank_version": loaded.version,
        },
    )
    db.session.commit()
    return attempt


def _open_renewal_round(user: Any, now: datetime) -> None:
    """The holder starts renewing: a new round, so the approved pass stops counting."""
    renewal = renewal_of(user)
    assert renewal is not None  # eligibility said RENEWAL
    # A round holds the attempts started after its reopening; the attempt about to be drawn
    # starts at `now`, so the round must open just before it.
    reopen_test(
        user,
        reason=f"renewal of the approval that ends on {renewal.ends_on.isoformat()}",
        actor=user,
        now=now - timedelta(microseconds=1),
    )
    db.session.flush()


def _upsert_answer(values: dict[str, Any]) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(AttemptAnswer).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["attempt_id", "position"],
        set_={"response": stmt.excluded.response, "saved_at": stmt.excluded.saved_at},
    )
    db.session.execute(stmt)


def save_answer(
    attempt: Attempt, position: int, form: Any, now: datetime | None = None
) -> AttemptAnswer:
    """Store the answer to question `position` (1-based; form fields prefixed `q<position>-`).
    Saving again replaces the answer. Refused once the attempt is graded or its time is up."""
    now = now or utcnow()
    if not 1 <= position <= len(attempt.questions):
        raise InvalidAnswer("position", f"no question {position} in this attempt")
    snapshot = attempt.questions[position - 1]
    try:
        response = _normalise(snapshot, form, f"q{position}-")
    except ResponseError as exc:
        raise InvalidAnswer(exc.reason, str(exc)) from exc
    claimed = db.session.execute(
        update(Attempt)
        .where(
            Attempt.id == attempt.id,
            Attempt.status == AttemptStatus.OPEN,
            Attempt.deadline_at >= now,
        )
        .values(last_saved_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        db.session.refresh(attempt)
        reason = "closed" if attempt.status == AttemptStatus.SUBMITTED else "time_up"
        raise AttemptClosed(reason)
    _upsert_answer(
        {
            "attempt_id": attempt.id,
            "position": position,
            "question_id": snapshot["id"],
            "version": snapshot["version"],
            "response": response,
            "saved_at": now,
        }
    )
    db.session.commit()
    answer = attempt.answer_at(position)
    assert answer is not None
    return answer


def _grade(attempt: Attempt, now: datetime) -> None:
    saved = {answer.position: answer for answer in attempt.answers}
    total = 0.0
    for position, snapshot in enumerate(attempt.questions, start=1):
        answer = saved.get(position)
        if answer is None:  # unanswered: stored too, so statistics count it as a 0
            answer = AttemptAnswer(
                position=position,
                question_id=snapshot["id"],
                version=snapshot["version"],
                response=None,
                saved_at=now,
            )
            attempt.answers.append(answer)
        answer.score = _score(snapshot, answer.response)
        total += answer.score
    attempt.score = round(total, 6)
    attempt.max_score = float(len(attempt.questions))
    attempt.percent = round(100.0 * total / attempt.max_score, 4) if attempt.max_score else 0.0
    attempt.passed = attempt.percent + 1e-9 >= attempt.settings["pass_percent"]
    attempt.graded_at = now


def submit(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Hand in and grade the attempt, exactly once. A late call (after the deadline) marks it
    expired. A second caller, concurrent or not, gets the attempt as the first one graded it."""
    now = now or utcnow()
    attempt_id = attempt.id
    # End any read transaction: the claim must be the first statement of its transaction so
    # that SQLite can wait for a concurrent writer instead of failing.
    db.session.commit()
    late = Attempt.deadline_at < now
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.status == AttemptStatus.OPEN)
        .values(
            status=case((late, AttemptStatus.EXPIRED.value), else_=AttemptStatus.SUBMITTED.value),
            submitted_at=case((late, Attempt.deadline_at), else_=literal(now, UTCDateTime())),
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return db.session.get(Attempt, attempt_id, populate_existing=True)  # type: ignore[return-value]
    graded = db.session.get(Attempt, attempt_id, populate_existing=True)
    assert graded is not None
    _grade(graded, now)
    expired = graded.status == AttemptStatus.EXPIRED
    details = {
        "number": graded.number,
        "score": graded.score,
        "max_score": graded.max_score,
        "percent": graded.percent,
        "passed": graded.passed,
    }
    record_event(
        "quiz.expired" if expired else "quiz.submitted",
        actor=_SYSTEM if expired else None,
        target_type="quiz_attempt",
        target_id=graded.id,
        from_state=AttemptStatus.OPEN,
        to_state=graded.status,
        details=details,
    )
    if graded.passed:
        record_event(
            "quiz.passed",
            actor=_SYSTEM if expired else None,
            target_type="user",
            target_id=graded.user_id,
            to_state="awaiting_final_approval",
            details={"attempt_id": graded.id, "percent": graded.percent},
        )
    db.session.commit()
    return graded


def expire_overdue(now: datetime | None = None) -> int:
    """Grade every open attempt whose deadline has passed (lazily on each quiz request, and by
    `flask quiz expire` from cron), so an attempt ends even when its browser is gone."""
    now = now or utcnow()
    ids = list(
        db.session.scalars(
            select(Attempt.id).where(
                Attempt.status == AttemptStatus.OPEN, Attempt.deadline_at < now
            )
        )
    )
    for attempt_id in ids:
        attempt = db.session.get(Attempt, attempt_id)
        if attempt is not None:
            submit(attempt, now)
    return len(ids)


class ExtraTimeRefused(QuizError):
    """`reason` "own_record": nobody sets their own extra time (separation of duties)."""


def extra_minutes_by_user() -> dict[int, int]:
    """Everyone's current extra minutes (the sum of their rows), in one query."""
    rows = db.session.execute(
        select(ExtraTime.user_id, func.sum(ExtraTime.minutes)).group_by(ExtraTime.user_id)
    ).all()
    return {user_id: int(total or 0) for user_id, total in rows}


def set_extra_time(
    approver: Any, user: Any, minutes: int, reason: str, now: datetime | None = None
) -> ExtraTime | None:
    """Make `user`'s extra time on every attempt `minutes` in total (0 removes it).

    A row holds the change from the previous total, so the sum stays the total and a repeated
    submit of the same value changes nothing (returns None). A raise also extends the attempt
    running now; a cut applies from the next attempt (time already promised is not taken back).
    """
    now = now or utcnow()
    if not 0 <= minutes <= MAX_EXTRA_MINUTES:
        raise ValueError(f"minutes must be 0..{MAX_EXTRA_MINUTES}")
    if not reason.strip():
        raise ValueError("a reason is required")
    if approver is not None and approver.id == user.id:
        raise ExtraTimeRefused("own_record")
    # Serialise concurrent changes for this person (PostgreSQL; SQLite writes one at a time).
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    before = extra_minutes_for(user)
    change = minutes - before
    if change == 0:
        db.session.rollback()
        return None
    grant = ExtraTime(
        user_id=user.id,
        minutes=change,
        granted_by_id=approver.id,
        reason=reason.strip(),
        granted_at=now,
    )
    db.session.add(grant)
    extended = False
    current = open_attempt(user)
    # The running attempt grows to the new total, never beyond: after a cut it kept its time,
    # so a raise back only adds what it does not already have.
    added = minutes - current.extra_minutes if current is not None else 0
    if added > 0 and current.deadline_at >= now:
        extended = (
            db.session.execute(
                update(Attempt)
                .where(
                    Attempt.id == current.id,
                    Attempt.status == AttemptStatus.OPEN,
                    Attempt.deadline_at == current.deadline_at,
                )
                .values(
                    deadline_at=current.deadline_at + timedelta(minutes=added),
                    extra_minutes=minutes,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )
    record_event(
        "quiz.extra_time_granted",
        actor=approver,
        target_type="user",
        target_id=user.id,
        details={
            "minutes": minutes,
            "previous_minutes": before,
            "reason": reason.strip(),
            "open_attempt_extended": extended,
        },
    )
    db.session.commit()
    return grant


def graded_attempts() -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.status.in_(GRADED_STATUSES))
            .order_by(Attempt.graded_at, Attempt.id)
        )
    )
