"""The course as the web layer sees it: immutable parts, lessons and checkpoint questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class TocEntry(NamedTuple):
    """One ``##`` or ``###`` heading of a lesson: level 2 or 3, its anchor and its text."""

    level: int
    anchor: str
    title: str


class GlossaryEntry(NamedTuple):
    """One term of the glossary; ``lesson_id`` is the lesson that explains it, if any."""

    term: str
    definition: str
    lesson_id: str | None


@dataclass(frozen=True)
class CheckpointQuestion:
    id: str
    question: str
    options: tuple[str, ...]
    correct: int
    feedback: str

    def is_correct(self, answer: int) -> bool:
        return answer == self.correct


@dataclass(frozen=True)
class Lesson:
    """A rendered lesson. ``html`` is sanitised and safe to output unescaped."""

    id: str
    part_id: str
    path: str  # relative to the content folder, e.g. "del-1-grunder/01-valkommen.md"
    title: str
    minutes: int
    objectives: tuple[str, ...]
    exercises: tuple[str, ...]
    checkpoint: tuple[CheckpointQuestion, ...]
    html: str
    toc: tuple[TocEntry, ...]
    hash: str  # short sha256 of the file bytes
    word_count: int
    text: str  # plain text of the body, for search
    anchors: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Part:
    id: str
    folder: str
    title: str
    summary: str
    lessons: tuple[Lesson, ...]

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


@dataclass(frozen=True)
class Course:
    """The whole course. ``version`` changes whenever a lesson, part.yaml or course.yaml changes."""

    title: str
    parts: tuple[Part, ...]
    version: str
    # Lessons a holder renewing an approval is asked to read again (course.yaml `refresher`).
    refresher: tuple[str, ...] = ()
    _lessons: tuple[Lesson, ...] = field(init=False, repr=False, compare=False)
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _parts_by_lesson: dict[str, Part] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lessons = tuple(lesson for part in self.parts for lesson in part.lessons)
        object.__setattr__(self, "_lessons", lessons)
        object.__setattr__(self, "_index", {lesson.id: i for i, lesson in enumerate(lessons)})
        by_lesson = {lesson.id: part for part in self.parts for lesson in part.lessons}
        object.__setattr__(self, "_parts_by_lesson", by_lesson)

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        """All lessons in reading order, across parts."""
        return self._lessons

    def lesson(self, lesson_id: str) -> Lesson | None:
        index = self._index.get(lesson_id)
        return None if index is None else self._lessons[index]

    def part(self, part_id: str) -> Part | None:
        return next((part for part in self.parts if part.id == part_id), None)

    def part_of(self, lesson_id: str) -> Part | None:
        return self._parts_by_lesson.get(lesson_id)

    def previous(self, lesson_id: str) -> Lesson | None:
        """The lesson before this one in reading order (may be in the previous part)."""
        index = self._index.get(lesson_id)
        return None if index is None or index == 0 else self._lessons[index - 1]

    def next(self, lesson_id: str) -> Lesson | None:
        """The lesson after this one in reading order (may be in the next part)."""
        index = self._index.get(lesson_id)
        if index is None or index + 1 >= len(self._lessons):
            return None
        return self._lessons[index + 1]

    @property
    def minutes(self) -> int:
        return sum(part.minutes for part in self.parts)
