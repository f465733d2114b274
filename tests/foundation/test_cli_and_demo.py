from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select, text

from lms.auth.service import find_user
from lms.extensions import db
from lms.models import Application
from lms.models.audit import AuditEvent
from lms.models.user import User


def test_users_create_makes_an_approver(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "approver",
            "--password",
            "a long enough secret",
            "anna@example.se",
        ]
    )
    assert result.exit_code == 0, result.output
    assert {r.value for r in find_user("anna@example.se").roles} == {"approver"}


def test_users_create_rejects_bad_input_clearly(runner):
    bad_email = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "approver",
            "--password",
            "a long enough secret",
            "not-an-email",
        ]
    )
    assert bad_email.exit_code == 2 and "not an email address" in bad_email.output
    bad_role = runner.invoke(args=["users", "create", "--role", "boss", "x@example.se"])
    assert bad_role.exit_code == 2 and "boss" in bad_role.output
    short = runner.invoke(
        args=["users", "create", "--role", "trainee", "--password", "short", "x@example.se"]
    )
    assert short.exit_code == 2 and "12 characters" in short.output


def test_users_create_refuses_duplicate(runner):
    args = [
        "users",
        "create",
        "--role",
        "admin",
        "--password",
        "a long enough secret",
        "dup@example.se",
    ]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 1 and "already exists" in again.output


def test_demo_seed_creates_one_application_per_state_and_is_idempotent(runner):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    states = dict(
        db.session.execute(
            select(Application.state, func.count()).group_by(Application.state)
        ).all()
    )
    assert states == {
        s: 1
        for s in (
            "submitted",
            "awaiting_attestation",
            "attested",
            "approved",
            "rejected",
            "withdrawn",
        )
    }
    second = runner.invoke(args=["demo", "seed"])
    assert "already present" in second.output
    assert db.session.scalar(select(func.count(Application.id))) == 6
    for email in ("admin@example.se", "godkannare@example.se", "elev@example.se"):
        assert find_user(email) is not None


def _create(runner, email, *extra):
    args = ["users", "create", "--role", "trainee", "--password", "a long enough secret"]
    return runner.invoke(args=[*args, *extra, email])


@pytest.mark.parametrize(
    ("email", "extra", "message"),
    [
        ("@", (), "not an email address"),
        ("a@", (), "not an email address"),
        ("anna@example", (), "not an email address"),
        ("a" * 300 + "@example.se", (), "longer than 254 characters"),
        ("anna@example.se", ("--name", "A" * 201), "longer than 200 characters"),
        ("anna@example.se", ("--name", "   "), "the name is empty"),
        ("anna@example.se", ("--name", "Anna\x1b[31m"), "control characters"),
    ],
)
def test_users_create_refuses_what_does_not_fit_an_account(runner, email, extra, message):
    result = _create(runner, email, *extra)
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_users_create_checks_the_address_before_asking_for_a_password(runner):
    result = runner.invoke(args=["users", "create", "--role", "trainee", "a@"], input="")
    assert result.exit_code == 2 and "not an email address" in result.output
    assert "Password" not in result.output


def test_users_create_stores_the_name_trimmed(runner):
    assert _create(runner, "Bo@Example.se", "--name", "  Bo Ek ").exit_code == 0
    assert find_user("bo@example.se").name == "Bo Ek"


def test_users_grant_is_in_the_audit_log_once(runner, make_user):
    user = make_user("elev@example.se", "trainee")
    result = runner.invoke(args=["users", "grant", "--role", "admin", "elev@example.se"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["users", "grant", "--role", "admin", "elev@example.se"])
    assert again.exit_code == 0 and "already has the role admin" in again.output
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.role_granted")
    ).all()
    assert (event.target_type, event.target_id) == ("user", str(user.id))
    assert event.details == {"role": "admin"} and event.actor_label == "system"
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["audit", "verify"],
        ["users", "grant", "--role", "admin", "elev@example.se"],
        ["users", "create", "--role", "trainee", "--password", "a long enough secret", "a@b.se"],
        ["demo", "seed"],
        ["mail", "retry"],
        ["quiz", "expire"],
        ["certs", "remind"],
        ["ca", "list"],
    ],
)
def test_commands_on_an_unmigrated_database_say_to_run_db_upgrade(tmp_path, args):
    from lms import create_app
    from tests.conftest import base_config

    config = base_config(tmp_path, f"sqlite:///{tmp_path / 'empty.db'}")
    config["CA_PASSPHRASE"] = "a passphrase for the test CA"
    app = create_app(config)
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [
        "Error: the database is not prepared: run `flask --app app db upgrade`"
    ]


def test_commands_on_a_database_behind_the_code_say_to_run_db_upgrade(tmp_path, sqlite_template):
    # A copy of its own (SQLite only): the shared PostgreSQL database must keep its tables.
    from lms import create_app
    from tests.conftest import base_config

    path = tmp_path / "old.db"
    shutil.copy(sqlite_template, path)
    app = create_app(base_config(tmp_path, f"sqlite:///{path}"))
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'old'"))
        connection.execute(text("DROP TABLE audit_events"))
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: the database is not up to date with this version: run `flask --app app db upgrade`"
    ]


@pytest.mark.parametrize("password", [" " * 12, "\t" * 14, " " * 3])
def test_users_create_refuses_a_password_of_only_whitespace(runner, password):
    result = runner.invoke(
        args=["users", "create", "--role", "trainee", "--password", password, "x@example.se"]
    )
    assert result.exit_code == 2 and "only whitespace" in result.output
    assert "Created" not in result.output
