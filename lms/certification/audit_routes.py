"""The admins' view of the audit log: /admin/audit (filters, pages) and /admin/audit.csv.

Filters: action (exact), actor (part of the label, e.g. an email), target ("type" or
"type:id"), and a date range (Europe/Stockholm days). The log itself is append-only; this is
read-only. The CSV has the hash columns too, so an export can be checked against the chain.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, time, timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.auth.permissions import requires
from lms.certification.service import STOCKHOLM
from lms.csvexport import BOM, csv_text
from lms.datefilter import date_arg, invalid_filter_page
from lms.extensions import db
from lms.models.audit import AuditEvent

bp = Blueprint("audit_admin", __name__, url_prefix="/admin")

# The date fields' labels, on the page and in the CSV export's error.
DATE_LABELS = {"from": _l("From"), "to": _l("To")}

CSV_HEADER = (
    "seq",
    "at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "from_state",
    "to_state",
    "ip",
    "details",
    "prev_hash",
    "entry_hash",
)


def _query(errors: dict[str, str]):
    """The filtered entries; an invalid date is reported in `errors` and left out of the
    filter (the other filters still apply)."""
    args = request.args
    stmt = select(AuditEvent)
    action = (args.get("action") or "").strip()
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    actor = (args.get("actor") or "").strip()
    if actor:
        # autoescape: "%" and "_" typed in the field are characters, not wildcards
        stmt = stmt.where(AuditEvent.actor_label.icontains(actor, autoescape=True))
    target = (args.get("target") or "").strip()
    if target:
        kind, _, ident = target.partition(":")
        stmt = stmt.where(AuditEvent.target_type == kind.strip())
        if ident.strip():
            stmt = stmt.where(AuditEvent.target_id == ident.strip())
    start, end = date_arg(args, "from", errors), date_arg(args, "to", errors)
    if start:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(start, time.min, STOCKHOLM))
    if end:
        stmt = stmt.where(AuditEvent.at < datetime.combine(end + timedelta(1), time.min, STOCKHOLM))
    return stmt


@bp.route("/audit")
@requires("audit.view")
def audit_log():
    size = current_app.config["AUDIT_PAGE_SIZE"]
    errors: dict[str, str] = {}
    stmt = _query(errors)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // size))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    events = db.session.scalars(
        stmt.order_by(AuditEvent.seq.desc()).limit(size).offset((page - 1) * size)
    ).all()
    actions = db.session.scalars(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ).all()
    query = {
        k: v
        for k, v in request.args.items()
        if k in ("action", "actor", "target", "from", "to") and v
    }
    return render_template(
        "certification/audit.html",
        events=events,
        total=total,
        page=page,
        pages=pages,
        actions=actions,
        query=query,
        errors=errors,
        date_labels=DATE_LABELS,
    ), 422 if errors else 200


@bp.route("/audit.csv")
@requires("audit.view")
def audit_csv():
    errors: dict[str, str] = {}
    stmt = _query(errors).order_by(AuditEvent.seq)
    if errors:
        return invalid_filter_page(errors, DATE_LABELS)

    def rows() -> Iterator[bytes]:
        yield (BOM + csv_text([CSV_HEADER])).encode("utf-8")
        for event in db.session.scalars(stmt.execution_options(yield_per=500)):
            yield csv_text(
                [
                    [
                        event.seq,
                        event.at.isoformat(timespec="microseconds"),
                        event.actor_label,
                        event.action,
                        event.target_type or "",
                        event.target_id or "",
                        event.from_state or "",
                        event.to_state or "",
                        event.ip or "",
                        json.dumps(event.details, ensure_ascii=False, sort_keys=True),
                        event.prev_hash,
                        event.entry_hash,
                    ]
                ]
            ).encode("utf-8")

    response = Response(stream_with_context(rows()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
