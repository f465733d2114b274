from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select

from lms.auth.permissions import public
from lms.extensions import db
from lms.models.mail import OutgoingMail

bp = Blueprint("mail", __name__)


def outbox_page_enabled() -> bool:
    """Mail goes to the local outbox, and this is a development or test app (or the page was
    turned on explicitly): never by default in a deployment, where it would publish links."""
    cfg = current_app.config
    development = current_app.debug or current_app.testing or bool(cfg["DEV_OUTBOX_PAGE"])
    return cfg["MAIL_BACKEND"] == "outbox" and development


@bp.route("/dev/outbox")
@public  # development only: 404 unless `outbox_page_enabled`
def outbox():
    if not outbox_page_enabled():
        abort(404)
    mails = db.session.scalars(
        select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(100)
    ).all()
    return render_template("mail/outbox.html", mails=mails)
