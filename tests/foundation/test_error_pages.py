"""Error pages: a Swedish (or English) title and hint for every status the app answers with,
in the shared layout; the 500 page is shown even when the layout itself cannot be rendered."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from werkzeug.exceptions import abort

from lms.errors import ERROR_TEXTS

STATUSES = [400, 401, 403, 404, 405, 409, 410, 413, 422, 429, 500, 503]


@pytest.fixture
def failing_routes(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # let the handlers answer, as in production

    @app.get("/test-only/abort/<int:code>")
    def _abort(code: int):
        abort(code)

    @app.get("/test-only/crash")
    def _crash():
        raise RuntimeError("boom")

    return app


def test_every_status_the_app_answers_with_has_a_title_and_a_hint():
    assert sorted(ERROR_TEXTS) == STATUSES


@pytest.mark.parametrize("code", STATUSES)
def test_error_pages_are_in_swedish_in_the_shared_layout(client, failing_routes, code):
    response = client.get(f"/test-only/abort/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == code
    title, hint = ERROR_TEXTS[code]
    with failing_routes.test_request_context(), force_locale("sv"):
        title_sv, hint_sv = str(title), str(hint)
    with failing_routes.test_request_context(), force_locale("en"):
        assert str(title) != title_sv  # translated, not Werkzeug's or our English words
    assert f"<h1>{title_sv}</h1>" in page and hint_sv in page
    assert '<html lang="sv">' in page and 'class="skip-link"' in page  # base.html


def test_werkzeug_english_names_are_not_shown_in_the_swedish_interface(client, failing_routes):
    page = client.post("/test/").get_data(as_text=True)  # GET-only: 405
    assert "Method Not Allowed" not in page and "Sidan kan inte öppnas på det här sättet" in page
    crash = client.get("/test-only/crash")
    assert crash.status_code == 500
    assert "Internal Server Error" not in crash.get_data(as_text=True)
    assert "Något gick fel" in crash.get_data(as_text=True)


def test_error_pages_follow_the_english_interface(client, failing_routes):
    client.post("/locale/en", data={"next": "/"})
    page = client.get("/test-only/abort/405").get_data(as_text=True)
    assert "<h1>The page cannot be opened like this</h1>" in page


def test_the_500_page_is_shown_even_when_the_layout_fails(client, failing_routes, monkeypatch):
    import lms.errors

    def broken(*args, **kwargs):
        raise RuntimeError("the database is gone too")

    monkeypatch.setattr(lms.errors, "render_template", broken)
    monkeypatch.setattr(lms.errors.db.session, "rollback", broken)
    response = client.get("/test-only/crash")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert '<html lang="sv">' in page and "Något gick fel" in page


def test_the_500_page_is_shown_when_loading_the_signed_in_user_fails(
    client, failing_routes, login_as, monkeypatch
):
    login_as("trainee")
    import lms

    def broken(user_id):
        raise RuntimeError("no database")

    monkeypatch.setattr(lms.login_manager, "_user_callback", broken)
    response = client.get("/test-only/crash")
    assert response.status_code == 500 and "Något gick fel" in response.get_data(as_text=True)


def test_a_405_page_keeps_the_allow_header(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_an_unlisted_client_error_gets_a_client_error_text_not_the_500_one(client, failing_routes):
    response = client.get("/test-only/abort/415")
    assert response.status_code == 415
    html = response.get_data(as_text=True)
    assert "Ett fel uppstod hos oss" not in html and "Något i begäran var fel" in html
