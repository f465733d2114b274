"""`content check`: every problem in the course content, as ``file:line: message``.

check_content() never stops at the first problem. Problems inside one file come from the
loader; the checks here need the whole course: duplicate ids, links, images, exercises and
glossary references.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from lms.textfiles import NotUtf8Error, read_utf8

from .assemble import lesson_ids_by_path
from .frontmatter import YamlError, load_yaml
from .loader import ContentError, ContentSource, LessonSource, load_content
from .problems import Problem, sort_problems
from .render import RenderedLesson, render_lesson

CATALOG_PATH = Path("sandbox") / "exercises" / "catalog.yaml"
PLANNED = "planned"
Location = tuple[str, int]


def load_exercise_catalog(path: Path) -> dict[str, str]:
    """Exercise id -> status ('planned', 'ready', ...) from sandbox/exercises/catalog.yaml."""
    data, _lines = load_yaml(read_utf8(path))
    catalog: dict[str, str] = {}
    for item in data or []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            catalog[item["id"]] = str(item.get("status") or "ready")
    return catalog


def _duplicates(kind: str, found: Mapping[str, list[Location]]) -> list[Problem]:
    problems = []
    for value, locations in found.items():
        if len(locations) < 2:
            continue
        for path, line in locations:
            others = ", ".join(f"{p}:{n}" for p, n in locations if (p, n) != (path, line))
            message = f"duplicate {kind} id '{value}' (also in {others})"
            problems.append(Problem(path, line, message))
    return problems


def check_duplicate_ids(content: ContentSource) -> list[Problem]:
    """Part ids, lesson ids and checkpoint question ids are each unique across the course."""
    parts: dict[str, list[Location]] = defaultdict(list)
    lessons: dict[str, list[Location]] = defaultdict(list)
    questions: dict[str, list[Location]] = defaultdict(list)
    for part in content.parts:
        if part.valid:
            parts[part.id].append((content.label(f"{part.folder}/part.yaml"), part.id_line))
    for lesson in content.lessons:
        if isinstance(lesson.meta.get("id"), str):
            lessons[lesson.meta["id"]].append((lesson.label, lesson.lines.line("id")))
        checkpoint = lesson.meta.get("checkpoint")
        for index, item in enumerate(checkpoint if isinstance(checkpoint, list) else []):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                where = lesson.lines.line("checkpoint", index, "id")
                questions[item["id"]].append((lesson.label, where))
    return (
        _duplicates("part", parts)
        + _duplicates("lesson", lessons)
        + _duplicates("checkpoint", questions)
    )


class _Locator:
    """Finds the file line of successive occurrences of a link target in a lesson body."""

    def __init__(self, lesson: LessonSource) -> None:
        self.lesson = lesson
        self._used: dict[str, int] = defaultdict(int)

    def line(self, needle: str) -> int:
        start = self.lesson.body_line
        hits = [
            start + offset
            for offset, text in enumerate(self.lesson.source_lines[start - 1 :])
            for _ in range(text.count(needle))
        ]
        index = self._used[needle]
        self._used[needle] += 1
        if not hits:
            return start
        return hits[min(index, len(hits) - 1)]


def _missing_anchor(anchor: str | None, target: RenderedLesson | None) -> bool:
    return bool(anchor) and target is not None and anchor not in target.anchors


def check_links(content: ContentSource, rendered: Mapping[str, RenderedLesson]) -> list[Problem]:
    """Relative links lead to an existing file, and an anchor to a heading of that lesson."""
    problems = []
    for lesson in content.lessons:
        locate = _Locator(lesson)
        for ref in rendered[lesson.path].links:
            message = None
            if ref.kind == "outside":
                message = "points outside the content folder"
            elif ref.kind in ("lesson", "file") and ref.target is not None:
                if not (content.root / ref.target).is_file():
                    message = "file does not exist"
                elif _missing_anchor(ref.anchor, rendered.get(ref.target)):
                    message = f"no heading '{ref.anchor}' in {content.label(ref.target)}"
            elif ref.kind == "anchor" and _missing_anchor(ref.anchor, rendered[lesson.path]):
                message = f"no heading '{ref.anchor}' in this lesson"
            if message is not None:
                line = locate.line(ref.raw)
                problems.append(Problem(lesson.label, line, f"broken link '{ref.raw}': {message}"))
    return problems


def check_images(content: ContentSource, rendered: Mapping[str, RenderedLesson]) -> list[Problem]:
    """Relative image paths name files that exist inside the content folder."""
    problems = []
    for lesson in content.lessons:
        locate = _Locator(lesson)
        for ref in rendered[lesson.path].images:
            if ref.kind == "outside":
                message = f"missing image '{ref.raw}': points outside the content folder"
            elif ref.target is not None and not (content.root / ref.target).is_file():
                message = f"missing image '{ref.raw}'"
            else:
                continue
            problems.append(Problem(lesson.label, locate.line(ref.raw), message))
    return problems


def check_exercises(content: ContentSource, catalog: Mapping[str, str]) -> list[Problem]:
    """Warn about exercise ids not in the catalog, or whose checker is still planned."""
    problems = []
    for lesson in content.lessons:
        exercises = lesson.meta.get("exercises")
        for index, exercise in enumerate(exercises if isinstance(exercises, list) else []):
            if not isinstance(exercise, str):
                continue
            line = lesson.lines.line("exercises", index)
            if exercise not in catalog:
                message = f"unknown exercise '{exercise}' (not in the exercise catalog)"
            elif catalog[exercise] == PLANNED:
                message = f"exercise '{exercise}' is planned: its checker is not built yet"
            else:
                continue
            problems.append(Problem(lesson.label, line, message, "warning"))
    return problems


def check_glossary(content: ContentSource) -> list[Problem]:
    """Glossary entries refer only to lessons that exist."""
    ids = {lesson.meta.get("id") for lesson in content.lessons}
    label = content.label("glossary.yaml")
    return [
        Problem(
            label,
            entry.line,
            f"glossary entry '{entry.term}' refers to unknown lesson '{entry.lesson_id}'",
        )
        for entry in content.glossary
        if entry.lesson_id is not None and entry.lesson_id not in ids
    ]


def check_refresher(content: ContentSource) -> list[Problem]:
    """course.yaml's refresher list names lessons that exist, each once."""
    ids = {lesson.meta.get("id") for lesson in content.lessons}
    label = content.label("course.yaml")
    problems, seen = [], set()
    for lesson_id, line in content.refresher:
        if lesson_id not in ids:
            problems.append(Problem(label, line, f"refresher lists unknown lesson '{lesson_id}'"))
        elif lesson_id in seen:
            problems.append(Problem(label, line, f"refresher lists '{lesson_id}' twice"))
        seen.add(lesson_id)
    return problems


