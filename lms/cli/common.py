"""What every command shares: the date option type, one-line errors for files named on the
command line and for the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any

import click
from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from lms.datefilter import iso_day
from lms.textfiles import NotUtf8Error, read_utf8

UPGRADE_HINT = "run `flask --app app db upgrade`"


class IsoDate(click.ParamType):
    """A calendar date written YYYY-MM-DD, and nothing else (see `iso_day`)."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return iso_day(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date written YYYY-MM-DD, e.g. 2026-12-31", param, ctx)


ISO_DATE = IsoDate()


def read_text_argument(path: Path) -> str:
    """A file named on the command line as text; a one-line error when it is not UTF-8."""
    try:
        return read_utf8(path)
    except NotUtf8Error as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror or exc}") from None


class CannotUse(click.ClickException):
    """`Error: <message>` for an argument the command cannot use (a bank that does not exist, a
    file it would overwrite): exit status 2, as click gives for a bad option."""

    exit_code = 2


def write_text_output(path: Path, text: str) -> None:
    """Write a file named on the command line, making its folder; a one-line error when the
    folder or the file cannot be made (a file where a folder should be, a read-only place)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None


def schema_problem() -> str | None:
    """Why the database's schema is not the one the code needs, or None when it is."""
    from alembic.script import ScriptDirectory

    from lms.extensions import db

    wanted = set(ScriptDirectory(current_app.extensions["migrate"].directory).get_heads())
    # Read alembic's table directly: its MigrationContext logs at INFO on every use.
    with db.engine.connect() as connection:
        current = set()
        if inspect(connection).has_table("alembic_version"):
            current = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
    if not current:
        return f"the database is not prepared: {UPGRADE_HINT}"
    if current != wanted:
        return f"the database is not up to date with this version: {UPGRADE_HINT}"
    return None


def _database_error(exc: DBAPIError) -> click.ClickException:
    from lms.extensions import db

    if "migrate" not in current_app.extensions:
        raise exc  # a command group reused in another app (the CA's tests): not our schema
    db.session.rollback()
    try:
        problem = schema_problem()
    except SQLAlchemyError as unreachable:
        # Not even the migration table can be read: the database itself is the problem.
        reason = str(getattr(unreachable, "orig", unreachable)).strip().splitlines()[0]
        return click.ClickException(f"cannot use the database: {reason}")
    if problem is None:
        raise exc  # the schema is right: a real bug, keep its traceback
    return click.ClickException(problem)


def one_line_database_errors(callback: Callable[..., Any]) -> Callable[..., Any]:
    """A database that was never migrated (or is behind) gives the fix, not a traceback."""

    @wraps(callback)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except DBAPIError as exc:
            raise _database_error(exc) from None

    wrapper.guards_database = True  # type: ignore[attr-defined]
    return wrapper


def guard_database(command: click.Command) -> None:
    """Apply one_line_database_errors to the command and, for a group, to all its commands.
    The groups are module-level objects shared by every app made in a process: wrap once."""
    if command.callback is not None and not getattr(command.callback, "guards_database", False):
        command.callback = one_line_database_errors(command.callback)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            guard_database(sub)
