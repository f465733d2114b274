from __future__ import annotations

import time

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from lms.auth.permissions import public, requires
from lms.auth.service import AccountError
from lms.auth.tokens import TokenError
from lms.enrolment import service
from lms.enrolment.forms import (
    ApplicationForm,
    QueueFilterForm,
    ReasonForm,
    UploadForm,
    WithdrawForm,
    attestation_form_for,
)
from lms.enrolment.statements import ROLE_LABELS, statements_for
from lms.enrolment.uploads import UploadError
from lms.extensions import db
from lms.forms_common import ActionForm
from lms.models.audit import AuditEvent
from lms.models.enrolment import Application, ApplicationState, Attestation

bp = Blueprint("enrolment", __name__)

TRANSITION_MESSAGES = {
    "not_attested": _l("The application cannot be approved before the manager has attested it."),
    "attestation_expired": _l("The attestation is too old. Ask the manager for a new one."),
    "not_awaiting_attestation": _l("The application is no longer waiting for an attestation."),
    "own_application": _l(
        "You cannot approve or reject your own application. Another approver must decide on it."
    ),
}

# A decided application refuses every change: say what happened rather than why the action
# would need another state (the usual cause is a second tab or another approver).
DECIDED_MESSAGES = {
    ApplicationState.APPROVED.value: _l(
        "The application has already been approved (perhaps in another tab or by another "
        "approver). Nothing was changed."
    ),
    ApplicationState.REJECTED.value: _l(
        "The application has already been rejected (perhaps in another tab or by another "
        "approver). Nothing was changed."
    ),
    ApplicationState.WITHDRAWN.value: _l(
        "The application has already been withdrawn (perhaps in another tab or by another "
        "approver). Nothing was changed."
    ),
}


def _transition_message(code: str, app: Application | None = None) -> str:
    if app is not None and app.state in DECIDED_MESSAGES:
        return str(DECIDED_MESSAGES[app.state])
    if code in TRANSITION_MESSAGES:
        return str(TRANSITION_MESSAGES[code])
    return _("That change is not possible in the application's current state.")


def _token_gone(reason: str):
    return render_template("auth/token_invalid.html", reason=reason), 410


def _attestation_gone(exc: service.TransitionError):
    """The manager's link is valid but the application no longer waits for it: say why."""
    state = exc.application.state if exc.application is not None else None
    reasons = {
        ApplicationState.WITHDRAWN: "withdrawn",
        ApplicationState.ATTESTED: "attested",
        ApplicationState.APPROVED: "decided",
        ApplicationState.REJECTED: "decided",
    }
    return _token_gone(reasons.get(state, "used"))


@bp.route("/apply", methods=["GET", "POST"])
@public
def apply():
    form = ApplicationForm()
    if not form.validate_on_submit():
        return render_template("enrolment/apply.html", form=form)
    try:
        service.submit_application(
            service.ApplicationInput(
                name=form.name.data,
                email=form.email.data,
                organisation=form.organisation.data,
                hsa_id=form.hsa_id.data,
                role_sought=form.role_sought.data,
                manager_name=form.manager_name.data,
                manager_email=form.manager_email.data,
                message=form.message.data or "",
                locale=str(get_locale() or "sv"),
            )
        )
    except service.OpenApplicationExists as exc:
        # Answered exactly as a new application: the address's owner gets a new link to the
        # one in progress, and nobody else learns that it exists.
        service.resend_applicant_link(exc.application)
    # Post/Redirect/Get: a reload of the receipt must not send the application again.
    _remember_receipt("application_sent")
    return redirect(url_for("enrolment.submitted"))


RECEIPT_MINUTES = 15  # a receipt outlives its reloads, not the next person at a shared computer


def _remember_receipt(key: str, value: object = True) -> None:
    session[key] = {"value": value, "at": int(time.time())}


def _receipt(key: str) -> object | None:
    entry = session.get(key)
    if not isinstance(entry, dict) or time.time() - entry.get("at", 0) > RECEIPT_MINUTES * 60:
        session.pop(key, None)
        return None
    return entry.get("value")


@bp.route("/apply/sent")
@public
def submitted():
    if not _receipt("application_sent"):
        return redirect(url_for("enrolment.apply"))
    return render_template("enrolment/submitted.html")


