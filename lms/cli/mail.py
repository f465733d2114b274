from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.mail import retry_pending
from lms.models.mail import MailStatus

mail = AppGroup("mail", help="Outgoing mail.")


@mail.command("retry")
@click.option(
    "--all",
    "include_failed",
    is_flag=True,
    help="Also retry messages that were given up after too many attempts.",
)
def retry(include_failed: bool) -> None:
    """Send every message still waiting (safe to run from cron).

    A message that fails is recorded and reported; the others are still sent. The exit status
    is 1 if any message was not sent."""
    sent, not_sent = retry_pending(include_failed)
    for m in not_sent:
        gave_up = m.status == MailStatus.FAILED
        note = " Given up: `flask mail retry --all` tries again." if gave_up else ""
        click.echo(f"Mail {m.id} not sent: {m.last_error}.{note}", err=True)
    click.echo(f"Sent {sent}; still waiting {len(not_sent)}.")
    if not_sent:
        raise SystemExit(1)
