from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text

from lms.auth.permissions import public
from lms.extensions import db
from lms.forms_common import ActionForm
from lms.urls import redirect_target, referring_path

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        from lms.auth.routes import home_for

        home = home_for(current_user)
        if home != request.path:
            return redirect(home)
    return render_template("main/index.html")


@bp.route("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - the probe reports any database failure
        current_app.logger.error("health check failed: %s", type(exc).__name__)
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/locale/<code>", methods=["POST"])
@public
def set_locale(code: str):
    if ActionForm().validate_on_submit() and code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    # The page the switch was pressed on, if a GET opens it again (not e.g. an upload's error
    # page, which only a POST renders): else the page above it or the referring page.
    return redirect(
        redirect_target(request.form.get("next"), [referring_path()], home=url_for("main.index"))
    )
