"""Refused decisions on the candidate page: shown again with a 4xx status, the specific message
and what was typed; and nobody decides on their own certification (separation of duties)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.certification import service
from lms.extensions import db
from lms.models.certification import Certification, SendBack
from tests.certification.conftest import add_application, add_attempt


def test_stale_send_back_after_another_tab_approved_answers_409_with_the_reason(
    app, client, candidate, approver, login_user
):
    login_user(approver)
    assert client.post(f"/team/candidates/{candidate.id}/approve").status_code == 302
    response = client.post(
        f"/team/candidates/{candidate.id}/send-back", data={"send_back-reason": "Komplettera"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Redirecting" not in html and 'role="alert"' in html
    assert "Personen väntar inte på slutgodkännande" in html
    assert db.session.scalar(select(func.count()).select_from(SendBack)) == 0


def test_stale_revoke_from_a_second_tab_answers_409_and_says_it_is_already_revoked(
    app, client, holder, approver, login_user
):
    _user, cert = holder
    login_user(approver)
    data = {f"revoke{cert.id}-reason": "Har slutat"}
    assert client.post(f"/team/certifications/{cert.id}/revoke", data=data).status_code == 302
    response = client.post(f"/team/certifications/{cert.id}/revoke", data=data)
    assert response.status_code == 409
    assert "Godkännandet är redan återkallat" in response.get_data(as_text=True)


def test_invalid_revoke_reason_keeps_the_text_in_that_certificates_form(
    app, client, holder, approver, login_user
):
    _user, cert = holder
    login_user(approver)
    response = client.post(
        f"/team/certifications/{cert.id}/revoke", data={f"revoke{cert.id}-reason": "x" * 2001}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "högst 2 000 tecken" in html and f'href="#revoke{cert.id}-reason"' in html
    assert "x" * 2001 + "</textarea>" in html
    assert Certification.query.one().revoked_at is None


def test_empty_send_back_reason_is_refused_on_the_page(
    app, client, candidate, approver, login_user
):
    login_user(approver)
    response = client.post(
        f"/team/candidates/{candidate.id}/send-back", data={"send_back-reason": " \r\n "}
    )
    assert response.status_code == 422
    assert "Ange en motivering." in response.get_data(as_text=True)


@pytest.fixture
def approving_trainee(make_user):
    """An approver who is also a trainee awaiting final approval (as in the demo data)."""
    user = make_user("godkannare@example.se", "approver", "trainee", name="Greta Godkännare")
    add_application(user)
    add_attempt(user)
    db.session.commit()
    return user


def test_the_service_refuses_to_let_approvers_decide_on_themselves(app, approving_trainee):
    for decide in (
        lambda: service.approve(approving_trainee, approving_trainee),
        lambda: service.send_back(approving_trainee, approving_trainee, "Själv"),
    ):
        with pytest.raises(service.CertificationError) as exc:
            decide()
        assert exc.value.code == "own_record"
    assert service.pending_attempt(approving_trainee) is not None


def test_own_certification_cannot_be_revoked_by_oneself(app, approving_trainee, approver):
    cert = service.approve(approving_trainee, approver)
    with pytest.raises(service.CertificationError, match="own_record"):
        service.revoke(cert, approving_trainee, "Själv")
    assert cert.revoked_at is None


def test_own_record_page_hides_the_decision_and_the_post_is_refused(
    app, client, approving_trainee, login_user
):
    login_user(approving_trainee)
    page = client.get(f"/team/candidates/{approving_trainee.id}").get_data(as_text=True)
    assert 'id="own-record"' in page and "Godkänn och utfärda intyget" not in page
    response = client.post(f"/team/candidates/{approving_trainee.id}/approve")
    assert response.status_code == 403
    assert "Du kan inte fatta beslut om ditt eget godkännande" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Certification)) == 0
