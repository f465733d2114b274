"""Every id on a page is unique (WCAG 2.1 SC 4.1.1: a label or aria reference must point at one
element), with the base layout's own forms on every page. CSRF is on here, as in production:
its hidden fields are what used to repeat id="csrf_token"."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                self.ids[value] += 1


def duplicate_ids(page: str) -> list[str]:
    parser = _Ids()
    parser.feed(page)
    return sorted(id_ for id_, count in parser.ids.items() if count > 1)


def _token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page)[1]


@pytest.mark.parametrize(
    ("roles", "paths"),
    [
        ((), ["/", "/login", "/apply"]),
        (("trainee",), ["/", "/course/", "/test/", "/test/attempt"]),
        (("approver", "admin"), ["/team/applications", "/team/test/extra-time"]),
    ],
)
def test_no_page_has_an_id_twice(client, make_user, monkeypatch, roles, paths):
    from lms.quiz import service

    monkeypatch.setattr(service, "course_parts_complete", lambda user: True)
    if roles:
        make_user("someone@example.se", *roles)
        data = {"email": "someone@example.se", "password": PASSWORD, "csrf_token": _token(client)}
        assert client.post("/login", data=data).status_code == 302
    if "/test/attempt" in paths:
        client.post("/test/start", data={"csrf_token": _token(client, "/test/")})
    for path in paths:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        assert 'name="csrf_token"' in response.get_data(as_text=True), path
        assert duplicate_ids(response.get_data(as_text=True)) == [], path
    if "/test/attempt" in paths:  # the page with a form per question was really checked
        assert 'id="q30"' in response.get_data(as_text=True)


def test_the_language_switch_still_sends_a_working_csrf_token(client):
    page = client.get("/").get_data(as_text=True)
    form = page[page.index('action="/locale/en"') : page.index("</form>", page.index("/locale/en"))]
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', form)[1]
    client.post("/locale/en", data={"csrf_token": token, "next": "/"})
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)
