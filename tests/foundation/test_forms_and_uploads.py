"""Forms answer bad input field by field in Swedish and keep what was typed; uploads are
checked by content."""

from __future__ import annotations

import io
import re

import pytest

from lms.enrolment import service
from lms.models import Application
from tests.conftest import link_in, outbox_messages
from tests.foundation.test_enrolment_states import VALID_PDF, _input

GOOD = {
    "name": "Sara Exempelsson",
    "email": "sara@example.se",
    "organisation": "Vårdcentralen",
    "hsa_id": "SE2321000016-ABC1",
    "role_sought": "id_administrator",
    "manager_name": "Maria Chef",
    "manager_email": "maria@example.se",
    "message": "Hej",
}


def _errors(html: str) -> list[str]:
    return re.findall(r'<p class="field-error" id="([^"]+)-error">', html)


def test_application_form_reports_each_bad_field_in_swedish_and_keeps_input(client):
    data = dict(GOOD, email="inte-en-adress", hsa_id="SE123-Å", manager_email="sara@example.se")
    html = client.post("/apply", data=data).data.decode()
    assert _errors(html) == ["email", "hsa_id"] or set(_errors(html)) == {
        "email",
        "hsa_id",
        "manager_email",
    }
    assert "Det finns ett problem" in html
    assert "HSA-id ska bestå av SE" in html
    assert 'value="Sara Exempelsson"' in html and 'value="inte-en-adress"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    "hsa_id,ok",
    [
        ("SE2321000016-ABC1", True),
        ("se2321000016-abc1", True),
        ("SE162321000255-X9", True),
        ("SE2321000016-", False),
        ("SE232100001-ABC", False),
        ("SE2321000016-ÅÄÖ", False),
        ("SE2321000016-AB@C", False),
        ("SE2321000016-" + "A" * 19, False),
    ],
)
def test_hsa_id_format_is_checked(hsa_id, ok):
    assert service.valid_hsa_id(hsa_id.upper()) is ok


def test_valid_application_is_created_and_confirmed(app, client):
    html = client.post("/apply", data=GOOD).data.decode()
    assert "din ansökan är mottagen" in html
    assert Application.query.one().hsa_id == "SE2321000016-ABC1"


def test_attestation_form_requires_every_statement_and_keeps_input(app, client):
    client.post("/apply", data=GOOD)
    path = link_in(outbox_messages(app)[-1].body_text, "/attest/")
    response = client.post(
        path,
        data={
            "manager_name": "Maria",
            "manager_title": "Chef",
            "attested_on": "2026-11-01",
            "confirm": "y",
        },
    )
    html = response.data.decode()
    assert "Bekräfta påståendet eller avbryt här." in html
    assert 'value="Chef"' in html
    assert Application.query.one().state == "awaiting_attestation"


def _status_path(app) -> str:
    mail = [m for m in outbox_messages(app) if m.template == "application_received"][-1]
    return link_in(mail.body_text, "/application/")


@pytest.mark.parametrize(
    "content,name,message",
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 200, "intyg.pdf", "inte ett PDF-dokument"),  # renamed PNG
        (b"just some text", "intyg.pdf", "inte ett PDF-dokument"),
        (b"%PDF-1.4\n" + b"0" * 200, "intyg.pdf", "inte ett PDF-dokument"),  # truncated PDF
    ],
)
def test_upload_rejects_files_that_are_not_pdf_whatever_their_name(
    app, client, content, name, message
):
    client.post("/apply", data=GOOD)
    path = _status_path(app)
    response = client.post(
        path + "/upload",
        data={"document": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and message in response.data.decode()
    assert Application.query.one().state == "awaiting_attestation"


def test_upload_rejects_oversize_file(app, client):
    app.config["ATTESTATION_UPLOAD_MAX_BYTES"] = 1000
    client.post("/apply", data=GOOD)
    big = VALID_PDF[:-7] + b"0" * 2000 + b"\n%%EOF\n"
    response = client.post(
        _status_path(app) + "/upload",
        data={"document": (io.BytesIO(big), "intyg.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "större än 5 MB" in response.data.decode()


def test_request_over_the_size_cap_is_refused_before_reading(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    client.post("/apply", data=GOOD)
    response = client.post(
        _status_path(app) + "/upload",
        data={"document": (io.BytesIO(b"0" * 5000), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


def test_real_pdf_with_other_extension_is_accepted_and_served_only_to_approvers(
    app, client, login_as
):
    client.post("/apply", data=GOOD)
    response = client.post(
        _status_path(app) + "/upload",
        data={"document": (io.BytesIO(VALID_PDF), "intyg.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    row = Application.query.one()
    assert row.state == "attested"
    url = f"/team/attestations/{row.current_attestation.id}/document"
    login_as("trainee")
    assert client.get(url).status_code == 403
    client.post("/logout")
    login_as("approver")
    response = client.get(url)
    assert response.status_code == 200 and response.data == VALID_PDF
    assert response.headers["Content-Type"] == "application/pdf"


def test_applicant_can_withdraw_through_their_link(app, client):
    client.post("/apply", data=GOOD)
    path = _status_path(app)
    client.post(path + "/withdraw")
    assert Application.query.one().state == "withdrawn"
    assert "Återtagen" in client.get(path).data.decode()


def test_reject_without_reason_is_refused_with_message(app, client, login_as):
    row = service.submit_application(_input())
    login_as("approver")
    response = client.post(f"/team/applications/{row.id}/reject", data={"reject-reason": ""})
    assert response.status_code == 422
    assert row.state == "awaiting_attestation"


def test_approver_queue_filters_by_state(app, client, login_as):
    a = service.submit_application(_input(email="a@example.se", name="Anna Först"))
    service.submit_application(_input(email="b@example.se", name="Bo Andra"))
    service.withdraw(a)
    login_as("approver")
    html = client.get("/team/applications?state=withdrawn").data.decode()
    assert "Anna Först" in html and "Bo Andra" not in html


def test_detail_page_shows_whole_history(app, client, login_as):
    row = service.submit_application(_input())
    login_as("approver")
    html = client.get(f"/team/applications/{row.id}").data.decode()
    assert "Ansökan inskickad" in html and "Intyg begärt från chefen" in html
    assert "enrolment.submitted" not in html


def test_event_labels_fall_back_to_the_code(app):
    from lms.audit.labels import event_label

    with app.test_request_context():
        assert event_label("enrolment.approved") == "Ansökan godkänd"
        assert event_label("something.new") == "something.new"
