"""The real course in content/ passes `content check` without errors (warnings are allowed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.course.content import check_content, load_exercise_catalog

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
CATALOG = REPO / "sandbox" / "exercises" / "catalog.yaml"


@pytest.mark.skipif(
    not any((CONTENT / "del-1-grunder").glob("[0-9]*.md")),
    reason="the lessons of content/del-1-grunder are not written yet",
)
def test_real_course_content_has_no_errors() -> None:
    catalog = load_exercise_catalog(CATALOG) if CATALOG.is_file() else None
    errors = [str(problem) for problem in check_content(CONTENT, catalog) if problem.is_error]
    assert errors == []
