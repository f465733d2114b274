"""The approvers' progress table: aggregated per trainee, sortable on the server."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from lms.course import service
from lms.course.team_report import team_progress
from lms.extensions import db
from lms.models.types import utcnow
from tests.conftest import login


@pytest.fixture
def seeded(app, make_user, complete_part):
    """Three trainees with different progress, and a signed-in approver."""
    anna = make_user("anna@example.se", "trainee", name="Anna Ek")
    orjan = make_user("orjan@example.se", "trainee", name="Örjan Åberg")
    bo = make_user("bo@example.se", "trainee", name="Bo Zetterlund")
    start = utcnow() - timedelta(hours=2)
    service.record_view(orjan, "p1-forsta", start)
    service.record_view(orjan, "p1-andra", start + timedelta(minutes=10))
    complete_part(orjan, "del-1")
    service.mark_done(anna, "p1-forsta")
    service.answer_checkpoint(anna, "cp-a", 0)
    make_user("greta@example.se", "approver", name="Greta")
    return {"anna": anna, "orjan": orjan, "bo": bo}


def test_rows_aggregate_lessons_time_checkpoints_and_parts(seeded):
    rows = {row.email: row for row in team_progress()}
    orjan = rows["orjan@example.se"]
    assert (orjan.lessons_done, orjan.lessons_total) == (2, 3)
    assert orjan.seconds_spent == 600
    assert orjan.checkpoints["del-1"].right == 2 and orjan.checkpoints["del-1"].answered == 2
    assert orjan.parts_complete == {"del-1"}
    anna = rows["anna@example.se"]
    assert anna.lessons_done == 1
    assert (anna.checkpoints["del-1"].right, anna.checkpoints["del-1"].answered) == (0, 1)
    assert rows["bo@example.se"].last_activity is None
    assert "greta@example.se" not in rows


def test_the_report_uses_a_fixed_number_of_queries_whatever_the_number_of_trainees(
    seeded, make_user
):
    def count_queries() -> int:
        statements: list[str] = []

        def note(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", note)
        try:
            team_progress()
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
        return len(statements)

    before = count_queries()
    for n in range(5):
        make_user(f"extra{n}@example.se", "trainee")
    assert count_queries() == before <= 5


@pytest.mark.parametrize(
    "sort,direction,expected",
    [
        ("name", "asc", ["Anna Ek", "Bo Zetterlund", "Örjan Åberg"]),  # Swedish order: Ö after Z
        ("name", "desc", ["Örjan Åberg", "Bo Zetterlund", "Anna Ek"]),
        ("done", "desc", ["Örjan Åberg", "Anna Ek", "Bo Zetterlund"]),
        ("time", "desc", ["Örjan Åberg", "Anna Ek", "Bo Zetterlund"]),
        ("last", "asc", ["Örjan Åberg", "Anna Ek", "Bo Zetterlund"]),
    ],
)
def test_the_table_sorts_by_column_on_the_server(client, seeded, sort, direction, expected):
    login(client, "greta@example.se")
    page = client.get(f"/team/progress?sort={sort}&dir={direction}").get_data(as_text=True)
    names = re.findall(r'<th scope="row">([^<]+)<br>', page)
    assert names == expected
    aria = "ascending" if direction == "asc" else "descending"
    assert re.search(rf'<th scope="col" aria-sort="{aria}">\s*<a href="[^"]*sort={sort}', page)
    assert page.count("aria-sort=") == 1


def test_an_unknown_sort_falls_back_to_name(client, seeded):
    login(client, "greta@example.se")
    page = client.get("/team/progress?sort=evil&dir=sideways").get_data(as_text=True)
    assert re.findall(r'<th scope="row">([^<]+)<br>', page)[0] == "Anna Ek"


def test_the_table_shows_progress_time_and_checkpoints(client, seeded):
    login(client, "greta@example.se")
    page = client.get("/team/progress").get_data(as_text=True)
    assert "2/3" in page and "10 min" in page
    assert "2 rätt av 2 besvarade" in page and "0 rätt av 1 besvarade" in page


def test_trainees_cannot_see_the_team_view(client, login_as):
    login_as("trainee")
    assert client.get("/team/progress").status_code == 403
    assert client.get("/team/progress.csv").status_code == 403
