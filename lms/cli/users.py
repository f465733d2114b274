from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.auth.service import AccountError, create_user, find_user, password_problem
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
    if "@" not in email:
        raise click.BadParameter("not an email address", param_hint="EMAIL")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if password_problem(password):
        raise click.BadParameter("at least 12 characters", param_hint="--password")
    try:
        user = create_user(
            email, name or email.split("@")[0], {Role(r) for r in roles}, password=password
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
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
    user.grant(Role(role))
    db.session.commit()
    click.echo(f"{user.email} now has roles {', '.join(sorted(r.value for r in user.roles))}.")
