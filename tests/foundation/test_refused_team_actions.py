"""A refused decision on an application shows the page again with a 4xx status, the specific
message and what was typed (a redirect with 409/422 is not followed by browsers)."""

from __future__ import annotations

import io

from lms.enrolment import service
from lms.extensions import db
from lms.models import Application
from tests.conftest import link_in, outbox_messages
from tests.foundation.test_enrolment_states import VALID_PDF, _input


def _attested():
    row = service.submit_application(_input())
    service.attest_by_upload(row, io.BytesIO(VALID_PDF), "intyg.pdf")
    return row


def test_second_approval_from_a_stale_tab_shows_the_page_with_409_and_why(app, client, login_as):
    row = _attested()
    login_as("approver")
    assert client.post(f"/team/applications/{row.id}/approve").status_code == 302
    response = client.post(f"/team/applications/{row.id}/approve")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Redirecting" not in html and 'role="alert"' in html
    assert "Ansökan är redan godkänd" in html


def test_reason_of_only_spaces_is_refused_on_the_page_with_422(app, client, login_as):
    row = service.submit_application(_input())
    login_as("approver")
    response = client.post(f"/team/applications/{row.id}/reject", data={"reject-reason": "   "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'role="alert"' in html and "Ange en motivering." in html
    assert 'href="#reject-reason"' in html
    assert Application.query.one().state == "awaiting_attestation"


def test_reason_is_counted_with_line_breaks_as_one_character_like_the_browser(
    app, client, login_as
):
    row = service.submit_application(_input())
    login_as("approver")
    # 2,000 characters in the browser (500 lines), 2,499 as submitted with CRLF
    reason = "\r\n".join(["rad"] * 500) + "!"
    response = client.post(f"/team/applications/{row.id}/reject", data={"reject-reason": reason})
    assert response.status_code == 302
    assert Application.query.one().decision_reason == reason.replace("\r\n", "\n")


def test_too_long_reason_says_so_and_keeps_the_text(app, client, login_as):
    row = service.submit_application(_input())
    login_as("approver")
    reason = "\r\n".join(["rad"] * 500) + "!!"  # 2,001 in the browser
    response = client.post(f"/team/applications/{row.id}/reject", data={"reject-reason": reason})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "högst 2 000 tecken" in html and "Ange en motivering." not in html
    assert "rad\nrad" in html and "!!</textarea>" in html
    assert 'maxlength="2000"' in html
    assert Application.query.one().state == "awaiting_attestation"


def test_withdraw_from_a_stale_tab_explains_that_it_is_already_decided(app, client, login_as):
    row = service.submit_application(_input())
    login_as("approver")
    client.post(f"/team/applications/{row.id}/reject", data={"reject-reason": "Fel enhet"})
    response = client.post(
        f"/team/applications/{row.id}/withdraw", data={"withdraw-reason": "Sökanden ångrar sig"}
    )
    assert response.status_code == 409
    assert "Ansökan är redan avslagen" in response.get_data(as_text=True)
    assert Application.query.one().state == "rejected"


def test_new_attestation_link_is_sent_and_the_old_link_says_it_was_replaced(app, client, login_as):
    row = service.submit_application(_input())
    old_link = link_in(outbox_messages(app)[-1].body_text, "/attest/")
    login_as("approver")
    response = client.post(f"/team/applications/{row.id}/new-attestation")
    assert response.status_code == 302
    mails = [m for m in outbox_messages(app) if m.template == "attestation_request"]
    assert len(mails) == 2
    new_link = link_in(mails[-1].body_text, "/attest/")
    assert new_link != old_link
    client.post("/logout")
    assert client.get(new_link).status_code == 200
    assert client.get(old_link).status_code == 410


def test_new_attestation_link_after_approval_is_refused_on_the_page(app, client, login_as):
    row = _attested()
    login_as("approver")
    assert client.post(f"/team/applications/{row.id}/approve").status_code == 302
    response = client.post(f"/team/applications/{row.id}/new-attestation")
    assert response.status_code == 409 and 'role="alert"' in response.get_data(as_text=True)
    assert Application.query.one().state == "approved"


def test_approving_an_application_no_account_can_be_made_from_is_refused_on_the_page(
    app, client, login_as
):
    row = _attested()
    # stored before names were checked: the account service refuses such a name
    row.name = "Nisse\x07Bell"
    db.session.commit()
    login_as("approver")
    response = client.post(f"/team/applications/{row.id}/approve")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'role="alert"' in html
    assert "Inget konto kan skapas från den här ansökan" in html
    assert Application.query.one().state == "attested"
