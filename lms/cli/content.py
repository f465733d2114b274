"""`flask content check`: validate the course content (and its links to sandbox exercises)."""

from __future__ import annotations

import io

import click
from flask import current_app
from flask.cli import AppGroup

from lms.course.content import run_check
from lms.course.store import catalog_path

content = AppGroup("content", help="The course content in content/.")


@content.command("check")
def check() -> None:
    """Print every problem as file:line: message; exit code 1 when there are errors."""
    out = io.StringIO()
    code = run_check(current_app.config["CONTENT_DIR"], out, catalog_path=catalog_path())
    click.echo(out.getvalue(), nl=False)
    raise SystemExit(code)
