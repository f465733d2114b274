"""Fixtures for the Flask-independent quiz core: questions of every type and quiz folders."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from quiz_factories import every_type_questions

from lms.quiz.bank.model import Bank, Question


@pytest.fixture
def every_type_bank() -> Bank:
    return Bank("syntetisk", "quizzes/banks/syntetisk.yaml", every_type_questions())


@pytest.fixture
def question_by_type() -> dict[str, Question]:
    return {q.id.removeprefix("t-"): q for q in every_type_questions()}


TEST_YAML = """\
title: Kunskapstest
draw:
  roller: 1
shuffle_questions: true
shuffle_options: true
time_limit_minutes: 45
pass_percent: 80
max_attempts: 3
cooldown_hours: 24
review: wrong
"""

GOOD_BANK = """\
bank: roller
category: roller
questions:
  - id: roller-001
    version: 1
    type: single
    lesson: p1-roller
    stem: Vem?
    options: [Ansvarig utgivare, Inera]
    correct: [0]
"""


@pytest.fixture
def write_quizzes(tmp_path: Path) -> Callable[..., Path]:
    """Write a quiz folder: `write_quizzes(test=..., roller=..., other=...)` (YAML texts)."""

    def write(test: str = TEST_YAML, **banks: str) -> Path:
        quiz_dir = tmp_path / "quizzes"
        (quiz_dir / "banks").mkdir(parents=True, exist_ok=True)
        (quiz_dir / "test.yaml").write_text(textwrap.dedent(test), encoding="utf-8")
        for name, text in (banks or {"roller": GOOD_BANK}).items():
            path = quiz_dir / "banks" / f"{name}.yaml"
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return quiz_dir

    return write
