"""Renewing an approval before (or after) it ends: the knowledge test opens again for the
holder RECERT_WINDOW_DAYS before the last valid day, a new round starts when the holder
begins, and the team's new approval supersedes the old one. A revoked approval does not
reopen the test."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from lms.certification import service
from lms.extensions import db
from lms.models.audit import AuditEvent
from lms.quiz import service as quiz
from tests.quiz.conftest import answer_all


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def course_done(monkeypatch):
    monkeypatch.setattr(quiz, "course_parts_complete", lambda user: True)


def test_the_test_opens_for_renewal_the_configured_days_before_the_approval_ends(app, holder):
    user, cert = holder  # valid until 2027-11-29; RECERT_WINDOW_DAYS 60 -> opens 2027-09-30
    assert app.config["RECERT_WINDOW_DAYS"] == 60
    assert quiz.eligibility(user, at(date(2027, 9, 29))) == (False, quiz.CERTIFIED)
    assert quiz.eligibility(user, at(date(2027, 9, 30))) == (True, quiz.RENEWAL)
    assert quiz.eligibility(user, at(date(2028, 1, 15))) == (True, quiz.RENEWAL)  # ended
    with pytest.raises(quiz.NotEligible) as refused:
        quiz.start_attempt(user, random.Random(1), now=at(date(2027, 9, 29)))
    assert refused.value.reason == quiz.CERTIFIED


def test_renewal_starts_a_new_round_and_the_new_approval_supersedes_the_old(app, holder, approver):
    user, old = holder
    now = at(date(2027, 10, 1))
    attempt = quiz.start_attempt(user, random.Random(2), now=now)
    assert quiz.round_attempts(user) == [attempt]  # the approved pass no longer counts
    assert quiz.passed_attempt(user) is None
    reopened = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "quiz.reopened")
    ).all()
    assert len(reopened) == 1 and "2027-11-29" in reopened[0].details["reason"]
    # starting again (a second tab) gives the same attempt and no second round
    assert quiz.start_attempt(user, random.Random(3), now=now) == attempt

    answer_all(attempt, set(range(1, 31)), now=now)
    quiz.submit(attempt, now=now)
    assert attempt.passed and quiz.awaiting_final_approval(user)
    new = service.approve(user, approver, now=now)
    db.session.refresh(old)
    assert old.superseded_by_id == new.id
    assert new.valid_until == date(2028, 9, 30)  # a full period from the new approval
    assert quiz.eligibility(user, now) == (False, quiz.CERTIFIED)


def test_a_revoked_approval_does_not_reopen_the_test(app, holder, approver):
    user, cert = holder
    service.revoke(cert, approver, "Har slutat")
    assert quiz.eligibility(user, at(date(2027, 10, 1))) == (False, quiz.REVOKED)


@pytest.fixture
def page_on(client, holder, login_user, monkeypatch):
    """page_on(path, day, english=True): the holder's page as it reads on that day."""
    login_user(holder[0])

    def get(path: str, day: date, english: bool = True) -> str:
        client.post("/locale/" + ("en" if english else "sv"), data={"next": "/"})
        monkeypatch.setattr(quiz, "utcnow", lambda: at(day))
        return client.get(path).get_data(as_text=True)

    return get


def test_the_overview_tells_the_holder_when_and_why(app, page_on):
    page = page_on("/test/", date(2027, 6, 1))
    assert "You are approved until November 29, 2027" in page
    assert "opens again for renewal on September 30, 2027" in page
    assert "awaits final approval" not in page and "/test/start" not in page
    assert "Read again before the test" not in page

    page = page_on("/test/", date(2027, 10, 1))
    assert "Your approval ends on November 29, 2027. Take the test again" in page
    assert "/test/start" in page and "You have 3 attempts left." in page
    # the refresher lessons the course lists (content/course.yaml), linked, in course order
    assert "Read again before the test" in page
    listed = [page.index(f'href="/course/lessons/{i}"') for i in app_refresher(app)]
    assert listed == sorted(listed) and len(listed) == 4

    page = page_on("/test/", date(2027, 12, 2))
    assert "Your approval ended on November 29, 2027." in page


def app_refresher(app) -> tuple[str, ...]:
    from lms.course.store import get_store

    with app.app_context():
        return get_store().course().refresher


def test_refresher_lessons_are_the_listed_ones_and_those_changed_since_done(
    app, holder, monkeypatch
):
    from lms.course import service as course_service
    from lms.models.progress import LessonProgress

    user, _ = holder
    listed = app_refresher(app)
    first = next(  # a lesson the course does not list
        lesson for lesson in course_service._course().lessons if lesson.id not in listed
    )
    db.session.add(
        LessonProgress(
            user_id=user.id,
            lesson_id=first.id,
            completed_at=at(date(2026, 11, 1)),
            content_hash="an older version",
        )
    )
    db.session.commit()
    found = {item.lesson.id: item for item in course_service.refresher_lessons(user)}
    assert set(found) == {*listed, first.id}
    assert found[first.id].changed and not found[first.id].listed
    assert all(found[i].listed and not found[i].changed for i in listed)


def test_the_overview_in_swedish(app, page_on):
    page = page_on("/test/", date(2027, 6, 1), english=False)
    assert "Du är godkänd till och med 29 november 2027" in page


def test_the_certificate_page_says_when_renewal_opens_and_links_to_the_test(app, page_on):
    page = page_on("/certificate", date(2027, 6, 1))
    assert "opens again for renewal on September 30, 2027" in page
    assert "Go to the knowledge test" not in page
    page = page_on("/certificate", date(2027, 10, 1))
    assert "Your approval ends on November 29, 2027" in page
    assert 'href="/test/"' in page and "Go to the knowledge test" in page


def test_the_certificate_page_in_swedish_calls_it_the_knowledge_test_as_the_test_pages_do(
    app, page_on
):
    page = page_on("/certificate", date(2027, 6, 1), english=False)
    assert "Kunskapstestet öppnar igen för förnyelse den 30 september 2027" in page
    assert "Testet" not in page
    page = page_on("/certificate", date(2027, 10, 1), english=False)
    assert "Gör kunskapstestet igen" in page and "Gör testet" not in page
