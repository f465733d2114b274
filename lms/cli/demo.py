from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo

demo = AppGroup("demo", help="Demo data.")


@demo.command("seed")
def seed() -> None:
    """Create the demo accounts and one application in each state (safe to run again)."""
    created = seed_demo()
    for line in created:
        click.echo(f"created {line}")
    if not created:
        click.echo("demo data already present")


@demo.command("logins")
def logins() -> None:
    """Print the demo logins."""
    for login in DEMO_LOGINS:
        roles = ", ".join(r.value for r in login.roles)
        click.echo(f"  {login.email:<26} {DEMO_PASSWORD}   ({roles})")
