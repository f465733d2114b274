"""The SäkerID team's pages for the knowledge test: item statistics with CSV, extra time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from lms.auth.permissions import requires
from lms.extensions import db
from lms.forms_common import Form, lf_newlines
from lms.models.quiz import ExtraTime
from lms.models.user import Role, User, UserRole
from lms.quiz import service
from lms.quiz.messages import when
from lms.quiz.results import category_name
from lms.quiz.statistics import build_statistics, table_csv

bp = Blueprint("quiz_team", __name__, url_prefix="/team/test")

CSV_TABLES = ("questions", "options", "attempts")
OWN_RECORD = _l("You cannot set your own extra time. Ask another member of the team.")
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
            mimetype="text/csv",
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


class ExtraTimeForm(Form):
    user_id = SelectField(
        _l("Trainee"),
        coerce=int,
        validate_choice=False,  # validate_user_id says why a choice is refused
        validators=[InputRequired(message=_l("Choose a trainee."))],
    )
    minutes = IntegerField(
        _l("Extra minutes in total"),
        description=_l(
            "0 to %(max)d. Replaces the trainee's earlier extra time (0 removes it). A raise "
            "also applies to an attempt in progress.",
            max=service.MAX_EXTRA_MINUTES,
        ),
        validators=[
            InputRequired(message=_l("Enter the number of minutes.")),
            NumberRange(
                min=0,
                max=service.MAX_EXTRA_MINUTES,
                message=_l("Enter 0 to %(max)d minutes.", max=service.MAX_EXTRA_MINUTES),
            ),
        ],
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("For example the accommodation the trainee asked for."),
        filters=[lf_newlines],
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=1000)],
        render_kw={"maxlength": 1000},
    )

    def __init__(self, trainees: list[User], me: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.me = me
        self.trainee_ids = {u.id for u in trainees}
        if me.id in self.trainee_ids:
            self.user_id.description = OWN_RECORD  # why you are not in the list
        self.user_id.choices = [
            SelectChoice(u.id, f"{u.name} <{u.email}>") for u in trainees if u.id != me.id
        ]

    def validate_user_id(self, field) -> None:
        if field.data is None:  # not a number: the field already says "choose from the list"
            return
        if field.data == self.me.id:
            raise ValidationError(OWN_RECORD)
        if field.data not in self.trainee_ids:
            raise ValidationError(_l("Choose a trainee."))


def _trainees() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.TRAINEE.value)
            .order_by(User.name, User.email)
        )
    )


@dataclass(frozen=True)
class ExtraTimeRow:
    """A trainee's current extra time and its latest change."""

    user: User
    minutes: int
    latest: ExtraTime


def _current_extra_time(trainees: list[User]) -> list[ExtraTimeRow]:
    totals = service.extra_minutes_by_user()
    latest: dict[int, ExtraTime] = {}
    for row in db.session.scalars(select(ExtraTime).order_by(ExtraTime.granted_at, ExtraTime.id)):
        latest[row.user_id] = row
    return [
        ExtraTimeRow(u, totals[u.id], latest[u.id]) for u in trainees if totals.get(u.id, 0) > 0
    ]


@bp.route("/extra-time", methods=["GET", "POST"])
@requires("quiz.manage")
def extra_time():
    trainees = _trainees()
    form = ExtraTimeForm(trainees, current_user)
    status = 200
    if form.validate_on_submit():
        trainee = db.get_or_404(User, form.user_id.data)
        try:
            service.set_extra_time(current_user, trainee, form.minutes.data, form.reason.data)
        except service.ExtraTimeRefused:
            form.user_id.errors = [str(OWN_RECORD)]
        else:
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
    if form.is_submitted():
        status = 422
    rows = _current_extra_time(trainees)
    names = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_({r.latest.granted_by_id for r in rows} - {None}))
        )
    }
    return render_template(
        "quiz/team_extra_time.html",
        form=form,
        rows=rows,
        users=names,
        when=when,
    ), status
