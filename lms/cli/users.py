from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.auth.service import (
    AccountError,
    check_account_details,
    create_user,
    find_user,
    grant_role,
    password_problem,
)
from lms.extensions import db
from lms.models.user import Role

users = AppGroup("users", help="Manage accounts.")

ROLE_CHOICES = click.Choice([r.value for r in Role])


@users.command("create")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=ROLE_CHOICES,
    required=True,
    help="Role to grant; repeat for several.",
)
@click.option("--name", default=None, help="Display name (default: the part before @).")
@click.option("--password", default=None, help="Password; prompted for when omitted.")
def create(email: str, roles: tuple[str, ...], name: str | None, password: str | None) -> None:
    """Create an account, e.g. `users create --role approver anna@example.se`."""
    name = name if name is not None else email.strip().split("@")[0]
    try:
        # Before the password prompt, so a typo does not cost the operator a password twice.
        check_account_details(email, name)
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        if problem := password_problem(password):
            reasons = {"blank": "only whitespace", "too_short": "at least 12 characters"}
            raise click.BadParameter(reasons[problem], param_hint="--password")
        user = create_user(email, name, {Role(r) for r in roles}, password=password)
    except AccountError as exc:
        hint = {"email": "EMAIL", "name": "--name"}.get(exc.field or "")
        if hint:
            raise click.BadParameter(str(exc), param_hint=hint) from None
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Created {user.email} with roles {', '.join(sorted(roles))}.")


@users.command("grant")
@click.argument("email")
@click.option("--role", type=ROLE_CHOICES, required=True)
def grant(email: str, role: str) -> None:
    """Grant one more role to an existing account."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account with email {email}")
    if not grant_role(user, Role(role)):
        click.echo(f"{user.email} already has the role {role}; nothing changed.")
        return
    db.session.commit()
    click.echo(f"{user.email} now has roles {', '.join(sorted(r.value for r in user.roles))}.")
