"""The team dashboard on a seeded population with known answers, its CSV exports, its charts,
and a query count that does not grow with the population."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from lms.certification import dashboard, service
from lms.extensions import db
from lms.models.certification import Certification
from lms.models.progress import LessonProgress, PartCompletion
from tests.certification.conftest import T0, add_application, add_attempt

APPLIED = T0 - timedelta(days=30)
FUNNEL = [8, 7, 6, 5, 5, 4, 3, 2]  # applied → certified, for the population below


@pytest.fixture(autouse=True)
def fixed_today_and_parts(monkeypatch):
    monkeypatch.setattr(dashboard, "today", lambda: date(2026, 11, 29))
    monkeypatch.setattr(dashboard, "part_ids", lambda: ("del-1", "del-2"))


def _person(
    make_user,
    org: str,
    *,
    state: str = "approved",
    attested: bool = True,
    started: bool = False,
    parts: int = 0,
    attempts: tuple[bool, ...] = (),
    applied: datetime = APPLIED,
):
    user = make_user(f"p{uuid.uuid4().hex[:8]}@example.se", "trainee")
    user.organisation = org
    add_application(user, organisation=org, state=state, attested=attested, created_at=applied)
    if started:
        db.session.add(
            LessonProgress(
                user_id=user.id, lesson_id="l1", first_opened_at=applied, last_seen_at=applied
            )
        )
    for part in ("del-1", "del-2")[:parts]:
        db.session.add(
            PartCompletion(user_id=user.id, part_id=part, completed_at=applied, course_version="v")
        )
    for number, passed in enumerate(attempts, start=1):
        add_attempt(user, passed=passed, number=number, graded_at=applied + timedelta(days=5))
    db.session.commit()
    return user


@pytest.fixture
def population(app, make_user, approver):
    p = _person
    p(
        make_user,
        "Region A",
        state="awaiting_attestation",
        attested=False,
        applied=datetime(2026, 1, 15, 12, tzinfo=UTC),
    )
    p(make_user, "Region A", state="attested")
    p(make_user, "Region A")
    p(make_user, "Region A", started=True, parts=1)
    a5 = p(make_user, "Region A", started=True, parts=2, attempts=(False, True))
    a6 = p(make_user, "Region A", started=True, parts=2, attempts=(True,))
    p(make_user, "Region B", started=True, parts=2, attempts=(True,))
    p(make_user, "Region B", started=True, parts=2, attempts=(False,))
    service.approve(a5, approver, now=APPLIED + timedelta(days=10))
    soon = service.approve(a6, approver, now=APPLIED + timedelta(days=20))
    soon.valid_until = date(2026, 12, 29)  # 30 days left: expiring soon
    db.session.commit()
    return a5, a6


def test_funnel_and_outcomes_match_the_seeded_population(app, population):
    board = dashboard.build_dashboard(dashboard.Filters())
    assert list(board.funnel.values()) == FUNNEL
    by_org = {row.organisation: list(row.counts.values()) for row in board.organisations}
    assert by_org == {"Region A": [6, 5, 4, 3, 3, 2, 2, 2], "Region B": [2, 2, 2, 2, 2, 2, 1, 0]}
    o = board.outcomes
    assert (o.graded_attempts, o.passed_attempts, o.people_passed) == (5, 3, 3)
    assert o.pass_rate == pytest.approx(60.0)
    assert o.attempts_per_pass == pytest.approx(4 / 3)
    assert o.certified_people == 2
    assert o.median_days_to_certification == pytest.approx(15.0)
    assert [(r.name, r.ends_on) for r in board.expiring] == [
        (population[1].name, date(2026, 12, 29))
    ]


def test_filters_by_organisation_and_period(app, population):
    only_b = dashboard.build_dashboard(dashboard.Filters(organisation="Region B"))
    assert list(only_b.funnel.values()) == [2, 2, 2, 2, 2, 2, 1, 0]
    assert only_b.outcomes.graded_attempts == 2 and only_b.expiring == []
    recent = dashboard.build_dashboard(dashboard.Filters(date_from=date(2026, 6, 1)))
    assert recent.funnel["applied"] == 7
    january = dashboard.build_dashboard(
        dashboard.Filters(date_from=date(2026, 1, 15), date_to=date(2026, 1, 15))
    )
    assert list(january.funnel.values()) == [1, 0, 0, 0, 0, 0, 0, 0]


def _csv(client, path: str) -> list[list[str]]:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def test_csv_exports_hold_the_tables_numbers(app, client, population, approver, login_user):
    login_user(approver)
    funnel = _csv(client, "/team/dashboard/funnel.csv")
    assert [int(row[1]) for row in funnel[1:]] == FUNNEL
    assert funnel[1][2] == "100,0" and funnel[-1][2] == "25,0"
    orgs = _csv(client, "/team/dashboard/organisations.csv?organisation=Region+B")
    assert orgs[1] == ["Region B", "2", "2", "2", "2", "2", "2", "1", "0"]
    outcomes = [row[1] for row in _csv(client, "/team/dashboard/outcomes.csv")[1:]]
    assert outcomes == ["5", "3", "60,0", "3", "1,33", "2", "15,0"]
    expiring = _csv(client, "/team/dashboard/expiring.csv")
    assert expiring[1][0] == population[1].name and expiring[1][3] == "2026-12-29"
    assert client.get("/team/dashboard/nothing.csv").status_code == 404


def test_csv_cells_cannot_run_as_formulas(app, client, make_user, approver, login_user):
    _person(make_user, '=HYPERLINK("http://evil")')
    _person(make_user, "@SUM(A1)")
    login_user(approver)
    rows = _csv(client, "/team/dashboard/organisations.csv")
    assert [row[0] for row in rows[1:]] == ['\'=HYPERLINK("http://evil")', "'@SUM(A1)"]


def test_charts_are_accessible_svg_followed_by_tables_without_inline_styles(
    app, client, population, approver, login_user
):
    login_user(approver)
    page = client.get("/team/dashboard").get_data(as_text=True)
    assert page.count('role="img"') == 2
    assert page.count("<title id=") == 2 and page.count("<desc id=") == 2
    assert 'aria-labelledby="funnel-title funnel-desc"' in page
    assert "style=" not in page and "<style" not in page
    assert "css/dashboard.css" in page
    assert page.index('id="funnel-title"') < page.index('id="funnel-table"')
    assert page.count("<table") == 4
    assert client.get("/team/dashboard?from=yesterday").status_code == 422


def _seed_people(start: int, stop: int) -> None:
    """People start..stop-1: approved, started, both parts done, one attempt (two in three
    pass) and, for those who passed, a certificate ending within the next 90 days."""
    from lms.auth.service import create_user
    from lms.models.user import Role

    for n in range(start, stop):
        user = create_user(f"bulk{n}@example.se", f"Bulk {n}", {Role.TRAINEE})
        db.session.flush()
        org = f"Org {n % 7}"
        add_application(user, organisation=org)
        db.session.add(LessonProgress(user_id=user.id, lesson_id="l1"))
        db.session.add_all(
            PartCompletion(user_id=user.id, part_id=part, course_version="v")
            for part in ("del-1", "del-2")
        )
        attempt = add_attempt(user, passed=n % 3 != 0, number=1)
        if attempt.passed:
            db.session.add(
                Certification(
                    user_id=user.id,
                    attempt_id=attempt.id,
                    holder_name=user.name,
                    role_granted="id_administrator",
                    organisation=org,
                    approved_by_label="x",
                    approved_at=T0,
                    valid_until=date(2026, 12, 1) + timedelta(days=n % 90),
                    course_version="c",
                    bank_version="b",
                    code=f"B{n:09d}",
                    signature="s",
                    key_id="k",
                )
            )
    db.session.commit()


def _queries_for_dashboard(client) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get("/team/dashboard")
        assert page.status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_dashboard_queries_do_not_grow_with_the_population(app, client, approver, login_user):
    login_user(approver)
    _seed_people(0, 10)
    small = _queries_for_dashboard(client)
    _seed_people(10, 200)
    large = _queries_for_dashboard(client)
    assert large == small
    assert small <= 12
    board = dashboard.build_dashboard(dashboard.Filters())
    assert board.funnel["applied"] == 200 and board.funnel["certified"] == 133


def test_numbers_follow_the_interface_language(app, client, population, approver, login_user):
    login_user(approver)
    swedish = client.get("/team/dashboard").get_data(as_text=True)
    assert "<td>60,0</td>" in swedish and "<td>1,33</td>" in swedish
    client.post("/locale/en", data={"next": "/"})
    english = client.get("/team/dashboard").get_data(as_text=True)
    assert "<td>100.0</td>" in english and "<td>1.33</td>" in english
    assert "100,0" not in english and "1,33" not in english