def check_content(
    content_dir: Path | str, known_exercises: Mapping[str, str] | None = None
) -> list[Problem]:
    """All problems in the content folder, sorted by file and line.

    ``known_exercises`` maps exercise id -> status; None skips the exercise checks.
    """
    root = Path(content_dir)
    try:
        content = load_content(root)
    except ContentError:
        return [Problem(f"{root.name}/course.yaml", None, "course.yaml is missing")]
    lesson_ids = lesson_ids_by_path(content)
    rendered = {
        lesson.path: render_lesson(lesson.body, lesson_path=lesson.path, lesson_ids=lesson_ids)
        for lesson in content.lessons
    }
    problems = list(content.problems)
    problems += check_duplicate_ids(content)
    problems += check_links(content, rendered)
    problems += check_images(content, rendered)
    problems += check_glossary(content)
    problems += check_refresher(content)
    if known_exercises is not None:
        problems += check_exercises(content, known_exercises)
    return sort_problems(problems)


def run_check(content_dir: Path | str, out: TextIO, *, catalog_path: Path | None = None) -> int:
    """Print every problem and a summary; exit code 1 when there are errors, else 0.

    The exercise catalog defaults to sandbox/exercises/catalog.yaml next to the content folder.
    """
    root = Path(content_dir)
    catalog_file = catalog_path or root.resolve().parent / CATALOG_PATH
    catalog: dict[str, str] | None = None
    if catalog_file.is_file():
        try:
            catalog = load_exercise_catalog(catalog_file)
        except (YamlError, NotUtf8Error, OSError) as err:
            print(f"{catalog_file}: cannot read the exercise catalog: {err}", file=out)
    problems = check_content(root, catalog)
    for problem in problems:
        print(problem, file=out)
    errors = sum(problem.is_error for problem in problems)
    warnings = len(problems) - errors
    print(f"content check: {errors} error(s), {warnings} warning(s)", file=out)
    return 1 if errors else 0
