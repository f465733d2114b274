"""Fixtures for the mock-CA tests: databases, a CA, card keys/CSRs, a live Flask app."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from sandbox.ca import CaBase, CaSettings, MockCa
from sandbox.ca.models import CA_TABLES_IN_DELETE_ORDER

from .helpers import (  # noqa: F401  (re-exported for fixtures)
    ANNA,
    DB_URLS,
    PASSPHRASE,
    EventRecorder,
    make_csr,
    make_settings,
    run,
)


@pytest.fixture(scope="session")
def card_keys() -> dict[str, object]:
    """Pre-generated person keys (key generation is the slow part of a test)."""
    return {
        "auth": ec.generate_private_key(ec.SECP256R1()),
        "sign": ec.generate_private_key(ec.SECP256R1()),
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }


@pytest.fixture(params=DB_URLS)
def engine(request, tmp_path):
    if request.param == "sqlite":
        eng = create_engine(f"sqlite:///{tmp_path / 'ca.db'}")
        CaBase.metadata.create_all(eng)
        yield eng
        eng.dispose()
        return
    eng = create_engine(os.environ["ACADEMY_TEST_POSTGRES_URL"])
    CaBase.metadata.create_all(eng)
    _wipe(eng)
    yield eng
    _wipe(eng)
    eng.dispose()


def _wipe(eng) -> None:
    tables = CaBase.metadata.tables
    with eng.begin() as conn:
        for name in CA_TABLES_IN_DELETE_ORDER:
            conn.execute(delete(tables[name]))


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


@pytest.fixture
def events() -> EventRecorder:
    return EventRecorder()


@pytest.fixture
def settings(tmp_path) -> CaSettings:
    return make_settings(tmp_path)


@pytest.fixture
def ca(settings, session, events) -> MockCa:
    """An initialised CA with P-256 keys (fast); interop tests use RSA too."""
    mock = MockCa(settings, on_event=events)
    mock.init_hierarchy(session)
    return mock


# --- live Flask app for HTTP and openssl tests ----------------------------------------


class LiveServer:
    def __init__(self, app, server, thread) -> None:
        self.app, self.server, self.thread = app, server, thread
        self.url = f"http://127.0.0.1:{server.server_port}"

    def ca(self) -> MockCa:
        from sandbox.console.ca_routes import get_ca

        with self.app.app_context():
            return get_ca()


def build_app(tmp_path: Path, key_type: str = "rsa2048"):
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy

    from sandbox.console.ca_cli import ca_cli
    from sandbox.console.ca_routes import bp

    app = Flask("ca_test_app", instance_path=str(tmp_path / "instance"))
    app.config.update(
        TESTING=True,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'app.db'}",
        CA_PASSPHRASE=PASSPHRASE.decode(),
        CA_KEY_TYPE=key_type,
        BASE_URL="http://127.0.0.1:5000",
    )
    db = SQLAlchemy()
    db.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(ca_cli)
    with app.app_context():
        CaBase.metadata.create_all(db.engine)
    return app


def install_ca(app, recorder: EventRecorder) -> MockCa:
    """Pre-seed the app's MockCa with a recording audit callback (the test app has no lms
    database for `lms.audit.record_event`; the adapter has its own test)."""
    from sandbox.ca import settings_from_mapping
    from sandbox.console.ca_routes import EXTENSION_KEY

    ca = MockCa(settings_from_mapping(app.config, app.instance_path), on_event=recorder)
    app.extensions[EXTENSION_KEY] = ca
    return ca


@pytest.fixture
def app(tmp_path, events):
    app = build_app(tmp_path, key_type="p256")
    install_ca(app, events)
    return app


@pytest.fixture
def live_server(tmp_path, events) -> Iterator[LiveServer]:
    """RSA CA served on a free port; BASE_URL points at it so CDP/AIA URLs work."""
    from werkzeug.serving import make_server

    app = build_app(tmp_path, key_type="rsa2048")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    install_ca(app, events)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live = LiveServer(app, server, thread)
    with app.app_context():
        from sandbox.console.ca_routes import db_session, get_ca

        get_ca().init_hierarchy(db_session())
    yield live
    server.shutdown()
    thread.join(timeout=10)
