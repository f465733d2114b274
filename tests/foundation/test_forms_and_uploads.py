"""Forms answer bad input field by field in Swedish and keep what was typed; uploads are
checked by content."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest

from lms.enrolment import service
from lms.models import Application
from tests.conftest import link_in, outbox_messages
from tests.foundation.test_enrolment_states import VALID_PDF, _attestation_token, _input

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


def test_valid_application_is_created_and_confirmed_after_a_redirect(app, client):
    response = client.post("/apply", data=GOOD)
    assert response.status_code == 302 and response.headers["Location"] == "/apply/sent"
    html = client.get("/apply/sent").data.decode()
    assert "din ansökan är mottagen" in html and "Du får snart ett mejl" in html
    assert Application.query.one().hsa_id == "SE2321000016-ABC1"
    # Reloading the receipt sends nothing again.
    assert "din ansökan är mottagen" in client.get("/apply/sent").data.decode()
    assert Application.query.count() == 1


def test_second_application_while_one_is_open_answers_as_a_new_one_and_mails_a_new_link(
    app, client
):
    """Nobody learns from the form whether an address has an application in progress; the
    address's owner gets a new link to it (a lost or expired link is not a dead end)."""
    client.post("/apply", data=GOOD)
    old_link = link_in(outbox_messages(app)[-2].body_text, "/application/")
    first_receipt = client.get("/apply/sent").data.decode()
    again = client.post("/apply", data=dict(GOOD, email="SARA@example.se", name="Sara E"))
    assert again.status_code == 302 and again.headers["Location"] == "/apply/sent"
    assert client.get("/apply/sent").data.decode() == first_receipt
    assert Application.query.count() == 1
    mail = outbox_messages(app)[-1]
    assert mail.template == "application_link" and mail.to_address == "sara@example.se"
    assert "Du har redan en pågående ansökan" in mail.body_text
    new_link = link_in(mail.body_text, "/application/")
    assert client.get(new_link).status_code == 200
    assert client.get(old_link).status_code == 410


def test_receipt_is_shown_for_a_while_only(app, client, monkeypatch):
    import lms.enrolment.routes as routes

    client.post("/apply", data=GOOD)
    assert client.get("/apply/sent").status_code == 200
    later = routes.time.time() + routes.RECEIPT_MINUTES * 60 + 1
    monkeypatch.setattr(routes.time, "time", lambda: later)
    response = client.get("/apply/sent")
    assert response.status_code == 302 and response.headers["Location"] == "/apply"


def test_a_new_application_is_possible_once_the_old_one_is_withdrawn(app, client):
    service.withdraw(service.submit_application(_input(email=GOOD["email"])))
    assert client.post("/apply", data=GOOD).status_code == 302
    assert Application.query.count() == 2


def test_service_refuses_a_second_open_application_for_the_same_address(app):
    first = service.submit_application(_input())
    with pytest.raises(service.OpenApplicationExists) as exc:
        service.submit_application(_input(email="Sara@Example.se"))
    assert exc.value.application.id == first.id
    assert Application.query.count() == 1


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
    client.post(path + "/withdraw", data={"withdraw-confirm": "y"})
    assert Application.query.one().state == "withdrawn"
    assert "Återtagen" in client.get(path).data.decode()


def test_withdrawal_without_the_confirmation_box_is_refused_with_a_labelled_error(app, client):
    client.post("/apply", data=GOOD)
    path = _status_path(app)
    page = client.get(path).data.decode()
    assert '<label for="withdraw-confirm">Jag vill ta tillbaka min ansökan.' in page
    response = client.post(path + "/withdraw")
    html = response.data.decode()
    assert response.status_code == 422 and Application.query.one().state == "awaiting_attestation"
    assert 'role="alert"' in html and 'href="#withdraw-confirm"' in html
    assert "Kryssa i rutan för att bekräfta att du vill ta tillbaka ansökan." in html
    assert 'aria-describedby="withdraw-confirm-error"' in html


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


@pytest.mark.parametrize("field", ["name", "organisation", "manager_name"])
def test_line_break_in_a_one_line_field_is_refused_in_swedish_and_input_kept(app, client, field):
    data = dict(GOOD, **{field: "Nisse\r\nBcc: evil@example.se"})
    response = client.post("/apply", data=data)
    html = response.data.decode()
    assert response.status_code == 200 and _errors(html) == [field]
    assert "Skriv på en rad, utan radbrytningar eller tabbar." in html
    assert 'value="sara@example.se"' in html and "Bcc: evil@example.se" in html
    assert Application.query.count() == 0 and outbox_messages(app) == []


def test_service_refuses_a_line_break_in_a_name_whatever_the_caller(app):
    with pytest.raises(ValueError):
        service.submit_application(_input(name="Nisse\nBcc: evil@example.se"))
    assert Application.query.count() == 0


