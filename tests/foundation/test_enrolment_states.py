"""Every transition of the enrolment state machine, and each forbidden one."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.auth.tokens import TokenError
from lms.enrolment import service
from lms.extensions import db
from lms.models import Application, AuditEvent, Token, TokenPurpose, User, utcnow
from tests.conftest import PASSWORD, link_in, login, outbox_messages

VALID_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _input(**over) -> service.ApplicationInput:
    data = dict(
        name="Sara Exempelsson",
        email="sara@example.se",
        organisation="Vårdcentralen",
        hsa_id="SE2321000016-ABC1",
        role_sought="id_administrator",
        manager_name="Maria Chef",
        manager_email="maria@example.se",
    )
    data.update(over)
    return service.ApplicationInput(**data)


def _attestation_token(app_row: Application) -> str:
    mails = [
        m
        for m in outbox_messages(None)
        if m.template == "attestation_request" and m.to_address == app_row.manager_email
    ]
    return link_in(mails[-1].body_text, "/attest/").removeprefix("/attest/")


def _attest(app_row: Application) -> Application:
    return service.attest_by_form(
        _attestation_token(app_row),
        service.AttestationInput(
            manager_name="Maria Chef",
            manager_title="Enhetschef",
            attested_on=date.today(),
            statements=list(service.statements_for(app_row.role_sought)),
            confirmed=True,
        ),
        ip="10.0.0.1",
    )


@pytest.fixture
def approver(make_user) -> User:
    return make_user("approver@example.se", "approver")


def test_submit_moves_to_awaiting_attestation_and_mails_manager_and_candidate(app):
    row = service.submit_application(_input())
    assert row.state == "awaiting_attestation"
    templates = {(m.template, m.to_address) for m in outbox_messages(app)}
    assert ("attestation_request", "maria@example.se") in templates
    assert ("application_received", "sara@example.se") in templates
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("enrolment.submitted", None, "submitted"),
        ("enrolment.attestation_requested", "submitted", "awaiting_attestation"),
    ]


def test_manager_attestation_moves_to_attested_and_records_who(app):
    row = _attest(service.submit_application(_input()))
    assert row.state == "attested"
    assert row.current_attestation.manager_title == "Enhetschef"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "enrolment.attested")
    ).one()
    assert event.actor_label == "manager:maria@example.se"
    assert (event.from_state, event.to_state, event.ip) == (
        "awaiting_attestation",
        "attested",
        "10.0.0.1",
    )


def test_attestation_needs_every_statement_confirmed(app):
    row = service.submit_application(_input())
    with pytest.raises(ValueError):
        service.attest_by_form(
            _attestation_token(row),
            service.AttestationInput(
                manager_name="M",
                manager_title="T",
                attested_on=date.today(),
                statements=["employment"],
                confirmed=True,
            ),
            ip=None,
        )
    assert db.session.get(Application, row.id).state == "awaiting_attestation"


def test_attestation_link_is_single_use(app):
    row = service.submit_application(_input())
    token = _attestation_token(row)
    _attest(row)
    with pytest.raises(TokenError) as exc:
        service.attest_by_form(
            token,
            service.AttestationInput(
                manager_name="M",
                manager_title="T",
                attested_on=date.today(),
                statements=list(service.statements_for(row.role_sought)),
                confirmed=True,
            ),
            ip=None,
        )
    assert exc.value.reason == "used"


def test_expired_attestation_link_is_refused(app):
    row = service.submit_application(_input())
    token = _attestation_token(row)
    for t in db.session.scalars(select(Token)).all():
        t.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(TokenError) as exc:
        service.application_for_attestation(token)
    assert exc.value.reason == "expired"


def test_approve_before_attestation_is_impossible(app, approver):
    row = service.submit_application(_input())
    with pytest.raises(service.TransitionError) as exc:
        service.approve(row, approver)
    assert exc.value.code == "not_attested"
    assert db.session.get(Application, row.id).state == "awaiting_attestation"


def test_approve_with_expired_attestation_is_refused(app, approver):
    row = _attest(service.submit_application(_input()))
    row.current_attestation.created_at = utcnow() - timedelta(
        days=app.config["ATTESTATION_VALID_DAYS"] + 1
    )
    db.session.commit()
    with pytest.raises(service.TransitionError) as exc:
        service.approve(row, approver)
    assert exc.value.code == "attestation_expired"


def test_new_attestation_after_expiry_returns_to_awaiting_and_old_link_dies(app, approver):
    row = service.submit_application(_input())
    old = _attestation_token(row)
    service.request_new_attestation(row)
    assert row.state == "awaiting_attestation"
    with pytest.raises(TokenError):
        service.application_for_attestation(old)
    _attest(row)
    assert row.state == "attested"


def test_approval_creates_trainee_and_sends_single_use_invitation(app, approver, client):
    row = _attest(service.submit_application(_input()))
    user = service.approve(row, approver)
    assert row.state == "approved" and row.decided_by_id == approver.id
    assert {r.value for r in user.roles} == {"trainee"}
    mail = [m for m in outbox_messages(app) if m.template == "application_approved"][-1]
    path = link_in(mail.body_text, "/invitation/")
    response = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].startswith("/course")
    client.post("/logout")
    again = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert again.status_code == 410


def test_approving_someone_who_has_an_account_grants_trainee_in_the_audit_log(
    app, approver, make_user
):
    user = make_user("sara@example.se", "approver")
    row = _attest(service.submit_application(_input()))
    assert service.approve(row, approver) == user
    assert {r.value for r in user.roles} == {"approver", "trainee"}
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.role_granted")
    ).all()
    assert (event.actor_id, event.target_id, event.details) == (
        approver.id,
        str(user.id),
        {"role": "trainee"},
    )


def test_expired_invitation_is_refused(app, approver, client):
    row = _attest(service.submit_application(_input()))
    service.approve(row, approver)
    mail = [m for m in outbox_messages(app) if m.template == "application_approved"][-1]
    for t in db.session.scalars(
        select(Token).where(Token.purpose == TokenPurpose.INVITATION.value)
    ).all():
        t.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(link_in(mail.body_text, "/invitation/")).status_code == 410


@pytest.mark.parametrize("stage", ["submitted", "awaiting_attestation", "attested"])
def test_reject_needs_reason_and_is_final(app, approver, stage):
    if stage == "submitted":
        row = Application(**{k: v for k, v in vars(_input()).items()}, state="submitted")
        db.session.add(row)
        db.session.commit()
    else:
        row = service.submit_application(_input())
        if stage == "attested":
            _attest(row)
    with pytest.raises(ValueError):
        service.reject(row, approver, "   ")
    service.reject(row, approver, "Fel verksamhet")
    assert row.state == "rejected" and row.decision_reason == "Fel verksamhet"
    for action in (
        lambda: service.approve(row, approver),
        lambda: service.withdraw(row),
        lambda: service.request_new_attestation(row),
    ):
        with pytest.raises(service.TransitionError):
            action()


def test_withdrawn_application_cannot_be_attested_or_approved(app, approver):
    row = service.submit_application(_input())
    token = _attestation_token(row)
    service.withdraw(row)
    assert row.state == "withdrawn"
    with pytest.raises(TokenError):
        service.application_for_attestation(token)
    with pytest.raises(service.TransitionError):
        service.approve(row, approver)
    with pytest.raises(service.TransitionError):
        service.reject(row, approver, "x")


def test_approved_application_cannot_be_withdrawn_or_approved_twice(app, approver):
    row = _attest(service.submit_application(_input()))
    service.approve(row, approver)
    with pytest.raises(service.TransitionError):
        service.approve(row, approver)
    with pytest.raises(service.TransitionError):
        service.withdraw(row)


def test_upload_of_signed_pdf_attests_and_stores_outside_static(app):
    row = service.submit_application(_input())
    service.attest_by_upload(row, io.BytesIO(VALID_PDF), "intyg.pdf")
    assert row.state == "attested"
    att = row.current_attestation
    stored = service.upload_root() / att.upload_path
    assert stored.read_bytes() == VALID_PDF
    assert "static" not in stored.parts


def test_every_transition_is_in_the_audit_log_with_states(app, approver):
    row = _attest(service.submit_application(_input()))
    service.approve(row, approver)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.target_type == "application").order_by(AuditEvent.id)
    ).all()
    assert [(e.from_state, e.to_state) for e in events] == [
        (None, "submitted"),
        ("submitted", "awaiting_attestation"),
        ("awaiting_attestation", "attested"),
        ("attested", "approved"),
    ]
    assert events[-1].actor_id == approver.id


def _withdrawal_mail(app):
    return [m for m in outbox_messages(app) if m.template == "application_withdrawn"][-1]


def test_withdrawal_by_the_team_mails_the_reason_it_was_given(app, client, login_as):
    row = service.submit_application(_input())
    login_as("approver")
    client.post(
        f"/team/applications/{row.id}/withdraw",
        data={"withdraw-reason": "Sara bad om det i telefon 2026-11-28."},
    )
    assert db.session.get(Application, row.id).state == "withdrawn"
    body = _withdrawal_mail(app).body_text
    assert "SäkerID-teamet har på din begäran tagit tillbaka din ansökan" in body
    assert "Motivering:\nSara bad om det i telefon 2026-11-28.\n" in body
    stored = db.session.get(Application, row.id)  # kept on the application, too
    assert stored.decision_reason == "Sara bad om det i telefon 2026-11-28."
    page = client.get(f"/team/applications/{row.id}").get_data(as_text=True)
    assert ">Sara bad om det i telefon 2026-11-28.</dd>" in page


def test_withdrawal_by_the_candidate_mails_no_empty_reason(app):
    service.withdraw(service.submit_application(_input(locale="en")))
    body = _withdrawal_mail(app).body_text
    assert "Your application to become an administrator of e-service cards is withdrawn." in body
    assert "Reason" not in body and "At your request" not in body


def test_an_approver_cannot_approve_or_reject_their_own_application(app, make_user):
    me = make_user("godkannare@example.se", "approver")
    row = _attest(service.submit_application(_input(email="Godkannare@Example.se")))
    for decide in (lambda: service.approve(row, me), lambda: service.reject(row, me, "Nej")):
        with pytest.raises(service.TransitionError) as exc:
            decide()
        assert exc.value.code == "own_application"
    assert db.session.get(Application, row.id).state == "attested"
    service.approve(row, make_user("kollega@example.se", "approver"))
    assert row.state == "approved"


def test_the_account_made_from_an_application_counts_as_the_applicant(app, make_user):
    me = make_user("ny-adress@example.se", "approver")
    row = _attest(service.submit_application(_input()))
    row.user_id = me.id  # e.g. the account was created from it and its address changed later
    assert row.submitted_by(me)
    with pytest.raises(service.TransitionError):
        service.approve(row, me)


def test_own_application_page_explains_and_offers_no_decision(app, client, make_user):
    make_user("godkannare@example.se", "approver")
    row = _attest(service.submit_application(_input(email="godkannare@example.se")))
    assert login(client, "godkannare@example.se").status_code == 302
    page = client.get(f"/team/applications/{row.id}").data.decode()
    assert "Du är själv den sökande och kan därför inte godkänna eller avslå ansökan." in page
    assert f"/team/applications/{row.id}/approve" not in page
    assert f"/team/applications/{row.id}/reject" not in page
    response = client.post(f"/team/applications/{row.id}/approve")
    assert response.status_code == 409
    # The message is on the refusal page itself or, after a redirect, on the application page.
    html = response.data.decode() + client.get(f"/team/applications/{row.id}").data.decode()
    assert "Du kan inte godkänna eller avslå din egen ansökan." in html
    assert db.session.get(Application, row.id).state == "attested"


@pytest.mark.parametrize("action,code", [("reject", "rejected"), ("withdraw", "withdrawn")])
def test_a_decision_reason_is_stored_stripped_in_the_application_the_log_and_the_mail(
    app, approver, action, code
):
    row = service.submit_application(_input())
    typed = "  \n Fel enhet.\nRing oss. \n "
    if action == "reject":
        service.reject(row, approver, typed)
    else:
        service.withdraw(row, by=approver, reason=typed)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == f"enrolment.{code}")
    ).one()
    assert row.decision_reason == event.details["reason"] == "Fel enhet.\nRing oss."
    mail = outbox_messages(app)[-1]
    assert "Fel enhet.\nRing oss.\n" in mail.body_text and "Ring oss. \n" not in mail.body_text
