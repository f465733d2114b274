"""While an attempt is open, no response the trainee can get holds the answer key."""

from __future__ import annotations

import json
import re

from lms.quiz import service
from tests.quiz.answers import form_for

JSON_KEYS = {"status", "message", "announcement", "position", "remaining_seconds", "redirect"}
KEY_MARKERS = re.compile(
    r"data-(correct|answer|right|key|index|explanation)|\"correct\"|"
    r"\"explanation\"|\"feedback\"|class=\"[^\"]*\b(correct|right)\b",
    re.IGNORECASE,
)


def _crawl_open_attempt(client) -> tuple[list[str], object]:
    bodies: list[str] = []

    def keep(response):
        bodies.append(response.get_data(as_text=True))
        return response

    keep(client.get("/test/"))
    keep(client.post("/test/start"))
    keep(client.get("/test/attempt"))
    user = next(iter(service.attempts_of(_current_user(client))))
    for position, snapshot in enumerate(user.questions, start=1):
        data = form_for(snapshot, position, right=False)
        if position % 2:
            keep(client.post("/test/answer", data=data, headers={"X-Requested-With": "fetch"}))
        else:
            keep(client.post("/test/answer", data=data, follow_redirects=True))
    keep(
        client.post(
            "/test/answer",
            data={"position": "1", "q1-answer": "nonsense"},
            headers={"X-Requested-With": "fetch"},
        )
    )
    keep(client.get("/test/attempt"))
    keep(client.get("/test/submit"))
    keep(client.get("/test/result", follow_redirects=True))
    keep(client.post("/test/start", follow_redirects=True))
    return bodies, user


def _current_user(client):
    from sqlalchemy import select

    from lms.extensions import db
    from lms.models.user import User

    return db.session.scalar(select(User).where(User.email.like("trainee-%")))


def test_no_response_of_an_open_attempt_holds_the_key(client, login_as, course_done):
    login_as("trainee")
    bodies, attempt = _crawl_open_attempt(client)
    assert attempt.is_open
    secrets = []
    for snapshot in attempt.questions:
        if snapshot.get("explanation"):
            secrets.append(snapshot["explanation"].strip()[:60])
        for option in snapshot.get("options", []):
            if option.get("feedback"):
                secrets.append(option["feedback"][:60])
        if snapshot.get("lesson"):
            secrets.append(f"/lessons/{snapshot['lesson']}")
    for body in bodies:
        assert not KEY_MARKERS.search(body), KEY_MARKERS.search(body)
        for secret in secrets:
            assert secret not in body
        if body.lstrip().startswith("{"):
            assert set(json.loads(body)) <= JSON_KEYS


def test_the_right_single_choice_option_looks_like_every_other_option(
    client, login_as, course_done
):
    login_as("trainee")
    client.post("/test/start")
    page = client.get("/test/attempt").get_data(as_text=True)
    attempt = service.attempts_of(_current_user(client))[0]
    singles = [(p, q) for p, q in enumerate(attempt.questions, 1) if q["type"] == "single"]
    assert singles
    for position, snapshot in singles:
        shapes = set()
        for number, option in enumerate(snapshot["options"], start=1):
            match = re.search(
                rf'<div class="choice"><input[^>]*id="q{position}-o{number}"'
                rf".*?</div>",
                page,
                re.DOTALL,
            )
            assert match, (position, number)
            html = match.group(0)
            assert f'value="{option["key"]}"' in html
            shapes.add(
                html.replace(option["key"], "KEY").replace(f"o{number}", "oN").split("<label")[0]
                + "<label>"
            )
        assert len(shapes) == 1, shapes  # identical markup apart from key, id and text
        right = [o for o in snapshot["options"] if o["index"] in snapshot["correct"]]
        assert len(right) == 1


def test_public_view_json_of_a_single_choice_cannot_tell_the_right_option(trainee):
    from lms.quiz.bank import public_view
    from tests.quiz.conftest import start

    attempt = start(trainee)
    for snapshot in attempt.questions:
        view = public_view(snapshot)
        assert set(view) <= {"id", "type", "stem", "options", "multiple", "left", "right", "steps"}
        for option in view.get("options", []):
            assert set(option) == {"key", "text"}
