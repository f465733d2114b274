"""Holder pages (my certificates, PDF and signed JSON downloads) and the approvers' pages
(candidates awaiting final approval, the candidate's whole record, certifications, revocation)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from lms.auth.permissions import requires
from lms.certification import service
from lms.certification.pdf import certificate_pdf
from lms.certification.signing import signed_document
from lms.enrolment.forms import ReasonForm
from lms.enrolment.statements import ROLE_LABELS, statements_for
from lms.extensions import db
from lms.forms_common import ActionForm
from lms.models.certification import Certification, SendBack
from lms.models.user import User
from lms.urls import page_of_action

bp = Blueprint("certification", __name__)

ERRORS = {
    "not_awaiting_approval": _l(
        "The person is not awaiting final approval: there is no undecided pass (it may have been "
        "decided in another tab or by another approver). Nothing was changed."
    ),
    "no_application": _l("The person has no approved application, so the role sought is unknown."),
    "already_revoked": _l(
        "The certification has already been revoked (perhaps in another tab or by another "
        "approver). Nothing was changed."
    ),
    "own_record": _l("You cannot decide on your own certification. Another approver must do it."),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))  # type: ignore[call-overload]


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


# -- the holder -------------------------------------------------------------------------------


@bp.route("/certificate")
@requires("certification.hold")
def mine():
    from lms.quiz import service as quiz_service
    from lms.quiz.messages import reason_message

    certs = service.certifications_of(current_user)
    _ok, reason = quiz_service.eligibility(current_user)
    renewal = reason in (quiz_service.CERTIFIED, quiz_service.RENEWAL)
    return render_template(
        "certification/mine.html",
        renewal_note=reason_message(reason, current_user) if renewal else None,
        renewal_open=reason == quiz_service.RENEWAL,
        certifications=certs,
        today=service.today(),
        role_label=role_label,
    )


def _own_certification(cert_id: int) -> Certification:
    cert = db.session.get(Certification, cert_id)
    if cert is None or cert.user_id != current_user.id:
        abort(404)
    return cert


def _file_stem(cert: Certification) -> str:
    return f"intyg-{cert.display_code}"


@bp.route("/certificate/<int:cert_id>.pdf")
@requires("certification.hold")
def download_pdf(cert_id: int):
    cert = _own_certification(cert_id)
    data = certificate_pdf(cert, current_app.config["CERT_ISSUER"])
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{_file_stem(cert)}.pdf"'
    return _no_store(response)


@bp.route("/certificate/<int:cert_id>.json")
@requires("certification.hold")
def download_json(cert_id: int):
    cert = _own_certification(cert_id)
    document = signed_document(service.signed_record(cert), cert.signature, cert.key_id)
    body = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
    response = Response(body + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{_file_stem(cert)}.json"'
    return _no_store(response)


# -- the approvers: final approval ------------------------------------------------------------


@bp.route("/team/candidates")
@requires("certification.decide")
def candidates():
    return render_template("certification/candidates.html", candidates=service.candidates())


def _candidate_page(
    user: User,
    status: int = 200,
    problem: str | None = None,
    send_back_form: ReasonForm | None = None,
    revoke_form: ReasonForm | None = None,
):
    """The candidate's whole record; a refused action shows it again with its `problem` (a
    state that changed meanwhile) or its invalid form, keeping what was typed."""
    from lms.course.service import progress_for
    from lms.quiz.service import attempts_of
    from sandbox.console.exercise_runs import summary as exercise_summary

    application = service.application_of(user)
    send_backs = db.session.scalars(
        select(SendBack).where(SendBack.user_id == user.id).order_by(SendBack.decided_at)
    ).all()

    def revoke_form_for(cert: Certification) -> ReasonForm:
        form = ReasonForm(prefix=f"revoke{cert.id}", formdata=None)
        if revoke_form is not None and revoke_form.reason.id == form.reason.id:
            return revoke_form  # the one that was refused, with what was typed
        return form

    return render_template(
        "certification/candidate.html",
        person=user,
        own_record=user.id == current_user.id,
        application=application,
        statements=statements_for(application.role_sought) if application else {},
        role_label=role_label,
        progress=progress_for(user),
        attempts=attempts_of(user),
        pending=service.pending_attempt(user),
        certifications=service.certifications_of(user),
        sandbox_runs=exercise_summary(db.session, user.id),
        send_backs=send_backs,
        today=service.today(),
        decision_form=ActionForm(formdata=None),
        send_back_form=send_back_form or ReasonForm(prefix="send_back", formdata=None),
        revoke_form=revoke_form_for,
        problem=problem,
        invalid_form=send_back_form or revoke_form,
    ), status


@bp.route("/team/candidates/<int:user_id>")
@requires("certification.decide")
def candidate(user_id: int):
    return _candidate_page(db.get_or_404(User, user_id))


def _refused(user: User, exc: service.CertificationError, **forms: ReasonForm):
    db.session.rollback()
    status = 403 if exc.code == "own_record" else 409
    return _candidate_page(user, status, problem=str(ERRORS.get(exc.code, exc.code)), **forms)


def _back_to(user_id: int):
    return redirect(url_for("certification.candidate", user_id=user_id))


@bp.route("/team/candidates/<int:user_id>/approve", methods=["POST"])
@requires("certification.decide")
def approve(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        cert = service.approve(user, current_user)
    except service.CertificationError as exc:
        return _refused(user, exc)
    flash(
        _(
            "%(name)s is approved as %(role)s. Verification code: %(code)s.",
            name=user.name,
            role=role_label(cert.role_granted),
            code=cert.display_code,
        ),
        "success",
    )
    return _back_to(user.id)


@bp.route("/team/candidates/<int:user_id>/send-back", methods=["POST"])
@requires("certification.decide")
def send_back(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ReasonForm(prefix="send_back")
    if not form.validate_on_submit():
        return _candidate_page(user, 422, send_back_form=form)
    try:
        row = service.send_back(user, current_user, form.reason.data)
    except service.CertificationError as exc:
        return _refused(user, exc, send_back_form=form)
    if row.test_reopened:
        flash(
            _("Sent back. The candidate has been told why, and the test is open again."), "success"
        )
    else:
        flash(
            _(
                "Sent back. The candidate has been told why. The test could not be reopened "
                "automatically: it is recorded for follow-up."
            ),
            "success",
        )
    return _back_to(user.id)


# -- the approvers: certifications and revocation ---------------------------------------------


@bp.route("/team/certifications")
@requires("certification.decide")
def certifications():
    rows = db.session.scalars(
        select(Certification).order_by(Certification.approved_at.desc()).limit(500)
    ).all()
    return render_template(
        "certification/list.html", certifications=rows, today=service.today(), role_label=role_label
    )


@page_of_action("certification.revoke")
def revoke_form_page(cert_id: int) -> str | None:
    """The revoke form is on the holder's page (the URL names only the certification)."""
    cert = db.session.get(Certification, cert_id)
    return url_for("certification.candidate", user_id=cert.user_id) if cert else None


@bp.route("/team/certifications/<int:cert_id>/revoke", methods=["POST"])
@requires("certification.decide")
def revoke(cert_id: int):
    cert = db.session.get(Certification, cert_id)
    if cert is None:
        abort(404)
    holder = db.get_or_404(User, cert.user_id)
    form = ReasonForm(prefix=f"revoke{cert.id}")
    if not form.validate_on_submit():
        return _candidate_page(holder, 422, revoke_form=form)
    try:
        service.revoke(cert, current_user, form.reason.data)
    except service.CertificationError as exc:
        return _refused(holder, exc, revoke_form=form)
    flash(
        _(
            "The certification %(code)s is revoked and the holder has been told why.",
            code=cert.display_code,
        ),
        "success",
    )
    return _back_to(cert.user_id)
