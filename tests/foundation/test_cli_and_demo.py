from __future__ import annotations

from sqlalchemy import func, select

from lms.auth.service import find_user
from lms.extensions import db
from lms.models import Application


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
