"""Starting, checking and leaving exercise runs: the rules the views and tests share.

One run is open per person at a time (a new start leaves the open one); a passed run is
closed. Starting clears the person's desk of the cards of their earlier runs, so the drawer
shows only what this run is about.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.audit import record_event
from lms.models.sandbox import ExerciseOutcome, ExerciseRun
from lms.models.types import utcnow
from sandbox.card.service import CardServiceError, list_cards
from sandbox.exercises import REGISTRY, Finding, Workbench, load_catalog

from . import register
from .desk import DeskError, PrivateDesk


class ExerciseUnavailable(Exception):
    """The exercise id is unknown or its check is not built yet."""


def ready_exercises() -> list[dict[str, str]]:
    """Catalog entries whose checker exists, in the catalog's order."""
    return [e for e in load_catalog() if e["status"] == "ready" and e["id"] in REGISTRY]


def open_run(db: Session, user_id: int) -> ExerciseRun | None:
    return db.scalars(
        select(ExerciseRun)
        .where(ExerciseRun.user_id == user_id, ExerciseRun.outcome == ExerciseOutcome.RUNNING)
        .order_by(ExerciseRun.id.desc())
    ).first()


def runs_of(db: Session, user_id: int) -> list[ExerciseRun]:
    return list(
        db.scalars(
            select(ExerciseRun)
            .where(ExerciseRun.user_id == user_id)
            .order_by(ExerciseRun.id.desc())
        )
    )


def passed_ids(db: Session, user_id: int) -> set[str]:
    return set(
        db.scalars(
            select(ExerciseRun.exercise_id).where(
                ExerciseRun.user_id == user_id, ExerciseRun.outcome == ExerciseOutcome.PASSED
            )
        )
    )


def summary(db: Session, user_id: int) -> list[dict[str, Any]]:
    """Per ready exercise: its title, when the person first passed it and the checks made
    in all runs (for the approvers' record of a candidate)."""
    runs = runs_of(db, user_id)
    rows = []
    for entry in ready_exercises():
        mine = [r for r in runs if r.exercise_id == entry["id"]]
        passed = [r.finished_at for r in mine if r.outcome == ExerciseOutcome.PASSED]
        rows.append(
            {
                "title": entry["title"],
                "passed_at": min(passed) if passed else None,
                "checks": sum(r.checks for r in mine),
            }
        )
    return rows


def cards_of(run: ExerciseRun) -> list[str]:
    """The test cards the run's set-up made (some of them gone from the desk since: cut,
    lost or kept by their holder)."""
    return list((run.context or {}).get("cards", []))


def _clear_earlier_cards(bench: Workbench, runs: list[ExerciseRun]) -> None:
    bench.desk.empty_readers()
    if isinstance(bench.desk, PrivateDesk):
        # Every card of a private desk is the person's practice: clear also those of a set-up
        # that failed half-way, which no run names.
        for state in list_cards(bench.desk.state_dir):
            bench.desk.discard(state.card_number)
        return
    for run in runs:
        for number in cards_of(run):
            if bench.desk.owns(number):
                bench.desk.discard(number)


@contextlib.contextmanager
def _starting(desk: Any) -> Iterator[None]:
    """One start at a time per desk. Two at once (a double click on Start, two tabs) would
    each clear the desk while the other fills it: one fails on an occupied reader and leaves
    cards that no run names, so no later start clears them from the drawer."""
    path = Path(desk.state_dir) / ".exercise-start.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def start(bench: Workbench, user: Any, exercise_id: str) -> ExerciseRun:
    """Leave any open run, prepare the desk for `exercise_id` and open a run for it."""
    if exercise_id not in {e["id"] for e in ready_exercises()}:
        raise ExerciseUnavailable(exercise_id)
    with _starting(bench.desk):
        return _start(bench, user, exercise_id)


def _start(bench: Workbench, user: Any, exercise_id: str) -> ExerciseRun:
    exercise = REGISTRY[exercise_id]
    db = bench.db
    db.expire_all()  # a start that waited for another reads the runs that one left
    earlier = runs_of(db, user.id)
    for run in earlier:
        if run.outcome == ExerciseOutcome.RUNNING:
            run.outcome, run.finished_at = ExerciseOutcome.ABANDONED, bench.now
    db.commit()  # the CA commits during set-up; leave nothing of ours half-done before it
    _clear_earlier_cards(bench, earlier)
    register.clear(db, user.id)
    started = bench.now
    context = exercise.setup(bench)
    context["started"] = started.isoformat()
    context["cards"] = list(bench.made)
    run = ExerciseRun(user_id=user.id, exercise_id=exercise_id, started_at=started, context=context)
    db.add(run)
    db.flush()
    record_event(
        "sandbox.exercise_started",
        target_type="exercise_run",
        target_id=run.id,
        details={"exercise": exercise_id},
        actor=user,
    )
    db.commit()
    return run


def check(bench: Workbench, user: Any, run: ExerciseRun, answers: dict[str, str]) -> list[Finding]:
    """Check the run's outcome now; a run whose findings are all right is passed and closed."""
    if run.outcome != ExerciseOutcome.RUNNING:
        raise ExerciseUnavailable(run.exercise_id)
    exercise = REGISTRY[run.exercise_id]
    try:
        findings = exercise.check(bench, run.context, answers)
    except (DeskError, CardServiceError, FileNotFoundError):  # a card gone from the drawer
        findings = [Finding(False, "cards_missing")]
    run.checks += 1
    run.findings = [f.as_dict() for f in findings]
    if findings and all(f.ok for f in findings):
        run.outcome, run.finished_at = ExerciseOutcome.PASSED, utcnow()
        record_event(
            "sandbox.exercise_passed",
            target_type="exercise_run",
            target_id=run.id,
            details={"exercise": run.exercise_id, "checks": run.checks},
            actor=user,
        )
    bench.db.commit()
    return findings


def leave(db: Session, run: ExerciseRun, now: dt.datetime | None = None) -> None:
    if run.outcome == ExerciseOutcome.RUNNING:
        run.outcome, run.finished_at = ExerciseOutcome.ABANDONED, now or utcnow()
        db.commit()
