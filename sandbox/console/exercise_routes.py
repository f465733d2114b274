"""The sandbox exercises: the list, one exercise, start, check, leave, and the steps of the
two-person order exercise."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.permissions import requires
from lms.extensions import db
from lms.forms_common import ActionForm
from sandbox.card.service import CardServiceError
from sandbox.exercises import REGISTRY, load_catalog

from . import exercise_runs, operations
from .desk import DeskError
from .forms import FetchForm, OrderDecisionForm, answer_form
from .messages import refusal_text
from .routes import bp, desk_or_busy, render_desk, workbench


@bp.route("/exercises")
@requires("sandbox.practice")
def exercises():
    passed = exercise_runs.passed_ids(db.session, current_user.id)
    run = exercise_runs.open_run(db.session, current_user.id)
    ready = {e["id"] for e in exercise_runs.ready_exercises()}
    return render_template(
        "sandbox/exercises.html",
        catalog=load_catalog(),
        ready=ready,
        passed=passed,
        run=run,
        form=ActionForm(),
    )


@bp.route("/exercises/<exercise_id>")
@requires("sandbox.practice")
def exercise(exercise_id: str):
    """One exercise, as the course links to it: what it is about and a button to start it."""
    entry = next((e for e in load_catalog() if e["id"] == exercise_id), None)
    if entry is None:
        from lms.errors import error_page

        return error_page(404)
    ready = exercise_id in {e["id"] for e in exercise_runs.ready_exercises()}
    runs = [
        r
        for r in exercise_runs.runs_of(db.session, current_user.id)
        if r.exercise_id == exercise_id
    ]
    return render_template(
        "sandbox/exercise.html",
        entry=entry,
        ready=ready,
        runs=runs,
        running=next((r for r in runs if r.outcome == "running"), None),
        passed=any(r.outcome == "passed" for r in runs),
        form=ActionForm(),
    )


@bp.route("/exercises/<exercise_id>/start", methods=["POST"])
@requires("sandbox.practice")
def start_exercise(exercise_id: str):
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("sandbox.exercises"))
    desk, busy = desk_or_busy()
    if busy:
        return busy
    from lms.errors import error_page

    try:
        exercise_runs.start(workbench(desk), current_user, exercise_id)
    except exercise_runs.ExerciseUnavailable:
        return error_page(404)
    except (DeskError, operations.OperationRefused, CardServiceError):
        current_app.logger.exception("sandbox exercise %s could not be prepared", exercise_id)
        return error_page(
            503,
            _("The exercise could not be prepared"),
            _("The card readers did not answer while the exercise was being prepared. Try again."),
        )
    flash(_("The exercise is ready at the desk."), "success")
    return redirect(url_for("sandbox.desk", _anchor="exercise"))


@bp.route("/exercise/check", methods=["POST"])
@requires("sandbox.practice")
def check_exercise():
    desk, busy = desk_or_busy()
    if busy:
        return busy
    from flask import request

    run = exercise_runs.open_run(db.session, current_user.id)
    if run is None or request.form.get("run") not in (None, str(run.id)):
        # Nothing open, or the button of an exercise left since (another tab): check nothing.
        flash(_("That exercise is no longer open. Start it again from the list."), "warning")
        return redirect(url_for("sandbox.exercises"))
    exercise = REGISTRY[run.exercise_id]
    answers_form = answer_form(exercise, formdata=None) if exercise.answer_fields else None
    if answers_form is not None:
        answers_form = answer_form(exercise, formdata=request.form)
        if not answers_form.validate_on_submit():
            return render_desk(
                desk, status=422, invalid_form=answers_form, answers_form=answers_form
            )
    elif not ActionForm().validate_on_submit():
        return redirect(url_for("sandbox.desk"))
    answers = {
        k: str(v)
        for k, v in (answers_form.data.items() if answers_form else [])
        if k != "csrf_token"
    }
    findings = exercise_runs.check(workbench(desk), current_user, run, answers)
    if all(f.ok for f in findings):
        flash(_("Well done: the exercise is passed."), "success")
        return redirect(url_for("sandbox.exercises"))
    flash(_("Not yet: see what the check found below, put it right and check again."), "warning")
    return redirect(url_for("sandbox.desk", _anchor="exercise"))


def _order_step(form, step):  # noqa: ANN001, ANN202
    """One step of a two-person order exercise on the open run: validate, run, PRG."""
    desk, busy = desk_or_busy()
    if busy:
        return busy
    from flask import request

    run = exercise_runs.open_run(db.session, current_user.id)
    exercise = REGISTRY.get(run.exercise_id) if run else None
    if exercise is None or exercise.panel_template is None:
        return redirect(url_for("sandbox.exercises"))
    if request.form.get("run") not in (None, str(run.id)):
        # A form from a tab of a run left since: the order there is not the one open now.
        flash(_("That exercise is no longer open. Start it again from the list."), "warning")
        return redirect(url_for("sandbox.desk", _anchor="exercise"))
    forms = {
        "decision": OrderDecisionForm(prefix="order", formdata=None),
        "fetch": FetchForm(prefix="fetch", formdata=None),
    }
    forms[step] = form
    if not form.validate_on_submit():
        return render_desk(desk, status=422, invalid_form=form, order_forms=forms)
    try:
        if step == "decision":
            run.context = exercise.decide(workbench(desk), run.context, form.decision.data)
            db.session.commit()
        else:
            run.context = exercise.download(workbench(desk), run.context, form.pin.data)
            db.session.commit()
    except operations.OperationRefused as refused:
        final = ("order_decided", "order_fetched", "wrong_code", "reserve_code_blocked")
        status = 409 if refused.code in final else 422
        problem = refusal_text(refused.code, refused.params)
        return render_desk(desk, status=status, problem=problem, order_forms=forms)
    done = (
        _("The order is signed.") if step == "decision" else _("The certificates are on the card.")
    )
    if step == "decision" and form.decision.data == "reject":
        done = _("The order is rejected.")
    flash(done, "success")
    return redirect(url_for("sandbox.desk", _anchor="exercise"))


@bp.route("/exercise/order/decide", methods=["POST"])
@requires("sandbox.practice")
def decide_order():
    return _order_step(OrderDecisionForm(prefix="order"), "decision")


@bp.route("/exercise/order/fetch", methods=["POST"])
@requires("sandbox.practice")
def fetch_certificates():
    return _order_step(FetchForm(prefix="fetch"), "fetch")


@bp.route("/exercise/leave", methods=["POST"])
@requires("sandbox.practice")
def leave_exercise():
    if ActionForm().validate_on_submit():
        run = exercise_runs.open_run(db.session, current_user.id)
        if run is not None:
            exercise_runs.leave(db.session, run)
            flash(_("You left the exercise. You can start it again at any time."), "success")
        else:
            flash(_("That exercise is no longer open. Start it again from the list."), "warning")
    return redirect(url_for("sandbox.exercises"))
