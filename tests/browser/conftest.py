"""A live server and a Playwright page for the browser journeys (marked `browser`).

`live_server` serves a fresh app on 127.0.0.1:<free port> from a file SQLite database migrated
with the Alembic migrations; it is the base URL (a str; `.url` gives the same) and carries the
app as `live_server.app`. `page` is a Playwright page in a fresh browser context, driving
Debian's Chromium.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from lms import create_app
from lms.extensions import db
from tests.conftest import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


class LiveServer(str):
    """The base URL of the running app, e.g. 'http://127.0.0.1:50123'."""

    app: Flask

    def __new__(cls, url: str, app: Flask) -> LiveServer:
        server = super().__new__(cls, url)
        server.app = app
        return server

    @property
    def url(self) -> str:
        return str(self)


def live_app_config(tmp_path: Path, base_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,  # also opens /dev/outbox for the journeys that read mail
        "SECRET_KEY": "browser-test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}",
        "MAIL_BACKEND": "outbox",
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "BASE_URL": base_url,
        "SERVER_NAME": None,
    }


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    from flask_migrate import upgrade

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app = create_app(live_app_config(tmp_path, base_url))
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(base_url, app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def sign_in(page, base: str, email: str, password: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(base + "/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator[Any]:
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()
