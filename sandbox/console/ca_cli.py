"""`flask ca ...`: instructor and test commands for the mock CA (register `ca_cli`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack
from functools import wraps
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from sandbox.ca import PROFILES, CaError, Person, certificate_pem
from sandbox.ca.timeutil import as_utc, parse_serial
from sandbox.console.ca_routes import db_session, get_ca

ca_cli = AppGroup("ca", help="Mock certificate authority (test SITHS hierarchy).")


def one_line_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn CA and file errors into `Error: <message>` with exit status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CaError as exc:
            db_session().rollback()
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(f"{exc.strerror or exc}: {exc.filename}") from None

    return wrapper


class PendingFile:
    """An output file opened before the work it is for, so a missing or read-only folder fails
    first. The data goes to a temporary file beside the target, renamed over it only when
    written in full; otherwise the temporary file is removed (no empty or half file is left)."""

    def __init__(self, target: Path) -> None:
        if not target.parent.is_dir():
            raise click.ClickException(f"cannot write {target}: the folder does not exist")
        self.target = target
        self.temporary = target.with_name(f".{target.name}.tmp")
        try:
            self._fd: int | None = os.open(
                self.temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666
            )
        except OSError as exc:
            raise click.ClickException(f"cannot write {target}: {exc.strerror or exc}") from None

    def commit(self, data: bytes) -> None:
        try:
            with os.fdopen(self._take_fd(), "wb") as handle:
                handle.write(data)
            os.replace(self.temporary, self.target)
        finally:
            self.discard()

    def discard(self) -> None:
        fd = self._take_fd()
        if fd is not None:
            os.close(fd)
        self.temporary.unlink(missing_ok=True)

    def _take_fd(self) -> int | None:
        fd, self._fd = self._fd, None
        return fd

    def __enter__(self) -> PendingFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.discard()


@ca_cli.command("init")
@click.option("--force", is_flag=True, help="Replace an existing CA and discard its records.")
@one_line_errors
def init_command(force: bool) -> None:
    """Create the test root CA, issuing CAs and OCSP responders."""
    created = get_ca().init_hierarchy(db_session(), force=force)
    for authority in created:
        click.echo(f"{authority.kind:8} {authority.slug:14} {authority.subject}")
    click.echo(f"keys encrypted under {get_ca().keys.key_dir}")


@ca_cli.command("profiles")
def profiles_command() -> None:
    """List the certificate profiles."""
    settings = get_ca().settings
    for profile in PROFILES.values():
        days = profile.default_validity_days(settings)
        click.echo(
            f"{profile.name:18} LoA{profile.loa} {profile.usage:4} issuer={profile.issuer_slug:9}"
            f" validity<={days}d  reasons={','.join(profile.allowed_reasons())}"
        )
        click.echo(f"{'':18} {profile.description}")


@ca_cli.command("certs")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@one_line_errors
def certs_command(out_dir: Path) -> None:
    """Write the root and issuing CA certificates as PEM files into DIR."""
    ca, session = get_ca(), db_session()
    authorities = [a for a in ca.authorities(session) if a.kind in ("root", "issuing")]
    if not authorities:
        raise click.ClickException("no CA yet; run `flask ca init` first")
    out_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        # Every file is opened first: an unwritable folder writes none of them.
        pending = [
            (stack.enter_context(PendingFile(out_dir / f"{a.slug}.pem")), a) for a in authorities
        ]
        for output, authority in pending:
            output.commit(ca.ca_certificate_pem(session, authority.slug))
            click.echo(str(output.target))


@ca_cli.command("issue")
@click.option("--csr", "csr_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--profile", required=True, help="See `flask ca profiles`.")
@click.option("--hsa-id", required=True)
@click.option("--given-name", required=True)
@click.option("--surname", required=True)
@click.option("--card-number", required=True)
@click.option("--organisation", default=None, help="Subject O (default CA_ORGANISATION).")
@click.option("--validity-days", type=int, default=None, help="Shorter than the profile's.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path))
@one_line_errors
def issue_command(
    csr_file: Path,
    profile: str,
    hsa_id: str,
    given_name: str,
    surname: str,
    card_number: str,
    organisation: str | None,
    validity_days: int | None,
    out_file: Path | None,
) -> None:
    """Issue one person certificate from a CSR and write it as PEM."""
    person = Person(hsa_id, given_name, surname, card_number, organisation=organisation)
    csr = csr_file.read_bytes()
    with ExitStack() as stack:
        # Opened before issuing: an issued certificate that cannot be written is lost to its
        # holder (it is in `ca list` all the same).
        output = stack.enter_context(PendingFile(out_file)) if out_file else None
        row = get_ca().issue(db_session(), csr, profile, person, validity_days=validity_days)
        pem = certificate_pem(row)
        if output is None:
            click.echo(pem.decode("ascii"), nl=False)
        else:
            try:
                output.commit(pem)
            except OSError as exc:
                click.echo(pem.decode("ascii"), nl=False)
                raise click.ClickException(
                    f"issued serial {row.serial}, but writing {out_file} failed "
                    f"({exc.strerror or exc}); the certificate is printed above"
                ) from None
    click.echo(f"issued serial {row.serial} ({row.profile})", err=True)


@ca_cli.command("list")
@click.option("--hsa-id", default=None)
@click.option("--card-number", default=None)
@one_line_errors
def list_command(hsa_id: str | None, card_number: str | None) -> None:
    """List issued certificates."""
    rows = get_ca().certificates(db_session(), hsa_id=hsa_id, card_number=card_number)
    for row in rows:
        reason = f" ({row.revocation.reason})" if row.revocation else ""
        click.echo(
            f"{row.serial:40} {row.profile:18} {row.status}{reason:22} {row.hsa_id:20} "
            f"{row.card_number:20} {as_utc(row.not_after):%Y-%m-%d}"
        )
    click.echo(f"{len(rows)} certificate(s)", err=True)


@ca_cli.command("revoke")
@click.argument("serial")
@click.option("--reason", required=True, help="RFC 5280 reason, e.g. keyCompromise.")
@one_line_errors
def revoke_command(serial: str, reason: str) -> None:
    """Revoke a certificate (final). SERIAL is hexadecimal as `ca list` shows it."""
    try:
        normalised = parse_serial(serial)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    revocation = get_ca().revoke(db_session(), normalised, reason)
    click.echo(f"revoked {normalised} ({revocation.reason}); CRL regenerated")


@ca_cli.command("crl")
@click.option("--if-due", is_flag=True, help="Only CRLs whose next update is near (cron).")
@one_line_errors
def crl_command(if_due: bool) -> None:
    """Regenerate the CRLs of the root and issuing CAs."""
    ca, session = get_ca(), db_session()
    if if_due:
        for slug in ca.refresh_crls_if_due(session):
            click.echo(f"refreshed {slug}")
        return
    for state in ca.generate_all_crls(session):
        click.echo(
            f"CRL #{state.crl_number} for CA id {state.issuer_id}, "
            f"next update {as_utc(state.next_update):%Y-%m-%d %H:%M}Z"
        )
