from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from lms.auth import service
from lms.auth.forms import LoginForm, ResetRequestForm, SetPasswordForm
from lms.auth.permissions import public, requires, user_can
from lms.auth.tokens import TokenError
from lms.forms_common import ActionForm
from lms.mail import deliver
from lms.models.token import TokenPurpose
from lms.urls import redirect_target

bp = Blueprint("auth", __name__)


# Where a signed-in user starts: the first of these tools their roles allow.
HOME_PAGES = (
    ("enrolment.decide", "enrolment.queue"),  # approvers
    ("course.take", "course.resume"),  # trainees
    ("audit.view", "audit_admin.audit_log"),  # administrators
)


def home_for(user) -> str:
    """The user's start page; the public start page when no tool is theirs (it does not
    redirect a signed-in user again, so this never loops)."""
    for permission, endpoint in HOME_PAGES:
        if user_can(user, permission):
            return url_for(endpoint)
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = service.authenticate(form.email.data, form.password.data, request.remote_addr)
        if result.user is not None:
            login_user(result.user)
            # `next` may be an action (a POST) whose session ran out: open its page instead.
            home = home_for(result.user)
            return redirect(redirect_target(request.args.get("next"), home=home))
        messages = {
            "invalid": _("The email address or the password is wrong."),
            "locked": _(
                "Too many failed attempts. The account is locked for a while; try again "
                "later or reset your password."
            ),
            "throttled": _(
                "Too many failed attempts from your network. Wait a while and try again."
            ),
        }
        form.form_errors.append(messages[result.reason or "invalid"])
        status = 429 if result.reason == "throttled" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@requires("account.self")
def logout():
    if ActionForm().validate_on_submit():
        logout_user()
        flash(_("You are signed out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = ResetRequestForm()
    if form.validate_on_submit():
        mail = service.request_password_reset(form.email.data)
        if mail is not None:
            deliver([mail])
        # The same answer whether or not the account exists.
        flash(
            _(
                "If the address belongs to an account, we have sent a link to reset the "
                "password. The link works once, for a short time."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


def _token_password_page(token: str, purpose: TokenPurpose, template: str):
    try:
        user = service.user_for_token(token, purpose)
    except TokenError as exc:
        return render_template("auth/token_invalid.html", reason=exc.reason), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = service.complete_token_password(token, purpose, form.password.data)
        except TokenError as exc:
            return render_template("auth/token_invalid.html", reason=exc.reason), 410
        login_user(user)
        flash(_("Your password is saved."), "success")
        return redirect(home_for(user))
    return render_template(template, form=form, user=user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    return _token_password_page(token, TokenPurpose.PASSWORD_RESET, "auth/reset.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    return _token_password_page(token, TokenPurpose.INVITATION, "auth/invitation.html")
