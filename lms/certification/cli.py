"""`flask --app app certs ...`: the signing key, reminders, recertification, offline checks."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from lms.certification import reminders, service, signing

certs = AppGroup("certs", help="Certifications: signing key, reminders, recertification.")


@certs.command("init-key")
def init_key() -> None:
    """Create the platform's encrypted Ed25519 signing key (once; never overwrites)."""
    path = signing.key_path()
    created = signing.create_key(path)
    kid = signing.key_id()
    click.echo(f"{'created' if created else 'exists'}: {path} (key id {kid})")


@certs.command("public-key")
def public_key() -> None:
    """Print the public key (the same as /verify/public-key.pem)."""
    click.echo(signing.public_key_pem().decode(), nl=False)


@certs.command("remind")
def remind() -> None:
    """Send the reminders that are due (safe from cron: each one is sent once)."""
    sent = reminders.send_reminders()
    click.echo(f"{sent} reminder(s) sent")


@certs.command("require-recertification")
@click.option("--due", "due", required=True, help="Last day (YYYY-MM-DD) to pass again.")
@click.option(
    "--reason",
    default="The course or the knowledge test has changed.",
    show_default=True,
    help="Told to the holders in the mail.",
)
def require_recertification(due: str, reason: str) -> None:
    """Mark every current certification for recertification by --due."""
    try:
        due_date = date.fromisoformat(due)
        result = service.require_recertification(due_date, reason)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--due") from exc
    click.echo(f"{result.marked} certification(s) marked; the test reopened for {result.reopened}")
    if result.marked and result.reopened < result.marked:
        click.echo(
            "the quiz service cannot reopen the test yet: recorded in the audit log "
            "as certification.test_reopen_pending",
            err=True,
        )


@certs.command("verify-json")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="PEM file (default: this platform's key).",
)
def verify_json(file: Path, key_file: Path | None) -> None:
    """Check a downloaded signed record (exit 1 when the signature does not match)."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"not a JSON document: {exc}") from exc
    key = signing.load_public_key_pem(key_file.read_bytes()) if key_file else signing.public_key()
    if not isinstance(document, dict) or not signing.verify_document(document, key):
        click.echo("signature INVALID: the record was changed or not signed by this key", err=True)
        raise SystemExit(1)
    record = document["record"]
    click.echo(
        f"signature valid: {record.get('name')}, {record.get('role')}, code "
        f"{record.get('code')}, valid until {record.get('valid_until')}"
    )
