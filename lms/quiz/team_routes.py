"""The SäkerID team's pages for the knowledge test: item statistics with CSV, extra time."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from lms.auth.permissions import requires
from lms.extensions import db
from lms.models.quiz import ExtraTime
from lms.models.user import Role, User, UserRole
from lms.quiz import service
from lms.quiz.messages import when
from lms.quiz.results import category_name
from lms.quiz.statistics import build_statistics, table_csv

bp = Blueprint("quiz_team", __name__, url_prefix="/team/test")

CSV_TABLES = ("questions", "options", "attempts")
FLAG_LABELS = {
    "too_easy": _l("Too easy"),
    "too_hard": _l("Too hard"),
    "negative_discrimination": _l("Negative discrimination"),
}


@bp.get("/statistics")
@requires("quiz.manage")
def statistics():
    stats = build_statistics()
    export = request.args.get("export")
    if export:
        if export not in CSV_TABLES:
            abort(404)
        name = f"kunskapstest-{export}-{date.today().isoformat()}.csv"
        return Response(
            table_csv(stats, export),
            mimetype="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )
    options_by_question: dict[tuple[str, int], list] = {}
    for row in stats.options:
        options_by_question.setdefault((row.question_id, row.version), []).append(row)
    return render_template(
        "quiz/team_statistics.html",
        stats=stats,
        options_by_question=options_by_question,
        flag_labels=FLAG_LABELS,
        category_name=category_name,
        when=when,
    )


class ExtraTimeForm(FlaskForm):
    user_id = SelectField(
        _l("Trainee"), coerce=int, validators=[InputRequired(message=_l("Choose a trainee."))]
    )
    minutes = IntegerField(
        _l("Extra minutes"),
        description=_l("Added to every attempt, including one in progress."),
        validators=[
            InputRequired(message=_l("Enter the number of minutes.")),
            NumberRange(
                min=1,
                max=service.MAX_EXTRA_MINUTES,
                message=_l("Enter 1 to %(max)d minutes.", max=service.MAX_EXTRA_MINUTES),
            ),
        ],
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("For example the accommodation the trainee asked for."),
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=1000)],
    )


def _trainees() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.TRAINEE.value)
            .order_by(User.name, User.email)
        )
    )


@bp.route("/extra-time", methods=["GET", "POST"])
@requires("quiz.manage")
def extra_time():
    trainees = _trainees()
    form = ExtraTimeForm()
    form.user_id.choices = [SelectChoice(u.id, f"{u.name} <{u.email}>") for u in trainees]
    if form.validate_on_submit():
        trainee = db.session.get(User, form.user_id.data)
        if trainee is None or not trainee.has_role(Role.TRAINEE):
            abort(404)
        service.grant_extra_time(current_user, trainee, form.minutes.data, form.reason.data)
        flash(
            ngettext(
                "%(name)s now has %(num)d extra minute on the test.",
                "%(name)s now has %(num)d extra minutes on the test.",
                service.extra_minutes_for(trainee),
                name=trainee.name,
            ),
            "success",
        )
        return redirect(url_for(".extra_time"))
    grants = list(db.session.scalars(select(ExtraTime).order_by(ExtraTime.granted_at.desc())))
    names = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(
                User.id.in_(
                    {g.user_id for g in grants}
                    | {g.granted_by_id for g in grants if g.granted_by_id}
                )
            )
        )
    }
    return render_template(
        "quiz/team_extra_time.html", form=form, grants=grants, users=names, when=when
    )
