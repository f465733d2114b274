"""Reminders before expiry (selected by the configured points, each sent once), expiry,
recertification by a due date (the new approval supersedes the old one), and revocation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from lms.certification import reminders, service
from lms.extensions import db
from lms.models.audit import AuditEvent
from lms.models.certification import CertificationReminder
from tests.certification.conftest import T0, add_attempt
from tests.conftest import outbox_messages


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)


def _templates(app) -> list[str]:
    return [m.template for m in outbox_messages(app) if m.template != "certification_approved"]


def test_reminders_are_selected_by_the_configured_points(app, holder):
    _, cert = holder  # valid until 2027-11-29; points 60 and 14
    assert reminders.due_reminders(date(2027, 9, 29)) == []  # 61 days left
    [due] = reminders.due_reminders(date(2027, 9, 30))  # 60 days left
    assert (due.kind, due.points, due.days_left) == ("expiry", (60,), 60)
    [late] = reminders.due_reminders(date(2027, 11, 20))  # cron missed both: one mail, 2 rows
    assert late.points == (14, 60)


def test_each_reminder_is_sent_once_however_often_cron_runs(app, holder):
    user, cert = holder
    assert reminders.send_reminders(at(date(2027, 9, 30))) == 1
    assert reminders.send_reminders(at(date(2027, 9, 30))) == 0
    assert reminders.send_reminders(at(date(2027, 10, 20))) == 0
    assert reminders.send_reminders(at(date(2027, 11, 15))) == 1  # 14 days left
    assert reminders.send_reminders(at(date(2027, 11, 16))) == 0
    assert _templates(app) == ["certification_reminder", "certification_reminder"]
    mail = outbox_messages(app)[-1]
    assert mail.to_address == user.email and "14" in mail.subject
    rows = db.session.scalars(select(CertificationReminder.days_before)).all()
    assert sorted(rows) == [14, 60]


def test_the_cli_reminds_and_can_run_again(app, runner, holder, monkeypatch):
    monkeypatch.setattr(reminders, "utcnow", lambda: at(date(2027, 9, 30)))
    assert "1 reminder(s) sent" in runner.invoke(args=["certs", "remind"]).output
    assert "0 reminder(s) sent" in runner.invoke(args=["certs", "remind"]).output


def test_expiry_is_derived_from_the_date_and_the_holder_is_told_once(app, holder):
    _, cert = holder
    assert cert.status_on(date(2027, 11, 29)).value == "valid"
    assert cert.status_on(date(2027, 11, 30)).value == "expired"
    assert reminders.send_reminders(at(date(2027, 11, 30))) == 1
    assert reminders.send_reminders(at(date(2027, 12, 5))) == 0
    assert _templates(app) == ["certification_expired"]  # the 60/14 points were never reached
    assert reminders.due_reminders(date(2028, 6, 1)) == []


def test_revoked_and_superseded_certifications_get_no_reminders(app, holder, approver):
    user, old = holder
    service.revoke(old, approver, "Fel person")
    assert reminders.due_reminders(date(2027, 11, 20)) == []


def test_revocation_needs_a_reason_mails_the_holder_and_is_audited(
    app, client, holder, approver, login_user
):
    user, cert = holder
    login_user(approver)
    assert (
        client.post(
            f"/team/certifications/{cert.id}/revoke", data={f"revoke{cert.id}-reason": ""}
        ).status_code
        == 422
    )
    response = client.post(
        f"/team/certifications/{cert.id}/revoke", data={f"revoke{cert.id}-reason": "Har slutat"}
    )
    assert response.status_code == 302
    db.session.refresh(cert)
    assert cert.revoked_at is not None and cert.revocation_reason == "Har slutat"
    assert cert.status_on(date(2026, 12, 1)).value == "revoked"
    mail = outbox_messages(app)[-1]
    assert mail.template == "certification_revoked" and "Har slutat" in mail.body_text
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "certification.revoked")
    )
    assert (event.from_state, event.to_state) == ("valid", "revoked")
    with pytest.raises(service.CertificationError):
        service.revoke(cert, approver, "igen")


def test_recertification_ends_validity_at_the_due_date_and_a_new_pass_supersedes(
    app, runner, holder, approver, monkeypatch
):
    user, old = holder
    monkeypatch.setattr(service, "utcnow", lambda: T0 + timedelta(days=10))
    result = runner.invoke(
        args=[
            "certs",
            "require-recertification",
            "--due",
            "2027-03-31",
            "--reason",
            "Ny version av kursen",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "1 certification(s) marked" in result.output
    db.session.refresh(old)
    assert old.recertification_due == date(2027, 3, 31) and old.ends_on == date(2027, 3, 31)
    assert old.status_on(date(2027, 3, 31)).value == "valid"
    assert old.status_on(date(2027, 4, 1)).value == "expired"
    mail = outbox_messages(app)[-1]
    assert mail.template == "recertification_required" and "2027-03-31" in mail.body_text
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"certification.recertification_required", "quiz.reopened"} <= actions
    # Marking again with a later date changes nothing (idempotent).
    again = service.require_recertification(date(2027, 4, 30), "igen", now=T0 + timedelta(11))
    assert again.marked == 0
    [due] = reminders.due_reminders(date(2027, 3, 17))
    assert (due.kind, due.points) == ("recertification", (14, 60))

    add_attempt(user, graded_at=T0 + timedelta(days=60))
    db.session.commit()
    new = service.approve(user, approver, now=T0 + timedelta(days=61))
    db.session.refresh(old)
    assert old.superseded_by_id == new.id
    assert old.status_on(date(2027, 1, 29)).value == "superseded"
    assert new.status_on(date(2027, 1, 29)).value == "valid"
    assert new.recertification_due is None and new.valid_until == date(2028, 1, 29)


def test_recertification_reopens_the_test_so_the_old_pass_no_longer_counts(app, holder):
    from lms.quiz import service as quiz_service

    user, _ = holder
    assert quiz_service.passed_attempt(user) is not None
    result = service.require_recertification(
        date(2027, 3, 31), "Ny bank", now=T0 + timedelta(days=1)
    )
    assert (result.marked, result.reopened) == (1, 1)
    assert quiz_service.passed_attempt(user) is None


def test_a_due_date_in_the_past_is_refused(app, runner, holder):
    result = runner.invoke(args=["certs", "require-recertification", "--due", "2020-01-01"])
    assert result.exit_code != 0


@pytest.mark.parametrize(
    ("locale", "opening", "label", "other_language"),
    [
        (None, "Kursen eller kunskapstestet har ändrats", "Orsak:", "The course"),
        ("en", "The course or the knowledge test has changed", "Reason:", "Kursen"),
    ],
)
def test_recertification_mail_is_in_the_holders_language_with_a_reason_only_when_given(
    app, runner, holder, monkeypatch, locale, opening, label, other_language
):
    user, cert = holder
    user.locale = locale
    db.session.commit()
    monkeypatch.setattr(service, "utcnow", lambda: T0 + timedelta(days=10))
    result = runner.invoke(args=["certs", "require-recertification", "--due", "2027-03-31"])
    assert result.exit_code == 0, result.output
    mail = outbox_messages(app)[-1]
    assert mail.template == "recertification_required"
    assert opening in mail.body_text and other_language not in mail.body_text
    assert label not in mail.body_text  # the opening already says why; no empty reason block
    db.session.refresh(cert)
    assert cert.recertification_reason is None

    # an earlier due date is a new requirement (a later one is ignored as already due)
    result = runner.invoke(
        args=["certs", "require-recertification", "--due", "2027-03-15", "--reason", "Ny bank"]
    )
    assert result.exit_code == 0, result.output
    assert f"{label}\nNy bank" in outbox_messages(app)[-1].body_text


@pytest.mark.parametrize("due", ["2026-W52", "2026-W52-1", "20261221", "2026-12-1", "2026-02-30"])
def test_the_due_date_must_be_written_yyyy_mm_dd(app, runner, holder, due):
    result = runner.invoke(args=["certs", "require-recertification", "--due", due])
    assert result.exit_code == 2
    assert "is not a date written YYYY-MM-DD" in result.output
    assert outbox_messages(app)[-1].template != "recertification_required"
