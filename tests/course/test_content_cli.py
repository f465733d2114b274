"""`flask content check` exits 0 on the real course and non-zero, with file:line, on errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lms import create_app

ROOT = Path(__file__).resolve().parents[2]


def _run(content_dir: Path, **config):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": "sqlite://",
            "CONTENT_DIR": str(content_dir),
            **config,
        }
    )
    return app.test_cli_runner().invoke(args=["content", "check"])


@pytest.fixture
def course_copy(tmp_path) -> Path:
    return Path(shutil.copytree(ROOT / "content", tmp_path / "content"))


def test_the_real_course_passes_with_exit_code_0(course_copy):
    result = _run(course_copy)
    assert result.exit_code == 0, result.output
    assert "content check: 0 error(s)" in result.output


def test_a_broken_link_fails_with_file_and_line(course_copy):
    lesson = course_copy / "del-1-grunder" / "02-roller-och-ansvar.md"
    lines = lesson.read_text(encoding="utf-8").splitlines()
    lines.append("Se [en lektion som inte finns](99-finns-inte.md).")
    lesson.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run(course_copy)
    assert result.exit_code != 0
    expected = rf"del-1-grunder/02-roller-och-ansvar\.md:{len(lines)}: .*broken link"
    assert re.search(expected, result.output), result.output


def test_a_missing_required_field_fails(course_copy):
    lesson = course_copy / "del-2-arbetet-i-systemen" / "02-bestalla-kort.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(re.sub(r"(?m)^minutes: .*\n", "", text, count=1), encoding="utf-8")
    result = _run(course_copy)
    assert result.exit_code == 1
    assert re.search(r"del-2-arbetet-i-systemen/02-bestalla-kort\.md:\d+: ", result.output)


def test_planned_exercises_are_warnings_not_errors(course_copy, tmp_path):
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("- id: ex-pin-byte\n  title: Byt PIN\n  status: planned\n", encoding="utf-8")
    result = _run(course_copy, EXERCISE_CATALOG=str(catalog))
    assert "warning: exercise 'ex-pin-byte' is planned" in result.output
    assert result.exit_code == 0


def test_the_real_catalog_has_every_linked_exercise_built(course_copy):
    result = _run(course_copy)
    assert "0 warning(s)" in result.output, result.output
    assert result.exit_code == 0
    # built exercises are not warned about
    assert "'ex-pin-byte'" not in result.output


def test_a_lesson_that_is_not_utf8_is_reported_at_its_line_and_offset(course_copy):
    lesson = course_copy / "del-1-grunder" / "02-roller-och-ansvar.md"
    data = lesson.read_bytes()
    bad_line = data.count(b"\n") + 1
    lesson.write_bytes(data + b"Latin-1: \xe5\n")
    result = _run(course_copy)
    assert result.exit_code == 1
    expected = (
        f"del-1-grunder/02-roller-och-ansvar.md:{bad_line}: "
        f"file is not UTF-8 text (invalid byte at offset {len(data) + 9})"
    )
    assert expected in result.output


def test_an_exercise_catalog_that_is_not_utf8_is_one_line_not_a_traceback(course_copy, tmp_path):
    catalog = tmp_path / "catalog.yaml"
    catalog.write_bytes(b"- id: ex-a\n  title: \xe5\n")
    result = _run(course_copy, EXERCISE_CATALOG=str(catalog))
    expected = f"{catalog}: cannot read the exercise catalog: {catalog}:2: file is not UTF-8 text"
    assert expected in result.output
