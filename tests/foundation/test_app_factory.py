"""Configuration layers, the secret-key guard, health check, headers and the locale switch."""

from __future__ import annotations

import pytest

from lms import ConfigError, create_app


def test_refuses_to_start_with_default_secret_key_outside_debug_and_testing(monkeypatch):
    monkeypatch.delenv("ACADEMY_SECRET_KEY", raising=False)
    monkeypatch.setattr("lms.PROJECT_ROOT", __import__("pathlib").Path("/nonexistent-root"))
    with pytest.raises(ConfigError):
        create_app({"SECRET_KEY": "change-me-dev-only", "TESTING": False, "DEBUG": False})


def test_environment_overrides_instance_file_which_overrides_defaults(tmp_path, monkeypatch):
    import lms

    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        'SECRET_KEY = "from-file"\nBASE_URL = "https://file.example"\nLOGIN_MAX_FAILURES = 7\n'
    )
    monkeypatch.setattr(lms, "PROJECT_ROOT", tmp_path)
    monkeypatch.delenv("ACADEMY_SECRET_KEY", raising=False)
    monkeypatch.setenv("ACADEMY_BASE_URL", "https://env.example")
    monkeypatch.setenv("ACADEMY_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["BASE_URL"] == "https://env.example"
    assert app.config["LOGIN_MAX_FAILURES"] == 7
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.db"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_postgres_urls_use_the_psycopg_driver(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql://u@h/db"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_gone(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from lms.extensions import db

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    assert client.get("/healthz").status_code == 503


def test_security_headers_on_every_page(client):
    headers = client.get("/apply").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_ui_is_swedish_by_default_and_switches_to_english(client):
    page = client.get("/apply").data.decode()
    assert '<html lang="sv">' in page and "Skicka ansökan" in page
    client.post("/locale/en", data={"next": "/apply"})
    page = client.get("/apply").data.decode()
    assert '<html lang="en">' in page and "Send the application" in page


def test_locale_switch_ignores_unknown_language_and_foreign_redirects(client):
    response = client.post("/locale/de", data={"next": "https://evil.example"})
    assert response.headers["Location"] == "/"
    assert '<html lang="sv">' in client.get("/").data.decode()


def test_base_layout_has_landmarks_and_skip_link(client):
    page = client.get("/").data.decode()
    for marker in (
        '<a class="skip-link" href="#main">',
        '<main id="main"',
        "<header",
        "<footer",
        "<nav aria-label=",
    ):
        assert marker in page
