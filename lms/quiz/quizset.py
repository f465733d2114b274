"""The question banks and test.yaml of the running app, loaded once and reloaded on change."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from lms.quiz.bank import QuizSet, load_quizzes


@dataclass(frozen=True)
class LoadedQuizSet:
    quiz_set: QuizSet
    version: str  # sha256 over the bank files and test.yaml (first 16 hex digits)

    @property
    def usable(self) -> bool:
        """True when the test can be drawn: test.yaml loaded and nothing is broken."""
        return self.quiz_set.test is not None and not self.quiz_set.problems


_lock = threading.Lock()
_cache: dict[str, tuple[tuple[tuple[str, int, int], ...], LoadedQuizSet]] = {}


def _files(quiz_dir: Path) -> list[Path]:
    return sorted((quiz_dir / "banks").glob("*.yaml")) + [quiz_dir / "test.yaml"]


def _signature(quiz_dir: Path) -> tuple[tuple[str, int, int], ...]:
    found = []
    for path in _files(quiz_dir):
        if path.is_file():
            stat = path.stat()
            found.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def content_version(quiz_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in _files(quiz_dir):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def load_quiz_set(quiz_dir: Path | str | None = None) -> LoadedQuizSet:
    """The quiz folder (default: the app's QUIZ_DIR); re-read only when a file changed."""
    folder = Path(quiz_dir or current_app.config["QUIZ_DIR"])
    signature = _signature(folder)
    with _lock:
        cached = _cache.get(str(folder))
        if cached is not None and cached[0] == signature:
            return cached[1]
        loaded = LoadedQuizSet(load_quizzes(folder), content_version(folder))
        _cache[str(folder)] = (signature, loaded)
        return loaded
