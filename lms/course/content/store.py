"""ContentStore: the loaded, rendered course, refreshed when its files change.

The store checks file modification times and sizes at most every ``check_interval`` seconds
(0 = on every call, for debug and tests). When something changed it re-reads the sources, which
is cheap, and re-renders only lessons whose bytes changed (or all of them when a lesson id or
path changed, since links between lessons depend on those).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .assemble import build_course, lesson_ids_by_path
from .glossary import build_glossary
from .loader import ContentError, ContentSource, LessonSource, load_content
from .model import Course, GlossaryEntry, Lesson
from .problems import Problem
from .render import (
    AssetUrl,
    LessonUrl,
    RenderedLesson,
    default_asset_url,
    default_lesson_url,
    render_lesson,
)
from .search import search_lessons

logger = logging.getLogger(__name__)
FileSignature = tuple[tuple[str, int, int], ...]
WATCHED_SUFFIXES = (".md", ".yaml", ".yml")


def file_signature(root: Path) -> FileSignature:
    """(relative path, mtime_ns, size) of every content file in the root and its part folders."""
    found: list[tuple[str, int, int]] = []
    folders = [(root, "")]
    with os.scandir(root) as entries:
        folders += [(Path(e.path), f"{e.name}/") for e in entries if e.is_dir()]
    for folder, prefix in folders:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_file() and entry.name.endswith(WATCHED_SUFFIXES):
                    stat = entry.stat()
                    found.append((prefix + entry.name, stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(found))


class ContentStore:
    """Thread-safe access to the course; cheap to call on every request."""

    def __init__(
        self,
        content_dir: Path | str,
        *,
        lesson_url: LessonUrl = default_lesson_url,
        asset_url: AssetUrl = default_asset_url,
        check_interval: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.content_dir = Path(content_dir)
        self._lesson_url = lesson_url
        self._asset_url = asset_url
        self._check_interval = check_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._last_check = 0.0
        self._signature: FileSignature | None = None
        self._rendered: dict[str, tuple[tuple[str, str], RenderedLesson]] = {}
        self._course: Course | None = None
        self._glossary: list[GlossaryEntry] = []
        self._problems: tuple[Problem, ...] = ()

    # -- public API -------------------------------------------------------------------------

    def course(self) -> Course:
        """The current course. Raises ContentError if it has never loaded (no course.yaml)."""
        with self._lock:
            self._refresh_if_due()
            if self._course is None:  # pragma: no cover - _refresh_if_due raises first
                raise ContentError(f"{self.content_dir}: not loaded")
            return self._course

    def lesson(self, lesson_id: str) -> Lesson | None:
        return self.course().lesson(lesson_id)

    def search(self, query: str) -> list[tuple[Lesson, str]]:
        """Lessons matching every word of ``query``, best first, with a plain-text snippet."""
        return search_lessons(self.course().lessons, query)

    def glossary(self) -> list[GlossaryEntry]:
        """(term, definition, lesson_id) in Swedish alphabetical order."""
        with self._lock:
            self._refresh_if_due()
            return list(self._glossary)

    def problems(self) -> tuple[Problem, ...]:
        """Problems the last load found inside single files (see check.py for the full check)."""
        with self._lock:
            self._refresh_if_due()
            return self._problems

    def refresh(self) -> None:
        """Look at the files now, whatever the check interval."""
        with self._lock:
            self._last_check = float("-inf")
            self._refresh_if_due()

    # -- internals (call with the lock held) ---------------------------------------------

    def _refresh_if_due(self) -> None:
        now = self._clock()
        if self._course is not None and now - self._last_check < self._check_interval:
            return
        self._last_check = now
        try:
            signature = file_signature(self.content_dir)
            if self._course is not None and signature == self._signature:
                return
            content = load_content(self.content_dir)
        except (ContentError, OSError) as err:
            if self._course is None:
                raise ContentError(str(err)) from err
            logger.error("course content not reloaded, keeping the last version: %s", err)
            return
        self._rebuild(content)
        self._signature = signature

    def _rebuild(self, content: ContentSource) -> None:
        lesson_ids = lesson_ids_by_path(content)
        links_key = hashlib.sha256(repr(sorted(lesson_ids.items())).encode()).hexdigest()
        rendered: dict[str, tuple[tuple[str, str], RenderedLesson]] = {}

        def render(source: LessonSource) -> RenderedLesson:
            key = (source.digest, links_key)
            cached = self._rendered.get(source.path)
            if cached is not None and cached[0] == key:
                result = cached[1]
            else:
                result = render_lesson(
                    source.body,
                    lesson_path=source.path,
                    lesson_ids=lesson_ids,
                    lesson_url=self._lesson_url,
                    asset_url=self._asset_url,
                )
            rendered[source.path] = (key, result)
            return result

        course = build_course(content, render)
        self._rendered = rendered
        self._course = course
        self._glossary = build_glossary(content.glossary, course)
        self._problems = content.problems
        for problem in content.problems:
            if problem.is_error:
                logger.warning("course content: %s", problem)
