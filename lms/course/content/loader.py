"""Read the content folder: course.yaml, part.yaml, lesson files and glossary.yaml.

Everything found wrong inside a single file is returned as a Problem; checks that need
the whole course (duplicate ids, links, images, glossary references) live in check.py.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lms.textfiles import NotUtf8Error, decode_utf8

from .frontmatter import LineMap, YamlError, load_yaml, split_front_matter
from .problems import Problem
from .schema import validate_course_meta, validate_lesson_meta, validate_part_meta

COURSE_FILE = "course.yaml"
PART_FILE = "part.yaml"
GLOSSARY_FILE = "glossary.yaml"
LESSON_NAME = re.compile(r"(\d+)-.*\.md")
IGNORED_MARKDOWN = "README.md"


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True)
class LessonSource:
    path: str  # relative to the content folder: "del-1-grunder/01-valkommen.md"
    label: str  # as reported: "content/del-1-grunder/01-valkommen.md"
    part_folder: str
    order: int
    meta: dict[str, Any]
    lines: LineMap
    body: str
    body_line: int
    source_lines: tuple[str, ...]
    digest: str
    valid: bool  # the front matter has no schema errors


@dataclass(frozen=True)
class PartSource:
    folder: str
    id: str
    title: str
    summary: str
    digest: str
    listed_line: int  # the line of course.yaml that lists this part
    lessons: tuple[LessonSource, ...]
    valid: bool = True  # part.yaml exists and has no schema errors
    id_line: int = 1  # the line of 'id' in part.yaml


@dataclass(frozen=True)
class GlossarySource:
    term: str
    definition: str
    lesson_id: str | None
    line: int  # the line of the entry's 'lesson' key, or of the entry


@dataclass(frozen=True)
class ContentSource:
    root: Path
    title: str
    digest: str  # of course.yaml
    parts: tuple[PartSource, ...]
    glossary: tuple[GlossarySource, ...]
    problems: tuple[Problem, ...]
    # Lessons a holder renewing an approval is asked to read again: (lesson id, line).
    refresher: tuple[tuple[str, int], ...] = ()

    def label(self, relative: str) -> str:
        return f"{self.root.name}/{relative}"

    @property
    def lessons(self) -> tuple[LessonSource, ...]:
        return tuple(lesson for part in self.parts for lesson in part.lessons)


class ContentError(Exception):
    """The content folder cannot be loaded at all (no readable course.yaml)."""


def _read_text(path: Path, label: str, problems: list[Problem]) -> tuple[str, bytes] | None:
    try:
        data = path.read_bytes()
        return decode_utf8(data, label), data
    except NotUtf8Error as err:
        problems.append(Problem(label, err.line, err.message))
    except OSError as err:
        problems.append(Problem(label, None, f"cannot read file: {err.strerror}"))
    return None


def read_lesson(root: Path, relative: str, problems: list[Problem]) -> LessonSource | None:
    """Parse one lesson file; None when its front matter cannot be read at all."""
    label = f"{root.name}/{relative}"
    read = _read_text(root / relative, label, problems)
    if read is None:
        return None
    text, data = read
    try:
        front = split_front_matter(text)
    except YamlError as err:
        problems.append(Problem(label, err.line, err.message))
        return None
    schema_problems = validate_lesson_meta(front.data, front.lines, label)
    problems.extend(schema_problems)
    folder, _, name = relative.rpartition("/")
    match = LESSON_NAME.fullmatch(name)
    if match is None:
        problems.append(
            Problem(label, 1, "lesson file name must start with a number, e.g. 01-valkommen.md")
        )
    return LessonSource(
        path=relative,
        label=label,
        part_folder=folder,
        order=int(match.group(1)) if match else 0,
        meta=front.data,
        lines=front.lines,
        body=front.body,
        body_line=front.body_line,
        source_lines=tuple(text.splitlines()),
        digest=short_hash(data),
        valid=match is not None and not any(p.is_error for p in schema_problems),
    )


def _read_yaml(path: Path, label: str, problems: list[Problem]) -> tuple[Any, LineMap, bytes]:
    read = _read_text(path, label, problems)
    if read is None:
        return None, LineMap({}, 1), b""
    text, data = read
    try:
        parsed, lines = load_yaml(text)
    except YamlError as err:
        problems.append(Problem(label, err.line, err.message))
        return None, LineMap({}, 1), data
    return parsed, lines, data


def _read_part(
    root: Path, folder: str, listed_line: int, course_label: str, problems: list[Problem]
) -> PartSource | None:
    """A listed part; its lessons are read even when part.yaml is broken (valid=False)."""
    if not (root / folder).is_dir():
        message = f"part folder '{folder}' does not exist"
        problems.append(Problem(course_label, listed_line, message))
        return None
    label = f"{root.name}/{folder}/{PART_FILE}"
    data: Any = None
    raw = b""
    valid = False
    id_line = 1
    if (root / folder / PART_FILE).is_file():
        data, lines, raw = _read_yaml(root / folder / PART_FILE, label, problems)
        if data is not None or not raw:
            part_problems = validate_part_meta(data, lines, label)
            problems.extend(part_problems)
            valid = not any(p.is_error for p in part_problems)
            id_line = lines.line("id")
    else:
        problems.append(Problem(course_label, listed_line, f"part '{folder}' has no {PART_FILE}"))
    meta = data if valid else {}
    names = sorted(p.name for p in (root / folder).glob("*.md") if p.name != IGNORED_MARKDOWN)
    lessons = [read_lesson(root, f"{folder}/{name}", problems) for name in names]
    ordered = sorted((x for x in lessons if x is not None), key=lambda x: (x.order, x.path))
    if not names:
        problems.append(
            Problem(course_label, listed_line, f"part '{folder}' has no lessons yet", "warning")
        )
    return PartSource(
        folder=folder,
        id=meta.get("id", folder),
        title=str(meta.get("title", folder)).strip(),
        summary=str(meta.get("summary") or "").strip(),
        digest=short_hash(raw),
        listed_line=listed_line,
        lessons=tuple(ordered),
        valid=valid,
        id_line=id_line,
    )


def _stray_lessons(root: Path, folders: set[str]) -> list[Problem]:
    problems = []
    for path in sorted(root.rglob("*.md")):
        relative = path.relative_to(root).as_posix()
        folder, _, name = relative.rpartition("/")
        if name == IGNORED_MARKDOWN or folder in folders:
            continue
        problems.append(
            Problem(
                f"{root.name}/{relative}",
                1,
                f"lesson is outside the parts listed in {root.name}/{COURSE_FILE}",
            )
        )
    return problems


def read_glossary(root: Path, problems: list[Problem]) -> tuple[GlossarySource, ...]:
    path = root / GLOSSARY_FILE
    if not path.is_file():
        return ()
    label = f"{root.name}/{GLOSSARY_FILE}"
    data, lines, _raw = _read_yaml(path, label, problems)
    if data is None:
        return ()
    if not isinstance(data, list):
        problems.append(Problem(label, 1, "glossary must be a list of terms"))
        return ()
    entries = []
    for index, item in enumerate(data):
        line = lines.line(index)
        if not isinstance(item, dict):
            problems.append(
                Problem(label, line, "glossary entry must be a mapping with term and definition")
            )
            continue
        term = item.get("term")
        name = term if isinstance(term, str) else f"#{index + 1}"
        ok = True
        for key in ("term", "definition"):
            if not (isinstance(item.get(key), str) and item[key].strip()):
                problems.append(
                    Problem(
                        label,
                        lines.line(index, key),
                        f"glossary entry '{name}': '{key}' must be a non-empty string",
                    )
                )
                ok = False
        lesson = item.get("lesson")
        if lesson is not None and not isinstance(lesson, str):
            problems.append(
                Problem(
                    label,
                    lines.line(index, "lesson"),
                    f"glossary entry '{name}': 'lesson' must be a lesson id",
                )
            )
            ok = False
        if ok:
            entries.append(
                GlossarySource(
                    item["term"].strip(),
                    item["definition"].strip(),
                    lesson,
                    lines.line(index, "lesson"),
                )
            )
    return tuple(entries)


def load_content(root: Path) -> ContentSource:
    """Read the whole content folder. Raises ContentError if course.yaml is missing."""
    root = Path(root)
    course_label = f"{root.name}/{COURSE_FILE}"
    if not (root / COURSE_FILE).is_file():
        raise ContentError(f"{course_label}: missing")
    problems: list[Problem] = []
    data, lines, raw = _read_yaml(root / COURSE_FILE, course_label, problems)
    problems.extend(validate_course_meta(data, lines, course_label))
    course = data if isinstance(data, dict) else {}
    folders = course.get("parts") if isinstance(course.get("parts"), list) else []
    parts: list[PartSource] = []
    seen: set[str] = set()
    for index, folder in enumerate(folders):
        if not isinstance(folder, str) or folder in seen:
            if folder in seen:
                problems.append(
                    Problem(
                        course_label, lines.line("parts", index), f"part '{folder}' is listed twice"
                    )
                )
            continue
        seen.add(folder)
        part = _read_part(root, folder, lines.line("parts", index), course_label, problems)
        if part is not None:
            parts.append(part)
    problems.extend(_stray_lessons(root, seen))
    glossary = read_glossary(root, problems)
    title = course.get("title")
    listed = course.get("refresher") if isinstance(course.get("refresher"), list) else []
    refresher = tuple(
        (item, lines.line("refresher", index))
        for index, item in enumerate(listed)
        if isinstance(item, str)
    )
    return ContentSource(
        root=root,
        title=title.strip() if isinstance(title, str) else "",
        digest=short_hash(raw),
        parts=tuple(parts),
        glossary=glossary,
        problems=tuple(problems),
        refresher=refresher,
    )
