"""Course pages: overview, lessons (and their print view), checkpoints, search, glossary."""

from __future__ import annotations

import re
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from lms.auth.permissions import requires
from lms.course import service
from lms.course.content import Lesson, Part
from lms.course.store import exercise_catalog, get_store
from lms.forms_common import ActionForm

bp = Blueprint("course", __name__, url_prefix="/course")

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})
# Served images (SVG above all) must never run anything, even when opened on their own.
ASSET_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
LEADING_H1 = re.compile(r"\A\s*<h1\b[^>]*>.*?</h1>\s*", re.DOTALL)
MAX_QUERY_LENGTH = 100
EXERCISE_ENDPOINT = "sandbox.exercise"


def _locked(exc: service.PartLocked) -> tuple[str, int]:
    return render_template("course/locked.html", part=exc.part, blocking=exc.blocking), 403


def _lesson_or_404(lesson_id: str) -> Lesson:
    lesson = get_store().lesson(lesson_id)
    if lesson is None:
        abort(404)
    return lesson


def _part_or_404(part_id: str) -> Part:
    part = get_store().course().part(part_id)
    if part is None:
        abort(404)
    return part


def exercise_url(exercise_id: str) -> str | None:
    """The sandbox page of an exercise, once the sandbox exercise pages exist."""
    if EXERCISE_ENDPOINT not in current_app.view_functions:
        return None
    return url_for(EXERCISE_ENDPOINT, exercise_id=exercise_id)


def lesson_body(lesson: Lesson) -> str:
    """The lesson HTML without its leading <h1>: the page prints the title itself."""
    return LEADING_H1.sub("", lesson.html, count=1)


@bp.route("/")
@requires("course.take")
def index():
    target = service.resume_target(current_user)
    return render_template(
        "course/index.html",
        course=get_store().course(),
        progress=service.progress_for(current_user),
        target=target,
        target_is_checkpoint=isinstance(target, Part),
    )


@bp.route("/resume")
@requires("course.take")
def resume():
    target = service.resume_target(current_user)
    if isinstance(target, Lesson):
        return redirect(url_for("course.lesson", lesson_id=target.id))
    if isinstance(target, Part):
        return redirect(url_for("course.checkpoint", part_id=target.id))
    return redirect(url_for("course.index"))


@bp.route("/lessons/<lesson_id>")
@requires("course.take")
def lesson(lesson_id: str):
    lesson = _lesson_or_404(lesson_id)
    try:
        service.record_view(current_user, lesson.id)
    except service.PartLocked as exc:
        return _locked(exc)
    course = get_store().course()
    progress = service.progress_for(current_user)
    following = course.next(lesson.id)
    catalog = exercise_catalog()
    done_row = service.completed_lessons(current_user).get(lesson.id)
    return render_template(
        "course/lesson.html",
        lesson=lesson,
        body=lesson_body(lesson),
        part=course.part_of(lesson.id),
        part_progress=progress.for_part(lesson.part_id),
        done=done_row is not None,
        changed_since_done=done_row is not None and done_row.content_hash != lesson.hash,
        previous=course.previous(lesson.id),
        following=following,
        following_open=following is not None and progress.for_part(following.part_id).unlocked,
        exercises=[catalog.get(ex) for ex in lesson.exercises],
        exercise_ids=lesson.exercises,
        exercise_url=exercise_url,
    )


@bp.route("/lessons/<lesson_id>/done", methods=["POST"])
@requires("course.take")
def mark_done(lesson_id: str):
    lesson = _lesson_or_404(lesson_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    before = service.progress_for(current_user)
    try:
        newly = service.mark_done(current_user, lesson.id)
    except service.PartLocked as exc:
        return _locked(exc)
    if newly:
        flash(_("The lesson is marked as done."), "success")
    else:
        flash(_("You had already marked this lesson as done."), "info")
    after = service.progress_for(current_user)
    if after.for_part(lesson.part_id).complete and not before.for_part(lesson.part_id).complete:
        flash(_("You have completed this part of the course."), "success")
    return redirect(url_for("course.lesson", lesson_id=lesson.id))


@bp.route("/lessons/<lesson_id>/print")
@requires("course.take")
def print_lesson(lesson_id: str):
    lesson = _lesson_or_404(lesson_id)
    course = get_store().course()
    part = course.part_of(lesson.id)
    try:
        service.require_open_part(current_user, part)  # type: ignore[arg-type]
    except service.PartLocked as exc:
        return _locked(exc)
    return render_template(
        "course/print.html", course=course, part=part, lesson=lesson, body=lesson_body(lesson)
    )


def _save_answers(part: Part) -> None:
    answered = right = 0
    for question in service.checkpoint_questions(part):
        raw = request.form.get(f"answer-{question.id}")
        if raw is None:
            continue
        try:
            correct, _feedback = service.answer_checkpoint(current_user, question.id, int(raw))
        except (ValueError, service.InvalidAnswer):
            continue
        answered += 1
        right += correct
    if not answered:
        flash(_("Choose an answer to at least one question."), "error")
    else:
        flash(
            ngettext(
                "%(right)d of %(num)d answer was right.",
                "%(right)d of %(num)d answers were right.",
                answered,
                right=right,
            ),
            "success" if right == answered else "info",
        )


@bp.route("/parts/<part_id>/checkpoint", methods=["GET", "POST"])
@requires("course.take")
def checkpoint(part_id: str):
    part = _part_or_404(part_id)
    try:
        before = service.require_open_part(current_user, part)
    except service.PartLocked as exc:
        return _locked(exc)
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        _save_answers(part)
        if service.part_complete(current_user, part) and not before.complete:
            flash(
                _("All answers are right: you have completed this part of the course."), "success"
            )
        return redirect(url_for("course.checkpoint", part_id=part.id))
    progress = service.progress_for(current_user)
    course = get_store().course()
    next_part = next((p for p in course.parts[course.parts.index(part) + 1 :]), None)
    return render_template(
        "course/checkpoint.html",
        part=part,
        part_progress=progress.for_part(part.id),
        questions=service.checkpoint_questions(part),
        answers=service.latest_answers(current_user, part),
        next_part=next_part,
    )


@bp.route("/search")
@requires("course.take")
def search():
    query = request.args.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = get_store().search(query) if query else []
    course = get_store().course()
    return render_template("course/search.html", query=query, results=results, course=course)


@bp.route("/glossary")
@requires("course.take")
def glossary():
    return render_template(
        "course/glossary.html", entries=get_store().glossary(), course=get_store().course()
    )


@bp.route("/assets/<part_folder>/<path:filename>")
@requires("course.take")
def asset(part_folder: str, filename: str) -> Response:
    """An image of a part folder; anything else (other files, other folders, ..) is a 404."""
    folders = {part.folder for part in get_store().course().parts}
    if part_folder not in folders or Path(filename).suffix.lower() not in IMAGE_SUFFIXES:
        abort(404)
    root = Path(current_app.config["CONTENT_DIR"]).resolve() / part_folder
    path = safe_join(str(root), filename)
    # resolve(): a symbolic link must not lead out of the part folder either.
    if path is None or not Path(path).is_file() or root not in Path(path).resolve().parents:
        abort(404)
    response = send_file(path, max_age=300)
    response.headers["Content-Security-Policy"] = ASSET_CSP
    return response