@pytest.mark.parametrize("locale,optional", [("sv", "frivilligt"), ("en", "optional")])
def test_optional_field_says_optional_once_in_each_language(app, client, locale, optional):
    with client.session_transaction() as session:
        session["locale"] = locale
    html = client.get("/apply").data.decode()
    assert html.count(f"({optional})") == 1


def test_a_tampered_choice_is_refused_in_our_own_words(app, client):
    html = client.post("/apply", data={**GOOD, "role_sought": "hacker"}).data.decode()
    assert "Välj ett av alternativen i listan." in html
    assert "Inte ett giltigt val" not in html
    assert Application.query.count() == 0


def _attestation_data(**over) -> dict:
    data = {f"st_{key}": "y" for key in service.statements_for("id_administrator")}
    data.update(manager_name="Maria", manager_title="Chef", confirm="y")
    data["attested_on"] = service.attestation_date_bounds(Application.query.one())[1].isoformat()
    data.update(over)
    return data


@pytest.mark.parametrize(
    "over,message",
    [
        ({"attested_on": "1999-01-01"}, "Datumet kan inte vara tidigare än den dag då ansökan"),
        ({"attested_on": "2999-01-01"}, "Datumet kan inte ligga i framtiden."),
        ({"manager_title": "Chef\nBcc: x@example.se"}, "Skriv på en rad"),
        ({"attested_on": "31/12/2026"}, "Ange datumet som ÅÅÅÅ-MM-DD."),
    ],
)
def test_attestation_form_refuses_bad_dates_and_line_breaks_and_keeps_input(
    app, client, over, message
):
    client.post("/apply", data=GOOD)
    path = link_in(outbox_messages(app)[-1].body_text, "/attest/")
    response = client.post(path, data=_attestation_data(**over))
    html = response.data.decode()
    assert response.status_code == 200 and message in html
    assert 'value="Maria"' in html
    assert Application.query.one().state == "awaiting_attestation"
    # The same link still works with a good value.
    done = client.post(path, data=_attestation_data(), follow_redirects=True)
    assert "intyget är mottaget" in done.data.decode()
    assert Application.query.one().state == "attested"


def test_service_refuses_an_attestation_dated_before_the_application(app):
    row = service.submit_application(_input())
    with pytest.raises(ValueError):
        service.attest_by_form(
            _attestation_token(row),
            service.AttestationInput(
                manager_name="M",
                manager_title="T",
                attested_on=date(1999, 1, 1),
                statements=list(service.statements_for(row.role_sought)),
                confirmed=True,
            ),
            ip=None,
        )
    assert row.state == "awaiting_attestation"


USED = "Länken är redan använd"


def _attest_path(app) -> str:
    mail = [m for m in outbox_messages(app) if m.template == "attestation_request"][-1]
    return link_in(mail.body_text, "/attest/")


