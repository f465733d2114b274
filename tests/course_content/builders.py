"""Builders for tiny test courses: file texts with known line numbers."""

from __future__ import annotations

import os
from pathlib import Path

COURSE_YAML = """\
title: Testkurs
parts:
  - del-1-a
  - del-2-b
"""


def part_yaml(part_id: str, title: str) -> str:
    return f'id: {part_id}\ntitle: "{title}"\nsummary: Sammanfattning.\n'


def lesson_md(lesson_id: str, title: str, body: str = "Text.", extra: str = "") -> str:
    """A valid lesson: front matter on lines 1-7 (+ extra), '# title' two lines later."""
    return (
        f"---\nid: {lesson_id}\ntitle: {title}\nminutes: 5\nobjectives:\n"
        f"  - Förstå {title.lower()}.\n{extra}---\n\n# {title}\n\n{body}\n"
    )


def default_files() -> dict[str, str]:
    return {
        "course.yaml": COURSE_YAML,
        "del-1-a/part.yaml": part_yaml("del-1", "Del 1: Grunder"),
        "del-1-a/01-forsta.md": lesson_md("p1-forsta", "Första"),
        "del-1-a/02-andra.md": lesson_md("p1-andra", "Andra"),
        "del-2-b/part.yaml": part_yaml("del-2", "Del 2: Arbetet"),
        "del-2-b/01-tredje.md": lesson_md("p2-tredje", "Tredje"),
    }


def rewrite(path: Path, text: str) -> None:
    """Write a file and move its mtime clearly forward, as an editor save would."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    bumped = max(path.stat().st_mtime_ns, before) + 1_000_000_000
    os.utime(path, ns=(bumped, bumped))
