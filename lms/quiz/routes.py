"""The trainee's knowledge test: overview, start, the attempt page, answers, submit, result.

An open attempt is only ever rendered from `public_view`: the key, the explanations and the
lesson ids stay on the server until the attempt is graded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import get_decimal_symbol
from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from lms.auth.permissions import requires
from lms.course import service as course_service
from lms.forms_common import ActionForm
from lms.models.quiz import Attempt
from lms.models.types import utcnow
from lms.quiz import service
from lms.quiz.bank import public_view
from lms.quiz.bank.types import CHOSEN_TWICE, MAX_DIGITS, MISSING, NOT_A_NUMBER
from lms.quiz.markup import markdown_html
from lms.quiz.messages import date_and_time, handed_in_automatically, reason_message, when
from lms.quiz.results import category_results, review_items

bp = Blueprint("quiz", __name__, url_prefix="/test")


@bp.app_template_filter("quiz_markdown")
def _quiz_markdown(text: str | None):
    return markdown_html(text)


@bp.before_request
def _grade_overdue_attempts() -> None:
    service.expire_overdue()


def lesson_url(lesson_id: str | None) -> str | None:
    if not lesson_id:
        return None
    try:
        return url_for("course.lesson", lesson_id=lesson_id)
    except BuildError:
        return None


def remaining_seconds(attempt: Attempt) -> int:
    return max(0, int((attempt.deadline_at - utcnow()).total_seconds()))


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@requires("quiz.take")
def overview():
    ok, reason = service.eligibility(current_user)
    attempts = service.attempts_of(current_user)
    counted = len(service.round_attempts(current_user))  # a reopening starts the count again
    if reason == service.RENEWAL:
        counted = 0  # starting opens a new round
    test = service.current_test()
    renewing = reason == service.RENEWAL or (
        reason not in (service.PASSED, service.CERTIFIED, service.REVOKED)
        and service.in_renewal_round(current_user)
    )
    return render_template(
        "quiz/overview.html",
        refresher=course_service.refresher_lessons(current_user) if renewing else [],
        test=test,
        ok=ok,
        reason=reason,
        message=reason_message(reason, current_user),
        attempts=attempts,
        attempts_left=max(0, test.max_attempts - counted) if test else 0,
        extra_minutes=service.extra_minutes_for(current_user),
        form=ActionForm(),
        when=when,
    )


@bp.post("/start")
@requires("quiz.take")
def start():
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".overview"))
    try:
        service.start_attempt(current_user)
    except service.NotEligible as exc:
        flash(reason_message(exc.reason, current_user), "error")
        return redirect(url_for(".overview"))
    return redirect(url_for(".attempt_page"))


def number_as_typed(value: float) -> str:
    """A saved number as the trainee could have typed it: every digit, no exponent, no digit
    grouping, the locale's decimal sign (the answer parser reads it back to the same value)."""
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", get_decimal_symbol(get_locale()))


def _form_state(snapshot: dict[str, Any], response: Any) -> dict[str, Any]:
    """The saved answer in the shape the form fields need (the trainee's own choices only)."""
    kind = snapshot["type"]
    if response is None:
        return {"keys": set(), "matches": {}, "order": [], "text": ""}
    if kind == "truefalse":
        return {"keys": {"true" if response else "false"}}
    if kind == "numeric":
        return {"text": number_as_typed(response)}
    if kind == "matching":
        return {"matches": dict(response)}
    if kind == "ordering":
        return {"order": list(response)}
    return {"keys": {response} if isinstance(response, str) else set(response)}


def _kept_state(kind: str, kept: dict[str, list[str]]) -> dict[str, Any]:
    """A refused submission's choices in the shape the form fields need, so that the page
    shows them again to be corrected (keys that are not on the page simply show nothing)."""
    if kind == "numeric":
        return {"text": (kept.get("answer") or [""])[0]}
    if kind == "matching":
        return {
            "matches": {
                name.removeprefix("match-"): values[0]
                for name, values in kept.items()
                if name.startswith("match-") and values
            }
        }
    if kind == "ordering":
        return {"order": kept.get("order", [])}
    return {"keys": set(kept.get("answer", []))}


@bp.get("/attempt")
@requires("quiz.take")
def attempt_page():
    attempt = service.open_attempt(current_user)
    if attempt is None:
        return redirect(url_for(".result"))
    saved = {a.position: a for a in attempt.answers}
    notice = session.pop(_NOTICE, None) or {}
    questions = []
    for position, snapshot in enumerate(attempt.questions, start=1):
        answer = saved.get(position)
        response = answer.response if answer is not None else None
        questions.append(
            {
                "position": position,
                "view": public_view(snapshot),
                "state": {
                    "keys": set(),
                    "matches": {},
                    "order": [],
                    "text": "",
                    **_form_state(snapshot, response),
                },
                "answered": response not in (None, [], {}),
                "notice": notice if notice.get("position") == position else None,
            }
        )
        if questions[-1]["notice"] and "kept" in notice:
            questions[-1]["state"].update(_kept_state(snapshot["type"], notice["kept"]))
    page = render_template(
        "quiz/attempt.html",
        attempt=attempt,
        questions=questions,
        remaining=remaining_seconds(attempt),
        handed_in_automatically=handed_in_automatically,
        form=ActionForm(),
    )
    return _no_store(make_response(page))


_NOTICE = "quiz_notice"


def _notice_at(
    position: int, category: str, message: str, kept: dict[str, list[str]] | None = None
) -> None:
    """A message for the page to show inside question `position`'s form: without JavaScript a
    save returns to #q<position>, where a flash at the top of the page would be out of view.
    `kept`: a refused submission's fields, shown again instead of the saved answer."""
    notice: dict[str, Any] = {"position": position, "category": category, "message": message}
    if kept is not None:
        notice["kept"] = kept
    session[_NOTICE] = notice


