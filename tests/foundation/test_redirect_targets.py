"""Where sign-in and the language switch send the browser: only to local pages that open with
GET (a POST-only URL would end in 405 Method Not Allowed), never off the site."""

from __future__ import annotations

import io
import re

import pytest

from tests.conftest import PASSWORD
from tests.foundation.test_forms_and_uploads import GOOD, _status_path


def _sign_in(client, next_path: str):
    return client.post(
        "/login",
        query_string={"next": next_path},
        data={"email": "greta@example.se", "password": PASSWORD},
    )


@pytest.mark.parametrize(
    ("wanted", "landing"),
    [
        ("/team/candidates/8", "/team/candidates/8"),  # a page: kept
        ("/team/candidates/8/approve", "/team/candidates/8"),  # an action: its page
        ("/team/applications?state=attested", "/team/applications?state=attested"),
        ("/logout", "/"),  # POST-only, and its parent is the start page
        ("/no/such/page/at/all", "/team/applications"),  # nothing there: the home page
        ("https://evil.example/team/candidates/8", "/team/applications"),
        ("/\t/evil.example", "/team/applications"),  # browsers drop the tab: "//evil.example"
        ("/team?a\r\nSet-Cookie: x=1", "/team/applications"),  # a CR/LF broke the header: 500
    ],
)
def test_sign_in_goes_to_the_page_wanted_only_if_a_get_opens_it(client, make_user, wanted, landing):
    make_user("greta@example.se", "approver")
    response = _sign_in(client, wanted)
    assert response.status_code == 302 and response.headers["Location"] == landing


def test_an_action_whose_session_ran_out_leads_to_its_page_after_sign_in(client, make_user):
    make_user("greta@example.se", "approver")
    sent_away = client.post("/team/candidates/8/approve")
    assert sent_away.status_code == 302
    login_url = sent_away.headers["Location"]
    assert "next=" in login_url
    response = client.post(login_url, data={"email": "greta@example.se", "password": PASSWORD})
    assert response.headers["Location"] == "/team/candidates/8"
    assert client.get(response.headers["Location"]).status_code != 405


def test_language_switch_on_an_upload_error_page_returns_to_the_application_page(app, client):
    client.post("/apply", data=GOOD)
    path = _status_path(app)
    error_page = client.post(
        path + "/upload",
        data={"document": (io.BytesIO(b"just some text"), "intyg.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    next_value = re.search(r'name="next" value="([^"]*)"', error_page)[1]
    assert next_value.endswith("/upload")  # the page the button is on: POST only
    response = client.post(
        "/locale/en",
        data={"next": next_value},
        headers={"Referer": f"http://localhost{path}/upload"},
    )
    assert response.headers["Location"] == path
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("wanted", "referrer", "landing"),
    [
        ("/apply", None, "/apply"),
        ("/apply?x=1", "http://localhost/login", "/apply?x=1"),
        ("/logout", "http://localhost/apply", "/"),  # the page above /logout is "/"
        ("/no/such/page/at/all", "http://localhost/apply", "/apply"),  # the referring page
        ("/no/such/page/at/all", "https://evil.example/apply", "/"),
        ("https://evil.example/", None, "/"),
    ],
)
def test_language_switch_returns_to_a_page_that_opens_with_get(client, wanted, referrer, landing):
    headers = {"Referer": referrer} if referrer else {}
    response = client.post("/locale/en", data={"next": wanted}, headers=headers)
    assert response.headers["Location"] == landing
