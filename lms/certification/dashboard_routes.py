"""The team dashboard (/team/dashboard) and its CSV exports (/team/dashboard/<table>.csv).

Each export takes the same filters as the page and holds the same rows as the page's table
(see lms.csvexport for the CSV dialect and the formula-injection guard).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.auth.permissions import requires
from lms.certification.dashboard import FUNNEL_STEPS, Dashboard, Filters, bar_chart, build_dashboard
from lms.csvexport import csv_bytes
from lms.datefilter import date_arg, invalid_filter_page
from lms.enrolment.statements import ROLE_LABELS
from lms.numbers import format_number

bp = Blueprint("dashboard", __name__, url_prefix="/team/dashboard")

STEP_LABELS = {
    "applied": _l("Applied"),
    "attested": _l("Attested"),
    "approved": _l("Approved"),
    "course_started": _l("Course started"),
    "part1_done": _l("Part 1 done"),
    "part2_done": _l("Part 2 done"),
    "passed": _l("Passed the test"),
    "certified": _l("Certified"),
}
# The date fields' labels, on the page and in the CSV export's error.
DATE_LABELS = {"from": _l("Applications from"), "to": _l("Applications to")}
TABLES = ("funnel", "organisations", "outcomes", "expiring")


def _filters() -> tuple[Filters, dict[str, str]]:
    """The page's filters and, per invalid date, why (the other filters still apply)."""
    errors: dict[str, str] = {}
    organisation = (request.args.get("organisation") or "").strip() or None
    start = date_arg(request.args, "from", errors)
    end = date_arg(request.args, "to", errors)
    return Filters(organisation, start, end), errors


def _number(value: float | None, digits: int = 1) -> str:
    return format_number(value, digits, fixed=True)


def table_rows(board: Dashboard, table: str) -> tuple[list[str], list[list[object]]]:
    """Header and rows of one dashboard table: the page and the CSV show the same data."""
    if table == "funnel":
        applied = board.funnel["applied"]
        return [_("Step"), _("People"), _("Share of applied (%)")], [
            [
                str(STEP_LABELS[s]),
                board.funnel[s],
                _number(100 * board.funnel[s] / applied if applied else None),
            ]
            for s in FUNNEL_STEPS
        ]
    if table == "organisations":
        return [_("Organisation"), *[str(STEP_LABELS[s]) for s in FUNNEL_STEPS]], [
            [row.organisation, *[row.counts[s] for s in FUNNEL_STEPS]]
            for row in board.organisations
        ]
    if table == "outcomes":
        o = board.outcomes
        return [_("Measure"), _("Value")], [
            [_("Graded attempts"), o.graded_attempts],
            [_("Passed attempts"), o.passed_attempts],
            [_("Pass rate (%)"), _number(o.pass_rate)],
            [_("People who passed"), o.people_passed],
            [_("Attempts per pass"), _number(o.attempts_per_pass, 2)],
            [_("People certified"), o.certified_people],
            [
                _("Median days from application to certification"),
                _number(o.median_days_to_certification),
            ],
        ]
    if table == "expiring":
        return [
            _("Name"),
            _("Organisation"),
            _("Role"),
            _("Last valid day"),
            _("Verification code"),
        ], [
            [
                r.name,
                r.organisation,
                str(ROLE_LABELS.get(r.role, r.role)),  # type: ignore[call-overload]
                r.ends_on.isoformat(),
                r.code,
            ]
            for r in board.expiring
        ]
    raise KeyError(table)


@bp.route("")
@requires("dashboard.view")
def index():
    filters, errors = _filters()
    board = build_dashboard(filters)
    funnel_chart = bar_chart([(str(STEP_LABELS[s]), board.funnel[s]) for s in FUNNEL_STEPS])
    org_chart = bar_chart(
        [(row.organisation, row.counts["certified"]) for row in board.organisations]
    )
    tables = {name: table_rows(board, name) for name in TABLES}
    query = {k: v for k, v in request.args.items() if k in ("organisation", "from", "to") and v}
    return render_template(
        "certification/dashboard.html",
        board=board,
        tables=tables,
        funnel_chart=funnel_chart,
        org_chart=org_chart,
        errors=errors,
        date_labels=DATE_LABELS,
        query=query,
    ), 422 if errors else 200


@bp.route("/<table>.csv")
@requires("dashboard.view")
def export(table: str):
    if table not in TABLES:
        abort(404)
    filters, errors = _filters()
    if errors:
        return invalid_filter_page(errors, DATE_LABELS)
    header, rows = table_rows(build_dashboard(filters), table)
    response = Response(csv_bytes(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="dashboard-{table}.csv"'
    return response
