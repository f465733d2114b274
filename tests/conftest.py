"""Shared fixtures: the app on every configured database, clients, users, SMTP server.

Every test that asks for `app` runs on SQLite and, when ACADEMY_TEST_POSTGRES_URL is set
(.ci/run sets it), on PostgreSQL too. The schema is built once per backend by the Alembic
migrations (never create_all); each test then starts from an empty, migrated database.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms import create_app
from lms.extensions import db

PG_URL = os.environ.get("ACADEMY_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
PASSWORD = "correct horse battery"  # noqa: S105 - test accounts only


def base_config(tmp_path: Path, database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "MAIL_BACKEND": "outbox",
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
    }


def _migrate(database_url: str, tmp_path: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(base_config(tmp_path, database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    _migrate(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory) -> Iterator[str]:
    """A database of its own for this test session, migrated once and dropped at the end."""
    assert PG_URL
    url = make_url(PG_URL).set(drivername="postgresql+psycopg")
    name = f"academy_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    test_url = url.set(database=name).render_as_string(hide_password=False)
    _migrate(test_url, tmp_path_factory.mktemp("pg"))
    yield test_url
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _truncate_all(app: Flask) -> None:
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables if t.name != "audit_chain_head"]
        from lms.migration_metadata import extra_metadata

        for md in extra_metadata():
            tables += [t.name for t in md.sorted_tables]
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            conn.execute(
                text("UPDATE audit_chain_head SET seq = 0, last_hash = :g"), {"g": "0" * 64}
            )
        db.engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, tmp_path, request) -> str:
    if backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app_config(tmp_path, database_url) -> dict:
    """Override in a test module (or update it in a test) to change the app's settings."""
    return base_config(tmp_path, database_url)


@pytest.fixture
def app(app_config, backend) -> Iterator[Flask]:
    application = create_app(app_config)
    ctx = application.app_context()
    ctx.push()
    yield application
    db.session.remove()
    ctx.pop()
    if backend == "postgresql":
        _truncate_all(application)
    else:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    from lms.auth.service import create_user
    from lms.models.user import Role

    def make(email: str = "user@example.se", *roles: str, password: str = PASSWORD, name=None):
        user = create_user(
            email,
            name or email.split("@")[0],
            {Role(r) for r in (roles or ("trainee",))},
            password=password,
        )
        db.session.commit()
        return user

    return make


def login(client: FlaskClient, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def login_as(client, make_user):
    """Sign in a new user holding `roles` (none → anonymous); returns the user or None."""

    def do(*roles: str):
        if not roles:
            return None
        email = f"{'-'.join(roles)}-{uuid.uuid4().hex[:6]}@example.se"
        user = make_user(email, *roles)
        response = login(client, email)
        assert response.status_code == 302, response.data
        return user

    return do


def outbox_messages(app: Flask) -> list:
    from sqlalchemy import select

    from lms.models.mail import OutgoingMail

    return db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()


def link_in(body: str, path_prefix: str) -> str:
    """The path of the first link in a mail body that starts with `path_prefix`."""
    match = re.search(re.escape("http://localhost" + path_prefix) + r"[^\s]+", body)
    assert match, f"no {path_prefix} link in:\n{body}"
    return match.group(0).removeprefix("http://localhost")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pcsc(tmp_path_factory):
    """pcscd (started here unless one already runs) plus a card service with two readers.

    One per session for every @pytest.mark.pcsc test (tests/card, tests/sandbox): the readers
    and vpcd's ports belong to the machine, so two card services must never run at once.
    """
    from tests.card.pcsc_harness import PcscHarness

    harness = PcscHarness(tmp_path_factory.mktemp("pcsc"))
    try:
        harness.start()
        yield harness
    finally:
        harness.stop()


@dataclass
class CollectingSMTP:
    """A real SMTP server on localhost (aiosmtpd) that keeps what it receives."""

    host: str = "127.0.0.1"
    port: int = 0
    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[CollectingSMTP]:
    from aiosmtpd.controller import Controller

    handler = CollectingSMTP(port=free_port())
    controller = Controller(handler, hostname=handler.host, port=handler.port)
    controller.start()
    yield handler
    controller.stop()
