"""Admins view, filter, page through and export the audit log; nobody else can."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from lms.audit import record_event
from lms.audit.chain import entry_hash
from lms.extensions import db
from lms.models.audit import AuditEvent


def _events(count: int, action: str = "test.thing", **kwargs) -> None:
    for n in range(count):
        record_event(
            action, target_type="widget", target_id=n, actor_label="robot@example.se", **kwargs
        )
    db.session.commit()


def test_only_admins_see_the_audit_log(app, client, login_as):
    login_as("approver")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_filters_by_action_actor_target_and_date(app, client, login_as):
    _events(3)
    _events(2, action="other.thing")
    login_as("admin")
    page = client.get("/admin/audit?action=other.thing").get_data(as_text=True)
    assert "2 poster" in page
    page = client.get("/admin/audit?target=widget:1").get_data(as_text=True)
    assert page.count("<td>widget:1</td>") == 2
    page = client.get("/admin/audit?actor=nobody").get_data(as_text=True)
    assert "widget:" not in page
    page = client.get("/admin/audit?actor=ROBOT").get_data(as_text=True)
    assert page.count("widget:") == 5
    today = datetime.now(UTC).date().isoformat()
    assert (
        client.get(f"/admin/audit?from={today}&to={today}").get_data(as_text=True).count("widget:")
        == 5
    )
    assert "widget:" not in client.get("/admin/audit?to=2020-01-01").get_data(as_text=True)


def test_the_log_is_paginated_newest_first(app, client, login_as):
    app.config["AUDIT_PAGE_SIZE"] = 4
    _events(10)
    login_as("admin")
    first = client.get("/admin/audit?target=widget").get_data(as_text=True)
    assert first.count("widget:") == 4 and "<td>widget:9</td>" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert "target=widget" in first.split('rel="next"')[0].rsplit("<a", 1)[1]
    last = client.get("/admin/audit?target=widget&page=3").get_data(as_text=True)
    assert last.count("widget:") == 2 and "<td>widget:0</td>" in last
    assert client.get("/admin/audit?page=99").status_code == 200


def test_csv_export_holds_the_filtered_entries_with_their_hashes(app, client, login_as):
    _events(2)
    record_event("evil.thing", actor_label="=cmd|' /C calc'!A0", target_type="x")
    db.session.commit()
    login_as("admin")
    response = client.get("/admin/audit.csv?action=test.thing")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["seq", "at", "actor", "action"]
    assert [row[3] for row in rows[1:]] == ["test.thing", "test.thing"]
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.seq == int(rows[1][0])))
    assert rows[1][-1] == event.entry_hash == entry_hash(event, rows[1][-2])
    evil = list(
        csv.reader(
            io.StringIO(client.get("/admin/audit.csv?action=evil.thing").data.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert evil[1][2] == "'=cmd|' /C calc'!A0"


def test_entries_show_a_readable_label_and_keep_the_code(app, client, login_as):
    _events(1, action="certification.revoked")
    _events(1, action="custom.unknown")
    login_as("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert (
        'Godkännandet återkallat<br><code class="event-code">certification.revoked</code>' in page
    )
    assert '<code class="event-code">custom.unknown</code>' in page
    assert (
        '<option value="certification.revoked" >Godkännandet återkallat (certification.revoked)'
        in page
    )


def test_details_show_swedish_letters_as_they_are_and_escaped_html(app, client, login_as):
    _events(1, details={"reason": "Ansökan gäller fel <b>roll</b>"})
    login_as("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Ansökan gäller fel" in page and "\\u00f6" not in page
    assert "&lt;b&gt;roll&lt;/b&gt;" in page and "<b>roll</b>" not in page


def test_csv_exports_name_their_charset_once(app, client, login_as):
    login_as("admin")
    assert client.get("/admin/audit.csv").headers["Content-Type"] == "text/csv; charset=utf-8"
