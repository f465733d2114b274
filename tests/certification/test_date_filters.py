"""Date filters of the dashboard and the audit log: dates out of range or not dates are reported
(422 on the page, 400 for a CSV) instead of crashing or being ignored; the other filters still
apply; "%" and "_" in the actor filter are characters, not wildcards."""

from __future__ import annotations

import pytest

from lms.audit import record_event
from lms.extensions import db
from tests.certification.test_dashboard import population  # noqa: F401 - a fixture

EXTREME = ["from=0001-01-01", "to=9999-12-31", "from=0001-01-01&to=9999-12-31"]


@pytest.mark.usefixtures("population")
@pytest.mark.parametrize("query", EXTREME + ["from=abc", "to=2025-02-30", "from=20250101"])
def test_dashboard_reports_a_bad_date_and_keeps_the_other_filters(
    app, client, approver, login_user, query
):
    login_user(approver)
    response = client.get(f"/team/dashboard?organisation=Region+B&{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert "Ange ett datum från 1900-01-01 till 2999-12-31." in html or (
        "Ange datumet som ÅÅÅÅ-MM-DD" in html
    )
    assert '<option value="Region B" selected>' in html
    name, typed = query.split("&")[0].split("=")
    assert f'id="{name}" name="{name}" value="{typed}"' in html  # what was typed stays
    # Region B's two applications, not the whole population's eight
    assert "<td>2</td>" in html and "<td>8</td>" not in html


@pytest.mark.parametrize("query", EXTREME + ["from=abc"])
def test_csv_exports_answer_400_with_the_reason_for_a_bad_date(
    app, client, approver, login_user, make_user, query
):
    login_user(approver)
    response = client.get(f"/team/dashboard/funnel.csv?{query}")
    assert response.status_code == 400 and "Filtret är inte giltigt" in response.get_data(
        as_text=True
    )
    client.post("/logout")
    login_user(make_user("admin@example.se", "admin"))
    response = client.get(f"/admin/audit.csv?{query}")
    assert response.status_code == 400 and "Ange" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", EXTREME + ["from=abc"])
def test_audit_log_reports_a_bad_date_instead_of_ignoring_it(app, client, login_as, query):
    record_event("test.thing", actor_label="robot@example.se")
    record_event("other.thing", actor_label="robot@example.se")
    db.session.commit()
    login_as("admin")
    response = client.get(f"/admin/audit?action=other.thing&{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert "1 post" in html  # the action filter still applies


def test_the_widest_allowed_dates_work(app, client, login_as):
    login_as("admin")
    assert client.get("/admin/audit?from=1900-01-01&to=2999-12-31").status_code == 200
    assert client.get("/admin/audit.csv?from=1900-01-01&to=2999-12-31").status_code == 200


@pytest.mark.parametrize("pattern", ["%", "_", "robot%", "r_bot"])
def test_actor_filter_takes_percent_and_underscore_literally(app, client, login_as, pattern):
    record_event("test.thing", target_type="widget", target_id=1, actor_label="robot@example.se")
    record_event("test.thing", target_type="widget", target_id=2, actor_label="50%_off@example.se")
    db.session.commit()
    login_as("admin")
    page = client.get("/admin/audit", query_string={"actor": pattern}).get_data(as_text=True)
    assert ("widget:2" in page) is (pattern in ("%", "_"))
    assert "widget:1" not in page


def test_a_csv_export_names_the_bad_date_field_as_its_page_does(
    app, client, approver, login_user, make_user
):
    login_user(approver)
    page = client.get("/team/dashboard/funnel.csv?from=abc&to=2025-02-30").get_data(as_text=True)
    assert "Ansökningar från och med: Ange datumet som ÅÅÅÅ-MM-DD" in page
    assert "Ansökningar till och med: Ange datumet som ÅÅÅÅ-MM-DD" in page
    assert "from:" not in page and "to:" not in page
    client.post("/logout")
    login_user(make_user("admin@example.se", "admin"))
    page = client.get("/admin/audit.csv?to=abc").get_data(as_text=True)
    assert "Till: Ange datumet som ÅÅÅÅ-MM-DD" in page and "to:" not in page
