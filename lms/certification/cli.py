"""`flask --app app certs ...`: the signing key, reminders, recertification, offline checks."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from lms.certification import reminders, service, signing
from lms.cli.common import ISO_DATE, read_text_argument

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
@click.option("--due", "due", type=ISO_DATE, required=True, help="Last day to pass again.")
@click.option(
    "--reason",
    default=None,
    help="Told to the holders in the mail, as written (default: a general sentence in each "
    "holder's language that the course or the test has changed).",
)
def require_recertification(due: date, reason: str | None) -> None:
    """Mark every current certification for recertification by --due."""
    try:
        result = service.require_recertification(due, reason)
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
        document = json.loads(read_text_argument(file))
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{file}: not a JSON document: {exc}") from None
    try:
        if key_file is None:
            key = signing.public_key()
        else:
            key = signing.load_public_key_pem(key_file.read_bytes())
    except signing.SigningKeyError as exc:
        # The platform key's errors name their file; a given file's errors start with "is".
        raise click.ClickException(f"{key_file} {exc}" if key_file else str(exc)) from None
    if not isinstance(document, dict) or not signing.verify_document(document, key):
        click.echo("signature INVALID: the record was changed or not signed by this key", err=True)
        raise SystemExit(1)
    record = document["record"]
    click.echo(
        f"signature valid: {record.get('name')}, {record.get('role')}, code "
        f"{record.get('code')}, valid until {record.get('valid_until')}"
    )