def _gone(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 410
    return response.data.decode()


def test_manager_link_after_withdrawal_says_withdrawn_not_used(app, client):
    client.post("/apply", data=GOOD)
    attest = _attest_path(app)
    client.post(_status_path(app) + "/withdraw", data={"withdraw-confirm": "y"})
    html = _gone(client, attest)
    assert "Ansökan har tagits tillbaka, så länken fungerar inte längre." in html
    assert USED not in html


def test_old_manager_link_after_a_new_one_says_replaced(app, client):
    row = service.submit_application(_input())
    old = _attest_path(app)
    service.request_new_attestation(row)
    html = _gone(client, old)
    assert "En nyare länk har skickats" in html and USED not in html


@pytest.mark.parametrize(
    "close,message",
    [
        (
            lambda row, approver: service.attest_by_upload(row, io.BytesIO(VALID_PDF), "i.pdf"),
            "Ansökan har redan fått ett lämplighetsintyg",
        ),
        (
            lambda row, approver: service.reject(row, approver, "Fel enhet"),
            "Det finns redan ett beslut om ansökan",
        ),
    ],
)
def test_manager_link_after_upload_or_decision_says_so(app, client, make_user, close, message):
    row = service.submit_application(_input())
    attest = _attest_path(app)
    close(row, make_user("approver@example.se", "approver"))
    html = _gone(client, attest)
    assert message in html and USED not in html


def test_a_used_manager_link_still_says_used(app, client):
    client.post("/apply", data=GOOD)
    attest = _attest_path(app)
    client.post(attest, data=_attestation_data())
    assert USED in _gone(client, attest)


def test_attestation_receipt_is_a_redirect_and_survives_a_reload(app, client):
    client.post("/apply", data=GOOD)
    attest = _attest_path(app)
    response = client.post(attest, data=_attestation_data())
    assert response.status_code == 302 and response.headers["Location"] == "/attest/received"
    for _reload in range(2):
        receipt = client.get("/attest/received")
        html = receipt.data.decode()
        assert receipt.status_code == 200 and "intyget är mottaget" in html
        assert "Sara Exempelsson" in html and USED not in html
        # nothing from the application beyond the name the manager has just seen
        assert "sara@example.se" not in html and "SE2321000016-ABC1" not in html
    assert Application.query.one().state == "attested"


def test_attestation_receipt_without_an_attestation_shows_nothing(app, client):
    client.post("/apply", data=GOOD)  # the candidate's own session holds no attestation
    response = client.get("/attest/received")
    assert response.status_code == 302 and "/attest/" not in response.headers["Location"]


def test_attestation_form_asks_for_a_missing_date_and_accepts_one_with_spaces(app, client):
    client.post("/apply", data=GOOD)
    path = _attest_path(app)
    html = client.post(path, data=_attestation_data(attested_on="")).data.decode()
    assert "Ange datum för intyget." in html and "ÅÅÅÅ-MM-DD." not in html
    day = _attestation_data()["attested_on"]
    response = client.post(path, data=_attestation_data(attested_on=f" {day} "))
    assert response.status_code == 302
    assert Application.query.one().current_attestation.attested_on.isoformat() == day


def test_attestation_date_picker_offers_only_the_days_the_server_accepts(app, client):
    client.post("/apply", data=GOOD)
    html = client.get(_attest_path(app)).data.decode()
    earliest, latest = service.attestation_date_bounds(Application.query.one())
    date_input = re.search(r'<input[^>]*id="attested_on"[^>]*>', html).group(0)
    assert f'min="{earliest.isoformat()}"' in date_input
    assert f'max="{latest.isoformat()}"' in date_input


def test_attestation_error_summary_follows_the_form_and_joins_sentences_cleanly(app, client):
    client.post("/apply", data=GOOD)
    data = _attestation_data(attested_on="", manager_name="")
    del data["st_employment"]
    html = client.post(_attest_path(app), data=data).data.decode()
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links == ["st_employment", "manager_name", "attested_on"]
    assert ".:" not in summary
    assert "behöver rollen i sitt arbete. Bekräfta påståendet eller avbryt här." in summary
    assert "Ditt namn: Ange ditt namn." in summary


def test_approver_sees_the_message_with_its_line_breaks_and_statements_in_form_order(
    app, client, login_as
):
    from tests.foundation.test_enrolment_states import _attest

    row = _attest(service.submit_application(_input(message="rad1\nrad2 <b>")))
    login_as("approver")
    html = client.get(f"/team/applications/{row.id}").data.decode()
    assert '<dd class="multiline">rad1\nrad2 &lt;b&gt;</dd>' in html
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        expected = [str(t) for t in service.statements_for(row.role_sought).values()]
    shown = [text for text in expected if text in html]
    assert shown == expected
    assert sorted(html.index(text) for text in expected) == [html.index(t) for t in expected]
    css = (Path(app.static_folder) / "css" / "app.css").read_text()
    assert ".multiline { white-space: pre-line; }" in css


def test_the_pdf_link_is_offered_only_to_those_who_may_open_it(app, client, login_as):
    row = service.attest_by_upload(
        service.submit_application(_input()), io.BytesIO(VALID_PDF), "intyg.pdf"
    )
    link = f"/team/attestations/{row.current_attestation.id}/document"
    login_as("admin")
    html = client.get(f"/team/applications/{row.id}").data.decode()
    assert link not in html and "Bara godkännare kan öppna dokumentet." in html
    assert client.get(link).status_code == 403
    client.post("/logout")
    login_as("approver")
    html = client.get(f"/team/applications/{row.id}").data.decode()
    assert link in html and "Bara godkännare" not in html


@pytest.mark.parametrize(
    "query,expected",
    [
        ("q=%25", ["Tim 100% Test"]),
        ("q=_", ["Ulla_Understreck"]),
        ("organisation=%25", ["Tim 100% Test"]),
        ("organisation=_", []),
        ("q=sara", ["Sara Exempelsson"]),
        ("organisation=vård", ["Sara Exempelsson", "Ulla_Understreck"]),
    ],
)
def test_queue_search_takes_percent_and_underscore_literally(
    app, client, login_as, query, expected
):
    people = [
        ("Sara Exempelsson", "sara@example.se", "Vårdcentralen"),
        ("Tim 100% Test", "tim@example.se", "Enhet 100%"),
        ("Ulla_Understreck", "ulla@example.se", "Vårdcentralen"),
    ]
    for name, email, organisation in people:
        service.submit_application(_input(name=name, email=email, organisation=organisation))
    login_as("approver")
    html = client.get(f"/team/applications?{query}").data.decode()
    assert [name for name, _email, _org in people if name in html] == expected
