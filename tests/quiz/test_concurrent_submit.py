"""Two requests handing in the same attempt at once (double click, two tabs) grade it once."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from lms.extensions import db
from lms.models.audit import AuditEvent
from lms.models.quiz import Attempt, AttemptAnswer
from lms.quiz import service
from tests.quiz.conftest import T0, answer_all, start


def test_concurrent_submission_of_one_attempt_grades_it_once(app, trainee):
    attempt = start(trainee)
    answer_all(attempt, right_positions={1, 2, 3})
    attempt_id = attempt.id
    db.session.remove()
    barrier = threading.Barrier(2)
    results: list[tuple[float | None, object]] = []
    errors: list[BaseException] = []

    def hand_in(minute: int) -> None:
        try:
            with app.app_context():
                own = db.session.get(Attempt, attempt_id)
                barrier.wait()
                graded = service.submit(own, now=T0 + timedelta(minutes=minute))
                results.append((graded.score, graded.graded_at))
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=hand_in, args=(m,)) for m in (20, 21)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 2
    assert results[0] == results[1]  # the second caller sees the first caller's grading
    assert results[0][0] == 3.0
    submitted = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "quiz.submitted")
    )
    assert submitted == 1
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 30