@bp.route("/attest/<token>", methods=["GET", "POST"])
@public
def attest(token: str):
    try:
        app = service.application_for_attestation(token)
    except TokenError as exc:
        return _token_gone(exc.reason)
    except service.TransitionError as exc:
        return _attestation_gone(exc)
    statements = statements_for(app.role_sought)
    form = attestation_form_for(
        statements,
        service.attestation_date_bounds(app),
        formdata=request.form if request.method == "POST" else None,
    )
    if request.method == "GET":
        form.manager_name.data = app.manager_name
    if form.validate_on_submit():
        try:
            service.attest_by_form(
                token,
                service.AttestationInput(
                    manager_name=form.manager_name.data,
                    manager_title=form.manager_title.data,
                    attested_on=form.attested_on.data,
                    statements=list(statements),
                    confirmed=form.confirm.data,
                ),
                request.remote_addr,
            )
        except TokenError as exc:
            return _token_gone(exc.reason)
        except service.TransitionError as exc:
            return _attestation_gone(exc)
        # Post/Redirect/Get: a reload of the receipt must not post the used link again. Like
        # /apply/sent, the session keeps only the id (no personal data in the cookie) and the
        # receipt shows only the candidate's name, which the manager has just seen.
        _remember_receipt("attested_application_id", app.id)
        return redirect(url_for("enrolment.attested"))
    return render_template(
        "enrolment/attest.html", form=form, application=app, role_label=ROLE_LABELS[app.role_sought]
    )


@bp.route("/attest/received")
@public
def attested():
    app_id = _receipt("attested_application_id")
    app = db.session.get(Application, app_id) if isinstance(app_id, int) else None
    if app is None:
        return redirect(url_for("main.index"))
    return render_template("enrolment/attested.html", candidate_name=app.name)


def _status_page(
    app: Application,
    token: str,
    *,
    upload_form: UploadForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    status: int = 200,
):
    return render_template(
        "enrolment/status.html",
        application=app,
        token=token,
        upload_form=upload_form or UploadForm(),
        withdraw_form=withdraw_form or WithdrawForm(prefix="withdraw"),
        role_label=ROLE_LABELS[app.role_sought],
        final=service.is_final(app),
    ), status


@bp.route("/application/<token>", methods=["GET"])
@public
def applicant_status(token: str):
    try:
        app = service.application_for_applicant(token)
    except (TokenError, service.TransitionError) as exc:
        return _token_gone(getattr(exc, "reason", "unknown"))
    return _status_page(app, token)


@bp.route("/application/<token>/upload", methods=["POST"])
@public
def applicant_upload(token: str):
    try:
        app = service.application_for_applicant(token)
    except (TokenError, service.TransitionError) as exc:
        return _token_gone(getattr(exc, "reason", "unknown"))
    form = UploadForm()
    status = 200
    if form.validate_on_submit():
        doc = form.document.data
        try:
            service.attest_by_upload(app, doc.stream, doc.filename or "attestation.pdf")
        except UploadError as exc:
            messages = {
                "empty": _("The file is empty."),
                "too_large": _("The file is larger than 5 MB."),
                "not_pdf": _(
                    "The file is not a PDF document. Scan or save the signed "
                    "attestation as PDF and try again."
                ),
            }
            form.document.errors = [messages[exc.code]]
            status = 422
        except service.TransitionError:
            form.document.errors = [_("The application is no longer waiting for an attestation.")]
            status = 409
        else:
            flash(_("Thank you. The signed attestation is uploaded."), "success")
            return redirect(url_for("enrolment.applicant_status", token=token))
    else:
        status = 422
    return _status_page(app, token, upload_form=form, status=status)


@bp.route("/application/<token>/withdraw", methods=["POST"])
@public
def applicant_withdraw(token: str):
    try:
        app = service.application_for_applicant(token)
    except (TokenError, service.TransitionError) as exc:
        return _token_gone(getattr(exc, "reason", "unknown"))
    form = WithdrawForm(prefix="withdraw")
    if not form.validate_on_submit():
        return _status_page(app, token, withdraw_form=form, status=422)
    try:
        service.withdraw(app)
        flash(_("Your application is withdrawn."), "info")
    except service.TransitionError as exc:
        flash(_transition_message(exc.code), "error")
    return redirect(url_for("enrolment.applicant_status", token=token))


# --- The SäkerID team -------------------------------------------------------------------------


