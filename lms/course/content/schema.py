"""Schema checks for lesson front matter, part.yaml and course.yaml, with the line of each key."""

from __future__ import annotations

import re
from typing import Any

from .frontmatter import LineMap
from .problems import Problem

ID_PATTERN = re.compile(r"[a-z0-9-]+")
MIN_MINUTES, MAX_MINUTES = 1, 120

LESSON_KEYS = ("id", "title", "minutes", "objectives", "exercises", "checkpoint")
LESSON_REQUIRED = ("id", "title", "minutes", "objectives")
QUESTION_KEYS = ("id", "question", "options", "correct", "feedback")
PART_KEYS = ("id", "title", "summary")
PART_REQUIRED = ("id", "title")
COURSE_KEYS = ("title", "parts", "refresher")
COURSE_REQUIRED = ("title", "parts")


def is_id(value: object) -> bool:
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def _is_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Report:
    def __init__(self, path: str, lines: LineMap) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []

    def error(self, where: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(self.path, self.lines.line(*where), message))

    def warning(self, where: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(self.path, self.lines.line(*where), message, "warning"))

    def keys(
        self,
        data: dict[str, Any],
        prefix: tuple[str | int, ...],
        known: tuple[str, ...],
        required: tuple[str, ...],
        label: str = "",
    ) -> None:
        for key in required:
            if key not in data:
                self.error(prefix, f"{label}missing required key '{key}'")
        for key in data:
            if key not in known:
                self.warning((*prefix, key), f"{label}unknown key '{key}'")


def validate_lesson_meta(data: dict[str, Any], lines: LineMap, path: str) -> list[Problem]:
    """Every schema problem of a lesson's front matter, at the line of the offending key."""
    report = _Report(path, lines)
    report.keys(data, (), LESSON_KEYS, LESSON_REQUIRED)
    if "id" in data and not is_id(data["id"]):
        report.error(("id",), f"'id' must match [a-z0-9-]+, got {data['id']!r}")
    if "title" in data and not _is_text(data["title"]):
        report.error(("title",), "'title' must be a non-empty string")
    if "minutes" in data:
        minutes = data["minutes"]
        if not (_is_int(minutes) and MIN_MINUTES <= minutes <= MAX_MINUTES):
            report.error(
                ("minutes",),
                f"'minutes' must be a whole number from {MIN_MINUTES} to {MAX_MINUTES}, "
                f"got {minutes!r}",
            )
    if "objectives" in data:
        objectives = data["objectives"]
        if not (isinstance(objectives, list) and objectives and all(map(_is_text, objectives))):
            report.error(("objectives",), "'objectives' must be a non-empty list of strings")
    if "exercises" in data:
        exercises = data["exercises"]
        if not isinstance(exercises, list):
            report.error(("exercises",), "'exercises' must be a list of exercise ids")
        else:
            for index, exercise in enumerate(exercises):
                if not is_id(exercise):
                    report.error(
                        ("exercises", index),
                        f"'exercises' must be a list of exercise ids, got {exercise!r}",
                    )
    if "checkpoint" in data:
        _validate_checkpoint(data["checkpoint"], report)
    return report.problems


def _validate_checkpoint(checkpoint: object, report: _Report) -> None:
    if not isinstance(checkpoint, list):
        report.error(("checkpoint",), "'checkpoint' must be a list of questions")
        return
    for index, item in enumerate(checkpoint):
        where: tuple[str | int, ...] = ("checkpoint", index)
        label = f"checkpoint[{index}]"
        if not isinstance(item, dict):
            report.error(where, f"{label} must be a mapping with {', '.join(QUESTION_KEYS)}")
            continue
        report.keys(item, where, QUESTION_KEYS, QUESTION_KEYS, f"{label}: ")
        if "id" in item and not is_id(item["id"]):
            report.error((*where, "id"), f"{label}.id must match [a-z0-9-]+, got {item['id']!r}")
        for key in ("question", "feedback"):
            if key in item and not _is_text(item[key]):
                report.error((*where, key), f"{label}.{key} must be a non-empty string")
        options = item.get("options")
        options_ok = isinstance(options, list) and len(options) >= 2
        options_ok = options_ok and all(map(_is_text, options))
        if "options" in item and not options_ok:
            message = f"{label}.options must be a list of at least 2 strings"
            report.error((*where, "options"), message)
        if "correct" in item:
            correct = item["correct"]
            if options_ok and isinstance(options, list):
                if not (_is_int(correct) and 0 <= correct < len(options)):
                    report.error(
                        (*where, "correct"),
                        f"{label}.correct must be an index into options "
                        f"(0..{len(options) - 1}), got {correct!r}",
                    )
            elif not _is_int(correct):
                report.error((*where, "correct"), f"{label}.correct must be a whole number")


def validate_part_meta(data: object, lines: LineMap, path: str) -> list[Problem]:
    report = _Report(path, lines)
    if not isinstance(data, dict):
        report.error((), "part.yaml must be a mapping with id, title and summary")
        return report.problems
    report.keys(data, (), PART_KEYS, PART_REQUIRED)
    if "id" in data and not is_id(data["id"]):
        report.error(("id",), f"'id' must match [a-z0-9-]+, got {data['id']!r}")
    if "title" in data and not _is_text(data["title"]):
        report.error(("title",), "'title' must be a non-empty string")
    if "summary" in data and not isinstance(data["summary"], str):
        report.error(("summary",), "'summary' must be a string")
    return report.problems


def validate_course_meta(data: object, lines: LineMap, path: str) -> list[Problem]:
    report = _Report(path, lines)
    if not isinstance(data, dict):
        report.error((), "course.yaml must be a mapping with title and parts")
        return report.problems
    report.keys(data, (), COURSE_KEYS, COURSE_REQUIRED)
    if "title" in data and not _is_text(data["title"]):
        report.error(("title",), "'title' must be a non-empty string")
    parts = data.get("parts")
    if "parts" in data and not (
        isinstance(parts, list) and parts and all(isinstance(p, str) for p in parts)
    ):
        report.error(("parts",), "'parts' must be a non-empty list of part folder names")
    refresher = data.get("refresher")
    if "refresher" in data and not (
        isinstance(refresher, list) and all(isinstance(r, str) for r in refresher)
    ):
        report.error(("refresher",), "'refresher' must be a list of lesson ids")
    return report.problems
