"""The sandbox's card register pages: people, cards and deregistration."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.permissions import requires
from lms.extensions import db
from lms.models.types import utcnow

from . import operations, register
from .forms import DeregisterForm
from .messages import note_text, refusal_text
from .routes import bp, exercise_panel, get_ca


def render_register(form: DeregisterForm | None = None, *, status: int = 200, problem=None):  # noqa: ANN001
    today = utcnow().date()
    people = register.persons(db.session, current_user.id)
    body = render_template(
        "sandbox/register.html",
        people=people,
        ended=[p for p in people if p.ended(today) and any(c.state == "active" for c in p.cards)],
        today=today,
        form=form or DeregisterForm(prefix="deregister", formdata=None),
        invalid_form=form if form is not None and form.errors else None,
        problem=problem,
        note_text=note_text,
        **exercise_panel(),
    )
    return body, status


@bp.route("/register")
@requires("sandbox.practice")
def card_register():
    return render_register()


@bp.route("/register/deregister", methods=["POST"])
@requires("sandbox.practice")
def deregister():
    form = DeregisterForm(prefix="deregister")
    if not form.validate_on_submit():
        return render_register(form, status=422)
    try:
        register.deregister(
            get_ca(), db.session, current_user.id, form.card_number.data, form.reason.data
        )
    except operations.OperationRefused as refused:
        status = 409 if refused.code == "already_deregistered" else 422
        return render_register(
            form, status=status, problem=refusal_text(refused.code, refused.params)
        )
    flash(_("The card is deregistered and its certificates are revoked."), "success")
    return redirect(url_for("sandbox.card_register"))
