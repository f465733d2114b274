"""The knowledge test in a real browser: a trainee fails once (answers saved by the page's
JavaScript, hands in with unanswered questions), waits out the cooldown and then passes.

The right answers are looked up in the stored attempt (server side, in this process), never
read from the page. Selectors are structural so that the test holds before and after the
Swedish strings are merged into the catalog.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long browser passphrase"  # noqa: S105 - test account only
EMAIL = "tilda@example.se"


def _make_trainee(app) -> None:
    from lms.auth.service import create_user
    from lms.extensions import db
    from lms.models.user import Role

    with app.app_context():
        create_user(EMAIL, "Tilda Testsson", {Role.TRAINEE}, password=PASSWORD)
        db.session.commit()


def _open_attempt(app):
    from sqlalchemy import select

    from lms.extensions import db
    from lms.models.quiz import Attempt

    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.status == "open"))
        questions = attempt.questions
        db.session.remove()
        return questions


def _saved_answers(app) -> int:
    from sqlalchemy import func, select

    from lms.extensions import db
    from lms.models.quiz import Attempt, AttemptAnswer

    with app.app_context():
        count = db.session.scalar(
            select(func.count(AttemptAnswer.id))
            .join(Attempt)
            .where(Attempt.status == "open", AttemptAnswer.response.is_not(None))
        )
        db.session.remove()
        return count or 0


def _wait_for_saved(app, count: int) -> None:
    deadline = time.monotonic() + 20
    while _saved_answers(app) < count:
        assert time.monotonic() < deadline, f"only {_saved_answers(app)} of {count} saved"
        time.sleep(0.2)


def _answer(page, position: int, snapshot: dict, right: bool) -> None:
    """Choose an answer in the page as a user would, with values from the stored snapshot."""
    from tests.quiz.answers import answer_pairs

    form = page.locator(f"#q{position}")
    pairs = answer_pairs(snapshot, position, right)
    kind = snapshot["type"]
    if kind in ("single", "multiple", "truefalse"):
        for name, value in pairs:
            form.locator(f'input[name="{name}"][value="{value}"]').check()
    elif kind == "matching":
        for name, value in pairs:
            form.locator(f'select[name="{name}"]').select_option(value)
    elif kind == "ordering":
        selects = form.locator(f'select[name="q{position}-order"]')
        for index, (_, value) in enumerate(pairs):
            selects.nth(index).select_option(value)
    else:
        form.locator(f"#q{position}-n").fill(pairs[0][1])
        form.locator("button[type=submit]").click()  # "Save answer", sent by fetch


def _hand_in(page) -> None:
    page.locator("a[href$='/test/submit']").click()
    page.locator("form[action$='/test/submit'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/test/result"))


def test_trainee_fails_the_knowledge_test_once_and_then_passes(live_server, page, monkeypatch):
    from lms.quiz import service

    app, base = live_server.app, live_server.url
    monkeypatch.setattr(service, "course_parts_complete", lambda user: True)
    _make_trainee(app)
    sign_in(page, base, EMAIL, PASSWORD)

    # The overview states the rules; the trainee starts the test.
    page.goto(base + "/test/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator(".quiz-rules li").count() >= 5
    page.locator("form[action$='/test/start'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/test/attempt"))
    assert page.locator("form.quiz-question").count() == 30
    # The clock is text from the server, then counted down by the script; the announcer is
    # silent until a threshold.
    page.wait_for_function(
        "/^\\d+:\\d\\d$/.test(document.getElementById('quiz-clock').textContent)"
    )
    assert page.locator("#quiz-announcer").text_content() == ""
    assert_accessible(page, "the open attempt")

    # First attempt: three answers, all wrong, saved by the page as they are chosen.
    questions = _open_attempt(app)
    for position in (1, 2, 3):
        _answer(page, position, questions[position - 1], right=False)
    _wait_for_saved(app, 3)
    page.reload()  # answers survive a reload
    assert page.locator("form.quiz-question input:checked, form.quiz-question select").count() > 0

    page.locator("a[href$='/test/submit']").click()
    assert page.locator(".quiz-unanswered li").count() == 27
    assert_accessible(page, "the hand-in page with unanswered questions")
    page.locator("form[action$='/test/submit'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/test/result"))
    assert page.locator(".quiz-failed").is_visible()
    assert page.locator(".quiz-review").count() == 30  # review "wrong": every question
    assert_accessible(page, "the result of a failed attempt with its review")
    assert page.locator("form[action$='/test/start']").count() == 0  # cooldown

    # The cooldown passes (moved back in the database), and the trainee starts again.
    from sqlalchemy import update

    from lms.extensions import db
    from lms.models.quiz import Attempt

    with app.app_context():
        first = db.session.get(Attempt, 1)
        db.session.execute(
            update(Attempt)
            .where(Attempt.id == 1)
            .values(graded_at=first.graded_at - timedelta(hours=25))
        )
        db.session.commit()
        db.session.remove()
    page.goto(base + "/test/")
    page.locator("form[action$='/test/start'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/test/attempt"))

    questions = _open_attempt(app)
    for position, snapshot in enumerate(questions, start=1):
        _answer(page, position, snapshot, right=True)
    _wait_for_saved(app, 30)
    page.wait_for_timeout(500)  # let the last queued save finish
    _hand_in(page)
    assert page.locator(".quiz-passed").is_visible()
    assert "100" in page.locator(".quiz-outcome").text_content()
    assert_accessible(page, "the result of a passed attempt")

    with app.app_context():
        from lms.models.user import User

        user = db.session.scalar(db.select(User).where(User.email == EMAIL))
        assert service.awaiting_final_approval(user)
        db.session.remove()


def _make_question_one(app, kind: str) -> dict:
    """Question 1 of the open attempt becomes a bank question of type `kind`."""
    import random

    from sqlalchemy import select
    from sqlalchemy.orm.attributes import flag_modified

    from lms.extensions import db
    from lms.models.quiz import Attempt
    from lms.quiz.bank.types import freeze
    from lms.quiz.quizset import load_quiz_set

    with app.app_context():
        question = next(
            q for bank in load_quiz_set().quiz_set.banks for q in bank.questions if q.type == kind
        )
        snapshot = freeze(question, random.Random(7))
        attempt = db.session.scalar(select(Attempt).where(Attempt.status == "open"))
        attempt.questions = [snapshot, *attempt.questions[1:]]
        flag_modified(attempt, "questions")
        db.session.commit()
        db.session.remove()
        return snapshot


def test_an_order_chosen_step_by_step_is_saved_without_errors(live_server, page, monkeypatch):
    from playwright.sync_api import expect

    from lms.quiz import service

    app, base = live_server.app, live_server.url
    monkeypatch.setattr(service, "course_parts_complete", lambda user: True)
    _make_trainee(app)
    sign_in(page, base, EMAIL, PASSWORD)
    page.goto(base + "/test/")
    page.locator("form[action$='/test/start'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/test/attempt"))
    snapshot = _make_question_one(app, "ordering")
    page.reload()
    keys = [s["key"] for s in sorted(snapshot["steps"], key=lambda s: s["index"])]
    selects = page.locator('select[name="q1-order"]')
    status = page.locator("#q1 .quiz-saved")

    selects.nth(0).select_option(keys[0])  # only step 1 so far
    _wait_for_saved(app, 1)
    expect(status).to_have_text("Sparat")
    assert "kunde inte" not in page.locator("#quiz-save-status").text_content()

    selects.nth(1).select_option(keys[0])  # the same step again: waits quietly, no error sent
    expect(status).to_contain_text("två gånger")
    assert "kunde inte" not in page.locator("#quiz-save-status").text_content()

    selects.nth(1).select_option(keys[1])
    expect(status).to_have_text("Sparat")
    page.reload()  # the partial order survives a reload
    assert selects.nth(0).input_value() == keys[0]
    assert selects.nth(1).input_value() == keys[1]
    assert selects.nth(2).input_value() == ""
