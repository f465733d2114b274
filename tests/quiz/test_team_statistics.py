"""The team's statistics page and CSV against a small population with known answers."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta

import pytest

from lms.quiz import service

BANK = """\
bank: syntetisk
category: syntetisk
questions:
  - id: s-single
    version: 1
    type: single
    lesson: p1-roller-och-ansvar
    stem: Vilken?
    options: ["Rätt", "Fel ett", "=Fel två"]
    correct: [0]
  - id: s-tf
    version: 2
    type: truefalse
    lesson: p1-roller-och-ansvar
    stem: Sant?
    answer: true
"""
TEST = """\
title: Syntetiskt prov
draw:
  syntetisk: 2
shuffle_questions: false
shuffle_options: true
time_limit_minutes: 10
pass_percent: 50
max_attempts: 1
cooldown_hours: 0
review: wrong
"""
T0 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
# (name, option index chosen in s-single, truefalse answer) → totals 2, 1, 1, 0
POPULATION = [
    ("Anna", 0, "true"),
    ("Bo", 0, "false"),
    ("Cecilia", 1, "true"),
    ('=HYPERLINK("http://x")', 2, "false"),
]


@pytest.fixture
def app_config(app_config, tmp_path):
    folder = tmp_path / "quizzes"
    (folder / "banks").mkdir(parents=True)
    (folder / "banks" / "syntetisk.yaml").write_text(BANK, encoding="utf-8")
    (folder / "test.yaml").write_text(TEST, encoding="utf-8")
    app_config["QUIZ_DIR"] = str(folder)
    return app_config


@pytest.fixture
def population(app, make_user, course_done):
    for number, (name, option, truth) in enumerate(POPULATION):
        user = make_user(f"p{number}@example.se", name=name)
        attempt = service.start_attempt(user, random.Random(number), now=T0)
        for position, snapshot in enumerate(attempt.questions, start=1):
            if snapshot["type"] == "single":
                key = next(o["key"] for o in snapshot["options"] if o["index"] == option)
                form = {f"q{position}-answer": key}
            else:
                form = {f"q{position}-answer": truth}
            service.save_answer(attempt, position, form, now=T0)
        service.submit(attempt, now=T0 + timedelta(minutes=number + 1))


def _csv(client, table: str) -> list[list[str]]:
    response = client.get(f"/team/test/statistics?export={table}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_statistics_match_a_population_with_known_answers(population):
    from lms.quiz.statistics import build_statistics

    stats = build_statistics()
    rows = {q.question_id: q for q in stats.questions}
    single, truefalse = rows["s-single"], rows["s-tf"]
    assert single.responses == truefalse.responses == 4
    assert single.facility == truefalse.facility == 0.5
    # upper 27 % = Anna (total 2), lower 27 % = the last trainee (total 0)
    assert single.discrimination == truefalse.discrimination == 1.0
    # item [1, 1, 0, 0] against the rest [1, 0, 1, 0]: no correlation
    assert single.point_biserial == pytest.approx(0.0)
    counts = {(o.question_id, o.option): (o.count, o.right) for o in stats.options}
    assert counts[("s-single", "0")] == (2, True)
    assert counts[("s-single", "1")] == (1, False) and counts[("s-single", "2")] == (1, False)
    assert counts[("s-tf", "true")] == (2, True) and counts[("s-tf", "false")] == (2, False)
    assert [a.score for a in stats.attempts] == [2.0, 1.0, 1.0, 0.0]


def test_statistics_page_shows_every_table_to_the_team(client, login_as, population):
    login_as("approver")
    page = client.get("/team/test/statistics").get_data(as_text=True)
    assert "s-single" in page and "s-tf" in page and "0,50" in page and "1,00" in page
    for table in ("questions", "options", "attempts"):
        assert f"/team/test/statistics?export={table}" in page
    assert client.get("/team/test/statistics?export=users").status_code == 404


def test_csv_exports_hold_the_numbers_and_are_formula_safe(client, login_as, population):
    login_as("approver")
    questions = _csv(client, "questions")
    assert questions[0][:6] == [
        "question_id",
        "version",
        "category",
        "type",
        "responses",
        "facility",
    ]
    single = next(r for r in questions if r[0] == "s-single")
    assert single[4:8] == ["4", "0,5000", "1,0000", "0,0000"]
    options = _csv(client, "options")
    assert ["s-single", "1", "2", "'=Fel två", "0", "1"] in options
    attempts = _csv(client, "attempts")
    assert len(attempts) == 5
    assert attempts[4][1] == '\'=HYPERLINK("http://x")'
    assert [r[7] for r in attempts[1:]] == ["2,0000", "1,0000", "1,0000", "0,0000"]


def test_extra_time_form_grants_minutes_to_a_trainee(client, login_as, make_user):
    approver = login_as("approver")
    trainee = make_user("slow@example.se", name="Sam")
    response = client.post(
        "/team/test/extra-time",
        data={"user_id": trainee.id, "minutes": "15", "reason": "Anpassning"},
    )
    assert response.status_code == 302
    assert service.extra_minutes_for(trainee) == 15
    page = client.get("/team/test/extra-time").get_data(as_text=True)
    assert "Anpassning" in page and approver.name in page
    bad = client.post(
        "/team/test/extra-time", data={"user_id": trainee.id, "minutes": "0", "reason": ""}
    )
    assert bad.status_code == 422 and service.extra_minutes_for(trainee) == 15


def test_a_negative_statistic_is_a_number_in_the_csv_not_text():
    from lms.quiz.statistics import csv_bytes

    raw = csv_bytes(["discrimination", "stem"], [(-0.25, "-tecken först")])
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["-0,2500", "'-tecken först"]
