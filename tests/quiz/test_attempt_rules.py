"""The rules of an attempt: draw, one open attempt, saving, expiry, extra time, limits."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.extensions import db
from lms.models.audit import AuditEvent
from lms.models.quiz import Attempt, AttemptAnswer, AttemptStatus
from lms.quiz import service
from tests.quiz.answers import form_for
from tests.quiz.conftest import T0, answer_all, start


def test_attempt_draws_the_count_of_every_category_from_test_yaml(trainee):
    attempt = start(trainee, seed=7)
    test = service.current_test()
    assert Counter(q["category"] for q in attempt.questions) == Counter(test.draw)
    assert len({q["id"] for q in attempt.questions}) == test.question_count == 30
    assert attempt.settings["pass_percent"] == test.pass_percent
    assert attempt.deadline_at == T0 + timedelta(minutes=test.time_limit_minutes)


def test_questions_and_options_are_shuffled_per_attempt(app, make_user, course_done):
    first = start(make_user("a@example.se"), seed=1)
    second = start(make_user("b@example.se"), seed=2)
    draw_order = list(service.current_test().draw)
    categories = [q["category"] for q in first.questions]
    assert categories != sorted(categories, key=draw_order.index)  # not grouped by category
    assert [q["id"] for q in first.questions] != [q["id"] for q in second.questions]
    singles = [q for q in first.questions if q["type"] in ("single", "multiple")]
    assert any(
        [o["index"] for o in q["options"]] != sorted(o["index"] for o in q["options"])
        for q in singles
    )


def test_refresh_or_second_tab_returns_the_same_open_attempt(trainee):
    first = start(trainee, seed=1)
    again = start(trainee, seed=99, now=T0 + timedelta(minutes=3))
    assert again.id == first.id
    assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_database_refuses_a_second_open_attempt_for_one_trainee(trainee):
    first = start(trainee)
    db.session.add(
        Attempt(
            user_id=trainee.id,
            number=2,
            status="open",
            started_at=T0,
            deadline_at=T0,
            questions=[],
            settings={},
            bank_version="x",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert service.open_attempt(trainee).id == first.id


def test_saving_the_same_question_twice_updates_one_answer(trainee):
    attempt = start(trainee)
    snapshot = attempt.questions[0]
    service.save_answer(attempt, 1, form_for(snapshot, 1, right=False), now=T0)
    service.save_answer(attempt, 1, form_for(snapshot, 1, right=True), now=T0)
    rows = db.session.scalars(select(AttemptAnswer)).all()
    assert len(rows) == 1
    assert service.submit(attempt, now=T0 + timedelta(minutes=1)).answer_at(1).score == 1.0


def test_answer_after_the_deadline_is_refused(trainee):
    attempt = start(trainee)
    late = attempt.deadline_at + timedelta(seconds=1)
    with pytest.raises(service.AttemptClosed) as error:
        service.save_answer(attempt, 1, form_for(attempt.questions[0], 1), now=late)
    assert error.value.reason == "time_up"
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 0


def test_malformed_answer_is_refused_without_saving(trainee):
    attempt = start(trainee)
    position = next(p for p, q in enumerate(attempt.questions, 1) if q["type"] == "single")
    with pytest.raises(service.InvalidAnswer):
        service.save_answer(attempt, position, {f"q{position}-answer": "not-a-key"}, now=T0)
    with pytest.raises(service.InvalidAnswer):
        service.save_answer(attempt, 31, {}, now=T0)


def test_server_grades_an_attempt_at_expiry_with_the_answers_saved_in_time(trainee):
    attempt = start(trainee)
    service.save_answer(attempt, 1, form_for(attempt.questions[0], 1), now=T0)
    assert service.expire_overdue(now=attempt.deadline_at) == 0  # not past yet
    assert service.expire_overdue(now=attempt.deadline_at + timedelta(seconds=1)) == 1
    graded = db.session.get(Attempt, attempt.id)
    assert graded.status == AttemptStatus.EXPIRED and graded.score == 1.0
    assert graded.submitted_at == graded.deadline_at and graded.passed is False
    assert len(graded.answers) == 30  # unanswered questions are stored with 0 points
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "quiz.expired"))


def test_quiz_expire_command_grades_overdue_attempts(trainee, runner, monkeypatch):
    attempt = start(trainee)
    monkeypatch.setattr(
        "lms.quiz.service.utcnow", lambda: attempt.deadline_at + timedelta(minutes=1)
    )
    result = runner.invoke(args=["quiz", "expire"])
    assert result.exit_code == 0 and "Graded 1" in result.output
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).status == AttemptStatus.EXPIRED


def test_extra_time_extends_the_open_attempt_and_every_later_one(trainee, approver):
    attempt = start(trainee)
    deadline = attempt.deadline_at
    service.set_extra_time(approver, trainee, 20, "dyslexi", now=T0 + timedelta(minutes=1))
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.deadline_at == deadline + timedelta(minutes=20)
    service.save_answer(
        attempt, 1, form_for(attempt.questions[0], 1), now=deadline + timedelta(minutes=10)
    )  # in the extra time
    service.submit(attempt, now=deadline + timedelta(minutes=11))
    later = start(trainee, now=T0 + timedelta(days=2))
    assert later.deadline_at == T0 + timedelta(days=2, minutes=45 + 20)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "quiz.extra_time_granted")
    )
    assert event.details["minutes"] == 20 and event.actor_id == approver.id


def test_failed_attempt_starts_a_cooldown_before_the_next(trainee):
    attempt = start(trainee)
    answer_all(attempt, right_positions=set())
    service.submit(attempt, now=T0 + timedelta(minutes=10))
    assert service.eligibility(trainee, now=T0 + timedelta(hours=1)) == (False, service.COOLDOWN)
    assert service.next_attempt_opens_at(trainee) == T0 + timedelta(minutes=10, hours=24)
    with pytest.raises(service.NotEligible):
        start(trainee, now=T0 + timedelta(hours=23))
    assert start(trainee, now=T0 + timedelta(hours=25)).number == 2


def test_no_attempt_after_max_attempts(trainee):
    now = T0
    for _ in range(3):
        attempt = start(trainee, now=now)
        service.submit(attempt, now=now + timedelta(minutes=1))
        now += timedelta(days=2)
    assert service.eligibility(trainee, now=now) == (False, service.NO_ATTEMPTS_LEFT)
    with pytest.raises(service.NotEligible) as error:
        start(trainee, now=now)
    assert error.value.reason == service.NO_ATTEMPTS_LEFT


def test_test_stays_closed_until_the_course_is_complete(app, make_user, monkeypatch):
    monkeypatch.setattr(service, "course_parts_complete", lambda user: False)
    user = make_user("new@example.se")
    assert service.eligibility(user) == (False, service.COURSE_INCOMPLETE)
    with pytest.raises(service.NotEligible):
        start(user)


def test_pass_moves_the_trainee_to_awaiting_final_approval(trainee):
    attempt = start(trainee)
    assert not service.awaiting_final_approval(trainee)
    answer_all(attempt, right_positions=set(range(1, 25)))  # 24 / 30 = 80 %
    graded = service.submit(attempt, now=T0 + timedelta(minutes=30))
    assert graded.passed and graded.percent == 80.0 and graded.status == AttemptStatus.SUBMITTED
    assert service.awaiting_final_approval(trainee)
    assert service.eligibility(trainee) == (False, service.PASSED)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions[-2:] == ["quiz.submitted", "quiz.passed"]


def test_one_point_short_of_the_pass_mark_fails(trainee):
    attempt = start(trainee)
    answer_all(attempt, right_positions=set(range(1, 24)))  # 23 / 30 < 80 %
    assert service.submit(attempt, now=T0 + timedelta(minutes=30)).passed is False
    assert not service.awaiting_final_approval(trainee)


def test_submitting_twice_grades_once(trainee):
    attempt = start(trainee)
    first = service.submit(attempt, now=T0 + timedelta(minutes=5))
    second = service.submit(attempt, now=T0 + timedelta(minutes=6))
    assert second.graded_at == first.graded_at == T0 + timedelta(minutes=5)
    count = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "quiz.submitted")
    )
    assert count == 1


def test_draw_uses_the_given_rng_reproducibly(trainee, make_user):
    other = make_user("o@example.se")
    a = service.start_attempt(trainee, random.Random(5), now=T0)
    b = service.start_attempt(other, random.Random(5), now=T0)
    assert a.questions == b.questions


def test_reopening_gives_a_new_round_where_earlier_attempts_do_not_count(trainee, approver):
    now = T0
    for _ in range(3):
        attempt = start(trainee, now=now)
        service.submit(attempt, now=now + timedelta(minutes=1))
        now += timedelta(days=2)
    assert service.eligibility(trainee, now=now) == (False, service.NO_ATTEMPTS_LEFT)
    service.reopen_test(trainee, reason="Ny kursversion", actor=approver, now=now)
    db.session.commit()
    assert service.eligibility(trainee, now=now + timedelta(minutes=1)) == (True, service.OK)
    fourth = start(trainee, now=now + timedelta(minutes=1))
    assert fourth.number == 4  # the history keeps every attempt
    assert len(service.round_attempts(trainee)) == 1
