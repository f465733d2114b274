from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.mail import retry_pending

mail = AppGroup("mail", help="Outgoing mail.")


@mail.command("retry")
@click.option(
    "--all",
    "include_failed",
    is_flag=True,
    help="Also retry messages that were given up after too many attempts.",
)
def retry(include_failed: bool) -> None:
    """Send every message still waiting (safe to run from cron)."""
    sent, waiting = retry_pending(include_failed)
    click.echo(f"Sent {sent}; still waiting {waiting}.")
    if waiting:
        raise SystemExit(1)
