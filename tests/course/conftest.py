"""Fixtures for the course pages: trainees, a tiny course in tmp_path, progress helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lms.course import service
from lms.course.store import get_store
from tests.course_content.builders import lesson_md, part_yaml

CHECKPOINT_YAML = """\
checkpoint:
  - id: cp-a
    question: Vem intygar identiteten?
    options:
      - En kollega
      - Chefen
    correct: 1
    feedback: Chefen intygar, aldrig en kollega.
  - id: cp-b
    question: Får PIN skickas med e-post?
    options:
      - Nej
      - Ja
    correct: 0
    feedback: PIN skickas aldrig med e-post.
"""

TINY_COURSE = {
    "course.yaml": "title: Testkurs\nparts:\n  - del-1-a\n  - del-2-b\n",
    "glossary.yaml": (
        "- term: Ärende\n  definition: Något att göra.\n  lesson: p1-andra\n"
        "- term: Attest\n  definition: Ett intyg.\n  lesson: p1-forsta\n"
        "- term: Zon\n  definition: Ett område.\n"
    ),
    "del-1-a/part.yaml": part_yaml("del-1", "Del 1: Grunder"),
    "del-1-a/01-forsta.md": lesson_md("p1-forsta", "Första", "Om kortläsare och kort."),
    "del-1-a/02-andra.md": lesson_md("p1-andra", "Andra", "Andra texten.", CHECKPOINT_YAML),
    "del-2-b/part.yaml": part_yaml("del-2", "Del 2: Arbetet"),
    "del-2-b/01-tredje.md": lesson_md("p2-tredje", "Tredje", "Tredje texten."),
}


def write_course(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def tiny_content(tmp_path) -> Path:
    return write_course(tmp_path / "content", TINY_COURSE)


@pytest.fixture
def app_config(app_config, tiny_content) -> dict:
    """Course tests run on the tiny course unless a test module overrides this fixture."""
    return {**app_config, "CONTENT_DIR": str(tiny_content)}


@pytest.fixture
def trainee(login_as):
    """A signed-in trainee (the test client carries the session)."""
    return login_as("trainee")


def finish_lessons(user, part_id: str) -> None:
    part = get_store().course().part(part_id)
    assert part is not None
    for lesson in part.lessons:
        service.mark_done(user, lesson.id)


def answer_all(user, part_id: str, *, right: bool = True) -> None:
    part = get_store().course().part(part_id)
    assert part is not None
    for question in service.checkpoint_questions(part):
        chosen = question.correct if right else (question.correct + 1) % len(question.options)
        service.answer_checkpoint(user, question.id, chosen)


@pytest.fixture
def complete_part() -> Callable[..., None]:
    def complete(user, part_id: str) -> None:
        finish_lessons(user, part_id)
        answer_all(user, part_id)

    return complete
