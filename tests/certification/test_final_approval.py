"""Final approval: the approver sees the whole record, approves (role granted, who and when,
mail) or sends back with a reason (mail, test reopened through the quiz service)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms.certification import service
from lms.extensions import db
from lms.models.audit import AuditEvent
from lms.models.certification import Certification, SendBack
from tests.certification.conftest import T0, add_attempt
from tests.conftest import outbox_messages


def test_candidates_are_the_people_with_an_undecided_pass(app, make_candidate, make_user):
    first = make_candidate("Anna Först")
    second = make_candidate("Bo Andra")
    failed = make_user("failed@example.se", "trainee")
    add_attempt(failed, passed=False)
    db.session.commit()
    assert [user.name for user, _ in service.candidates()] == ["Anna Först", "Bo Andra"]
    service.send_back(second, make_user("a@example.se", "approver"), "Komplettera")
    assert [user for user, _ in service.candidates()] == [first]


def test_approval_grants_the_role_sought_and_records_who_and_when(app, candidate, approver):
    cert = service.approve(candidate, approver, now=T0)

    assert cert.role_granted == "id_administrator"
    assert cert.organisation == "Vårdcentralen Solna"
    assert cert.holder_name == "Sara Exempelsson"
    assert (cert.approved_by_id, cert.approved_at) == (approver.id, T0)
    assert cert.valid_until == date(2027, 11, 29)  # CERT_VALIDITY_DAYS = 365
    assert (cert.course_version, cert.bank_version) == ("course-v1", "bank-v1")
    assert len(cert.code) == 10 and cert.display_code[5] == "-"
    assert cert.signature and cert.key_id
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "certification.role_granted")
    )
    assert event.actor_label == approver.email
    assert event.details["role_granted"] == "id_administrator"
    mail = outbox_messages(app)[-1]
    assert mail.template == "certification_approved" and mail.to_address == candidate.email
    assert cert.display_code in mail.body_text and "http://localhost/certificate" in mail.body_text
    assert service.candidates() == []


def test_a_person_without_an_undecided_pass_cannot_be_approved(app, holder, approver):
    user, _ = holder
    with pytest.raises(service.CertificationError, match="not_awaiting_approval"):
        service.approve(user, approver)


def test_send_back_needs_a_reason_mails_it_and_reopens_the_test(app, candidate, approver):
    from lms.quiz import service as quiz_service

    with pytest.raises(ValueError):
        service.send_back(candidate, approver, "  ")
    assert quiz_service.awaiting_final_approval(candidate)
    row = service.send_back(candidate, approver, "Öva mer på reservkort.")
    assert row.test_reopened is True
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"certification.sent_back", "quiz.reopened"} <= actions
    # The old pass no longer counts: the candidate is not awaiting approval and is not
    # refused as "already passed".
    assert not quiz_service.awaiting_final_approval(candidate)
    assert quiz_service.eligibility(candidate)[1] != quiz_service.PASSED
    mail = outbox_messages(app)[-1]
    assert mail.template == "certification_sent_back"
    assert "Öva mer på reservkort." in mail.body_text
    assert service.pending_attempt(candidate) is None


def test_approval_ends_awaiting_final_approval(app, candidate, approver):
    from lms.quiz import service as quiz_service

    service.approve(candidate, approver)
    assert not quiz_service.awaiting_final_approval(candidate)


def test_candidate_page_shows_the_whole_record(app, client, candidate, approver, login_user):
    login_user(approver)
    page = client.get(f"/team/candidates/{candidate.id}").get_data(as_text=True)
    for text in (
        "Sara Exempelsson",
        "SE2321000016-ABC1",
        "Maria Chef",
        "Verksamhetschef",
        "Del 1: Grunder",
        "90\u00a0%",
        "sandbox-exercises",
        'id="send-back"',
    ):
        assert text in page, text
    listing = client.get("/team/candidates").get_data(as_text=True)
    assert f"/team/candidates/{candidate.id}" in listing


def test_approve_and_send_back_through_the_pages(app, client, make_candidate, approver, login_user):
    first, second = make_candidate("Anna"), make_candidate("Bo")
    login_user(approver)
    response = client.post(f"/team/candidates/{first.id}/approve")
    assert response.status_code == 302
    assert db.session.scalar(select(Certification.user_id)) == first.id
    assert client.post(f"/team/candidates/{first.id}/approve").status_code == 409
    assert (
        client.post(
            f"/team/candidates/{second.id}/send-back", data={"send_back-reason": ""}
        ).status_code
        == 422
    )
    client.post(
        f"/team/candidates/{second.id}/send-back", data={"send_back-reason": "Komplettera intyget"}
    )
    assert db.session.scalar(select(SendBack.reason)) == "Komplettera intyget"


def test_trainees_cannot_decide(app, client, candidate, login_user):
    login_user(candidate)
    assert client.post(f"/team/candidates/{candidate.id}/approve").status_code == 403
    assert client.get("/team/candidates").status_code == 403


def test_scores_are_shown_in_the_interface_language(app, client, candidate, approver, login_user):
    login_user(approver)
    page = client.get(f"/team/candidates/{candidate.id}").get_data(as_text=True)
    assert "9 / 10 (90\u00a0%)" in page and "9.0" not in page
    add_attempt(candidate, percent=95.0, passed=False)
    db.session.commit()
    page = client.get(f"/team/candidates/{candidate.id}").get_data(as_text=True)
    assert "9,5 / 10 (95\u00a0%)" in page
    client.post("/locale/en", data={"next": "/"})
    page = client.get(f"/team/candidates/{candidate.id}").get_data(as_text=True)
    assert "9.5 / 10 (95%)" in page  # English writes no space before %