KEPT_FIELDS_BUDGET = 1500  # characters: the session cookie must stay well under 4 KB


def _submitted_fields(position: int) -> dict[str, list[str]]:
    """Question `position`'s fields of this request without their prefix, bounded in size:
    they travel in the session cookie, and a browser drops a cookie over 4 KB silently. A real
    answer is far smaller (option keys, a few steps, a number); a forged one is cut short."""
    prefix, budget = f"q{position}-", KEPT_FIELDS_BUDGET
    kept: dict[str, list[str]] = {}
    for name in list(request.form)[:30]:
        if not name.startswith(prefix):
            continue
        values = [value[:200] for value in request.form.getlist(name)[:20]]
        budget -= len(name) + sum(len(value) for value in values)
        if budget < 0:
            break
        kept[name.removeprefix(prefix)[:100]] = values
    return kept


def _refusal_message(position: int, reason: str, kind: str | None) -> str:
    """Why the answer to question `position` was not saved, as specifically as we know."""
    if reason == MISSING:
        return _(
            "The answer to question %(num)d could not be saved: choose an answer first.",
            num=position,
        )
    if reason == CHOSEN_TWICE and kind == "ordering":
        return _(
            "The answer to question %(num)d could not be saved: a step is chosen twice. "
            "Use each step once.",
            num=position,
        )
    if reason == CHOSEN_TWICE and kind == "matching":
        return _(
            "The answer to question %(num)d could not be saved: an item in the list is chosen "
            "twice. Use each item once.",
            num=position,
        )
    if reason == NOT_A_NUMBER:
        return _(
            "The answer to question %(num)d could not be saved. Write a number with at most "
            "%(digits)d digits, without an exponent.",
            num=position,
            digits=MAX_DIGITS,
        )
    return _(
        "The answer to question %(num)d could not be saved. Check it and try again.",
        num=position,
    )


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _json(status: str, message: str, code: int = 200, **extra: Any) -> tuple[Response, int]:
    return _no_store(jsonify({"status": status, "message": message, **extra})), code


@bp.post("/answer")
@requires("quiz.take")
def save_answer():
    position = request.form.get("position", type=int) or 0
    attempt = service.open_attempt(current_user)
    closed = _("The time is up, so answers are no longer saved. Your test has been graded.")
    try:
        if attempt is None:
            raise service.AttemptClosed("closed")
        service.save_answer(attempt, position, request.form)
    except service.AttemptClosed:
        if _wants_json():
            return _json("closed", closed, 409, redirect=url_for(".result"))
        flash(closed, "error")
        return redirect(url_for(".result"))
    except service.InvalidAnswer as exc:
        kind = attempt.questions[position - 1]["type"] if exc.reason != "position" else None
        message = _refusal_message(position, exc.reason, kind)
        if _wants_json():
            return _json("invalid", message, 422)
        _notice_at(position, "error", message, kept=_submitted_fields(position))
        return redirect(url_for(".attempt_page", _anchor=f"q{position}"))
    if _wants_json():
        return _json(
            "saved",
            _("Saved"),
            position=position,
            announcement=_("Question %(num)d: saved.", num=position),
            remaining_seconds=remaining_seconds(attempt),
        )
    _notice_at(position, "success", _("Your answer to question %(num)d is saved.", num=position))
    return redirect(url_for(".attempt_page", _anchor=f"q{position}"))


def _unanswered(attempt: Attempt) -> list[int]:
    answered = {a.position for a in attempt.answers if a.response not in (None, [], {})}
    return [p for p in range(1, len(attempt.questions) + 1) if p not in answered]


def _unfinished(attempt: Attempt) -> list[int]:
    """Ordering answers with steps still open: saved so the page shows them again, but they
    score 0 until every step is chosen, so the hand-in page must not count them as done."""
    return sorted(
        a.position for a in attempt.answers if isinstance(a.response, list) and None in a.response
    )


@bp.route("/submit", methods=["GET", "POST"])
@requires("quiz.take")
def submit():
    attempt = service.open_attempt(current_user)
    if attempt is None:
        return redirect(url_for(".result"))
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        graded = service.submit(attempt)
        return redirect(url_for(".result", attempt=graded.number))
    page = render_template(
        "quiz/submit.html",
        attempt=attempt,
        unanswered=_unanswered(attempt),
        unfinished=_unfinished(attempt),
        remaining=remaining_seconds(attempt),
        form=form,
        handed_in_automatically=handed_in_automatically,
    )
    return _no_store(make_response(page))


@bp.get("/result")
@requires("quiz.take")
def result():
    attempts = service.attempts_of(current_user)
    number = request.args.get("attempt", type=int)
    chosen = next((a for a in attempts if a.number == number), None) if number else None
    if chosen is None:
        graded = [a for a in attempts if not a.is_open]
        chosen = graded[-1] if graded else None
    if chosen is None:
        return redirect(url_for(".overview"))
    if chosen.is_open:
        return redirect(url_for(".attempt_page"))
    ok, reason = service.eligibility(current_user)
    page = render_template(
        "quiz/result.html",
        attempt=chosen,
        categories=category_results(chosen),
        review=review_items(chosen),
        review_mode=chosen.settings.get("review", "wrong"),
        attempts=attempts,
        lesson_url=lesson_url,
        next_message=reason_message(reason, current_user),
        can_start=ok,
        date_and_time=date_and_time,
        form=ActionForm(),
    )
    return _no_store(make_response(page))
