"""The public verification page: /verify (a form) and /verify/<code>.

It shows the status (valid, expired, revoked, superseded) with the holder's name and role, and
nothing else about the person. Guessing is throttled per address: at most
CERT_VERIFY_MAX_MISSES unknown codes and CERT_VERIFY_MAX_LOOKUPS lookups in all per
CERT_VERIFY_WINDOW_MINUTES; beyond that the page answers 429.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.auth.permissions import public
from lms.auth.throttle import hit, is_throttled
from lms.certification import service
from lms.certification.signing import public_key_pem
from lms.enrolment.statements import ROLE_LABELS
from lms.extensions import db

bp = Blueprint("verify", __name__, url_prefix="/verify")

MISS_SCOPE = "verify-miss"
LOOKUP_SCOPE = "verify-lookup"


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["CERT_VERIFY_WINDOW_MINUTES"])


def _throttled(ip: str) -> bool:
    cfg = current_app.config
    return is_throttled(MISS_SCOPE, ip, cfg["CERT_VERIFY_MAX_MISSES"], _window()) or is_throttled(
        LOOKUP_SCOPE, ip, cfg["CERT_VERIFY_MAX_LOOKUPS"], _window()
    )


def _private(response: Response, status: int = 200) -> tuple[Response, int]:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response, status


def _too_many() -> tuple[Response, int]:
    db.session.commit()
    minutes = current_app.config["CERT_VERIFY_WINDOW_MINUTES"]
    html = render_template(
        "errors/error.html",
        code=429,
        title=_("Too many attempts"),
        message=ngettext(
            "Too many codes have been checked from your network. Wait %(num)d minute and "
            "try again.",
            "Too many codes have been checked from your network. Wait %(num)d minutes and "
            "try again.",
            minutes,
        ),
    )
    response = Response(html, mimetype="text/html")
    response.headers["Retry-After"] = str(minutes * 60)
    return _private(response, 429)


def _form(code: str = "", error: str | None = None, status: int = 200):
    html = render_template("certification/verify_form.html", code=code, error=error)
    return _private(Response(html, mimetype="text/html"), status)


@bp.route("")
@public
def form():
    typed = request.args.get("code")
    if typed is None:
        return _form()
    ip = request.remote_addr or "unknown"
    if _throttled(ip):
        return _too_many()
    normalised = service.normalise_code(typed)
    if normalised is None:
        hit(MISS_SCOPE, ip, _window())
        db.session.commit()
        return _form(
            typed, _("A verification code has 10 letters and digits, for example 7K3QD-M9X2A."), 422
        )
    return redirect(url_for("verify.result", code=f"{normalised[:5]}-{normalised[5:]}"))


@bp.route("/<code>")
@public
def result(code: str):
    ip = request.remote_addr or "unknown"
    if _throttled(ip):
        return _too_many()
    hit(LOOKUP_SCOPE, ip, _window())
    normalised = service.normalise_code(code)
    cert = service.find_by_code(normalised) if normalised else None
    if cert is None:
        hit(MISS_SCOPE, ip, _window())
        db.session.commit()
        return _form(
            code, _("No certificate has this code. Check that you typed it correctly."), 404
        )
    db.session.commit()
    html = render_template(
        "certification/verify_result.html",
        cert=cert,
        status=cert.status_on(service.today()).value,
        role=str(ROLE_LABELS.get(cert.role_granted, cert.role_granted)),  # type: ignore[call-overload]
    )
    return _private(Response(html, mimetype="text/html"))


@bp.route("/public-key.pem")
@public
def public_key():
    response = Response(public_key_pem(), mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = 'inline; filename="public-key.pem"'
    return response
