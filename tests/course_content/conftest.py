"""Fixtures that build tiny courses in tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .builders import default_files

MakeCourse = Callable[..., Path]


@pytest.fixture
def make_course(tmp_path: Path) -> MakeCourse:
    """make_course({"del-1-a/01-forsta.md": "...", "course.yaml": None}) -> the content folder.

    Files given replace the default course's files; None removes a default file.
    """

    def make(files: dict[str, str | None] | None = None) -> Path:
        root = tmp_path / "content"
        merged: dict[str, str | None] = {**default_files(), **(files or {})}
        for relative, text in merged.items():
            if text is None:
                continue
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        root.mkdir(exist_ok=True)
        return root

    return make
