"""The test pages' words: plurals by count, the hand-in time as the locale writes it, rules
that hold with and without JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from lms.extensions import db
from lms.models.quiz import Attempt
from lms.quiz import messages, service


def _open(client) -> Attempt:
    client.post("/test/start")
    return db.session.scalar(select(Attempt))


def _minutes_left(attempt: Attempt, minutes: int) -> None:
    attempt.deadline_at = datetime.now(UTC) + timedelta(minutes=minutes) - timedelta(seconds=30)
    db.session.commit()


@pytest.mark.parametrize(
    ("locale", "minutes", "text"),
    [
        ("sv", 1, "Tid kvar: 1 minut."),
        ("sv", 2, "Tid kvar: 2 minuter."),
        ("en", 1, "Time left: 1 minute."),
        ("en", 2, "Time left: 2 minutes."),
    ],
)
def test_time_left_on_the_hand_in_page_is_counted_in_words(
    client, login_as, course_done, locale, minutes, text
):
    login_as("trainee")
    client.post(f"/locale/{locale}", data={"next": "/"})
    _minutes_left(_open(client), minutes)
    assert text in client.get("/test/submit").get_data(as_text=True)


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("sv", "Provet lämnas in automatiskt den 29 november 2026 kl. 13.42."),
        ("en", "The test is handed in automatically on November 29, 2026 at 1:42\u202fPM."),
    ],
)
def test_the_hand_in_time_says_day_then_time_in_stockholm(app, locale, text):
    deadline = datetime(2026, 11, 29, 12, 42, tzinfo=UTC)  # 13.42 in Stockholm (CET)
    with app.test_request_context(), force_locale(locale):
        assert messages.handed_in_automatically(deadline) == text


@pytest.mark.parametrize(
    ("locale", "alone", "sentence"),
    [
        (
            "sv",
            "30 november 2026 kl. 13.42",
            "Du kan göra provet igen från och med den 30 november 2026 kl. 13.42.",
        ),
        (
            "en",
            "November 30, 2026 at 1:42\u202fPM",
            "You can take the test again from November 30, 2026 at 1:42\u202fPM.",
        ),
    ],
)
def test_the_next_attempt_time_is_written_like_the_hand_in_time(
    app, trainee, monkeypatch, locale, alone, sentence
):
    opens_at = datetime(2026, 11, 30, 12, 42, tzinfo=UTC)  # 13.42 in Stockholm
    monkeypatch.setattr(service, "next_attempt_opens_at", lambda user: opens_at)
    with app.test_request_context(), force_locale(locale):
        assert messages.when(opens_at) == alone
        assert messages.reason_message(service.COOLDOWN, trainee) == sentence


def test_the_attempt_and_hand_in_pages_show_the_hand_in_time_with_kl_before_the_time(
    client, login_as, course_done
):
    login_as("trainee")
    attempt = _open(client)
    # a deadline far ahead, so the attempt is still open whenever this runs (13.42 in Stockholm)
    attempt.deadline_at = datetime(2099, 11, 27, 12, 42, tzinfo=UTC)
    db.session.commit()
    for path in ("/test/attempt", "/test/submit"):
        page = client.get(path).get_data(as_text=True)
        assert "automatiskt den 27 november 2099 kl. 13.42." in page, path


def test_the_rules_do_not_promise_saving_without_pressing_save_when_javascript_is_off(
    client, login_as, course_done
):
    login_as("trainee")
    page = client.get("/test/").get_data(as_text=True)
    assert "så fort du ger det" not in page
    assert "när du trycker på ”Spara svar”" in page


def test_one_attempt_used_is_said_in_the_singular(app, trainee, monkeypatch):
    test = service.current_test()
    monkeypatch.setattr(
        service, "current_test", lambda: type(test)(**{**vars(test), "max_attempts": 1})
    )
    with app.test_request_context(), force_locale("sv"):
        text = messages.reason_message(service.NO_ATTEMPTS_LEFT, trainee)
    assert text.startswith("Du har använt ditt enda försök.")


def test_one_extra_minute_is_said_in_the_singular(client, login_as, make_user):
    login_as("approver")
    trainee = make_user("slow@example.se", "trainee", name="Sam")
    client.post(
        "/team/test/extra-time",
        data={"user_id": trainee.id, "minutes": "1", "reason": "Anpassning"},
    )
    page = client.get("/team/test/extra-time").get_data(as_text=True)
    assert "Sam har nu 1 extra minut på provet." in page
