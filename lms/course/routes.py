from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from lms.auth.permissions import requires

bp = Blueprint("course", __name__, url_prefix="/course")


@bp.route("/")
@requires("course.take")
def index():
    return render_template("course/index.html")


@bp.route("/resume")
@requires("course.take")
def resume():
    return redirect(url_for("course.index"))