@bp.route("/team/applications")
@requires("enrolment.review")
def queue():
    form = QueueFilterForm(request.args)
    state = form.state.data if form.state.data in {s.value for s in ApplicationState} else None
    rows = db.session.scalars(
        service.queue_query(state=state, organisation=form.organisation.data, search=form.q.data)
    ).all()
    return render_template(
        "enrolment/queue.html",
        form=form,
        applications=rows,
        states=list(ApplicationState),
        selected_state=state,
        role_labels=ROLE_LABELS,
    )


def _detail_page(
    app: Application,
    status: int = 200,
    problem: str | None = None,
    reject_form: ReasonForm | None = None,
    withdraw_form: ReasonForm | None = None,
):
    """The application page; a refused action shows it again with its `problem` (a state that
    changed meanwhile) or its invalid form, keeping what was typed."""
    history = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.target_type == "application", AuditEvent.target_id == str(app.id))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return render_template(
        "enrolment/detail.html",
        application=app,
        history=history,
        role_label=ROLE_LABELS[app.role_sought],
        statements=statements_for(app.role_sought),
        reject_form=reject_form or ReasonForm(prefix="reject", formdata=None),
        withdraw_form=withdraw_form or ReasonForm(prefix="withdraw", formdata=None),
        decision_form=ActionForm(formdata=None),
        attestation_expired=service.attestation_expired(app),
        final=service.is_final(app),
        problem=problem,
    ), status


@bp.route("/team/applications/<int:app_id>")
@requires("enrolment.review")
def detail(app_id: int):
    return _detail_page(db.get_or_404(Application, app_id))


def _decide(app: Application, action, **forms: ReasonForm) -> object:
    try:
        message = action(app)
    except service.TransitionError as exc:
        db.session.rollback()
        db.session.refresh(app)
        return _detail_page(app, 409, problem=_transition_message(exc.code, app), **forms)
    except AccountError:
        # e.g. a name stored before names were checked: no account can be made from it
        db.session.rollback()
        db.session.refresh(app)
        problem = _(
            "No account can be made from this application: the name or e-mail address "
            "cannot be used. Send the application back or reject it, with a reason."
        )
        return _detail_page(app, 422, problem=problem, **forms)
    flash(message, "success")
    return redirect(url_for("enrolment.detail", app_id=app.id))


@bp.route("/team/applications/<int:app_id>/approve", methods=["POST"])
@requires("enrolment.decide")
def approve(app_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)

    def act(app):
        service.approve(app, current_user)
        return _("The application is approved and the candidate has been sent an invitation.")

    return _decide(db.get_or_404(Application, app_id), act)


def _reason_action(app_id: int, prefix: str, act):
    app = db.get_or_404(Application, app_id)
    form = ReasonForm(prefix=prefix)
    forms = {f"{prefix}_form": form}
    if not form.validate_on_submit():
        return _detail_page(app, 422, **forms)
    return _decide(app, lambda a: act(a, form.reason.data), **forms)


@bp.route("/team/applications/<int:app_id>/reject", methods=["POST"])
@requires("enrolment.decide")
def reject(app_id: int):
    def act(app, reason):
        service.reject(app, current_user, reason)
        return _("The application is rejected and the candidate has been told why.")

    return _reason_action(app_id, "reject", act)


@bp.route("/team/applications/<int:app_id>/withdraw", methods=["POST"])
@requires("enrolment.decide")
def withdraw(app_id: int):
    def act(app, reason):
        service.withdraw(app, by=current_user, reason=reason)
        return _("The application is withdrawn.")

    return _reason_action(app_id, "withdraw", act)


@bp.route("/team/applications/<int:app_id>/new-attestation", methods=["POST"])
@requires("enrolment.decide")
def new_attestation(app_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)

    def act(app):
        service.request_new_attestation(app)
        return _("A new attestation link has been sent to the manager.")

    return _decide(db.get_or_404(Application, app_id), act)


@bp.route("/team/attestations/<int:attestation_id>/document")
@requires("enrolment.view_upload")
def attestation_document(attestation_id: int):
    att = db.session.get(Attestation, attestation_id)
    if att is None or not att.upload_path:
        abort(404)
    path = service.upload_root() / att.upload_path
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"lamplighetsintyg-{att.application_id}.pdf",
        max_age=0,
    )
