"""The team's view of trainee progress (approvers): a sortable table and a CSV export.

CSV export (/team/progress.csv): UTF-8 with a byte order mark so that Excel shows å, ä, ö;
semicolon-separated (what Excel expects with Swedish settings). Columns, in order:

  name, email, organisation, lessons done, lessons in the course, minutes spent,
  last activity (Europe/Stockholm, YYYY-MM-DD HH:MM), then per part:
  "<part>: checkpoint right", "<part>: checkpoint answered", "<part>: complete" (ja/nej / yes/no),
  and finally "course complete".

Text cells that start with = + - @ (or a tab or carriage return) get a leading apostrophe, so a
spreadsheet never runs them as formulas.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _

from lms.auth.permissions import requires
from lms.course.store import get_store
from lms.course.team_report import SORT_KEYS, TraineeProgress, team_progress
from lms.csvexport import csv_bytes

bp = Blueprint("team_progress", __name__, url_prefix="/team")


def format_duration(seconds: int) -> str:
    hours, minutes = divmod(seconds // 60, 60)
    if hours:
        return _("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes)
    return _("%(minutes)d min", minutes=minutes)


def _sorting() -> tuple[str, bool]:
    sort = request.args.get("sort", "name")
    if sort not in SORT_KEYS:
        sort = "name"
    return sort, request.args.get("dir") == "desc"


@bp.route("/progress")
@requires("progress.view")
def overview():
    sort, descending = _sorting()
    return render_template(
        "team/progress.html",
        rows=team_progress(sort, descending),
        parts=get_store().course().parts,
        sort=sort,
        descending=descending,
        sort_keys=SORT_KEYS,
        format_duration=format_duration,
    )


def _local(value: datetime | None) -> str:
    if value is None:
        return ""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _csv_row(row: TraineeProgress, part_ids: list[str]) -> list[object]:
    yes, no = _("yes"), _("no")
    cells: list[object] = [
        row.name,
        row.email,
        row.organisation,
        row.lessons_done,
        row.lessons_total,
        round(row.seconds_spent / 60),
        _local(row.last_activity),
    ]
    for part_id in part_ids:
        result = row.checkpoints.get(part_id)
        cells += [
            result.right if result else 0,
            result.answered if result else 0,
            yes if part_id in row.parts_complete else no,
        ]
    cells.append(yes if set(part_ids) <= row.parts_complete else no)
    return cells


@bp.route("/progress.csv")
@requires("progress.view")
def export_csv() -> Response:
    sort, descending = _sorting()
    parts = get_store().course().parts
    header = [
        _("Name"),
        _("Email"),
        _("Organisation"),
        _("Lessons done"),
        _("Lessons in the course"),
        _("Minutes spent"),
        _("Last activity"),
    ]
    for part in parts:
        header += [
            _("%(part)s: checkpoint right", part=part.title),
            _("%(part)s: checkpoint answered", part=part.title),
            _("%(part)s: complete", part=part.title),
        ]
    header.append(_("Course complete"))
    part_ids = [part.id for part in parts]
    data = csv_bytes(header, (_csv_row(row, part_ids) for row in team_progress(sort, descending)))
    filename = f"kursframsteg-{datetime.now().date().isoformat()}.csv"  # noqa: DTZ005
    return Response(
        data,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
