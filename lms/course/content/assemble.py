"""Turn loaded sources and rendered bodies into the immutable Course model."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from .loader import ContentSource, LessonSource
from .model import CheckpointQuestion, Course, Lesson, Part
from .render import RenderedLesson


def lesson_ids_by_path(content: ContentSource) -> dict[str, str]:
    """Content-relative path of every lesson with an id -> that id (first one wins)."""
    ids: dict[str, str] = {}
    for lesson in content.lessons:
        lesson_id = lesson.meta.get("id")
        if isinstance(lesson_id, str):
            ids.setdefault(lesson.path, lesson_id)
    return ids


def _checkpoint(source: LessonSource) -> tuple[CheckpointQuestion, ...]:
    return tuple(
        CheckpointQuestion(
            id=item["id"],
            question=item["question"].strip(),
            options=tuple(option.strip() for option in item["options"]),
            correct=item["correct"],
            feedback=item["feedback"].strip(),
        )
        for item in source.meta.get("checkpoint") or []
    )


def build_lesson(source: LessonSource, part_id: str, rendered: RenderedLesson) -> Lesson:
    """A Lesson from a source whose front matter is valid (``source.valid``)."""
    meta = source.meta
    return Lesson(
        id=meta["id"],
        part_id=part_id,
        path=source.path,
        title=meta["title"].strip(),
        minutes=meta["minutes"],
        objectives=tuple(objective.strip() for objective in meta["objectives"]),
        exercises=tuple(meta.get("exercises") or ()),
        checkpoint=_checkpoint(source),
        html=rendered.html,
        toc=rendered.toc,
        hash=source.digest,
        word_count=rendered.word_count,
        text=rendered.text,
        anchors=rendered.anchors,
    )


def course_version(content: ContentSource, lessons: list[Lesson]) -> str:
    """A short hash over course.yaml, every part.yaml and every lesson hash, in order."""
    digest = hashlib.sha256(content.digest.encode())
    for part in content.parts:
        digest.update(f"\npart {part.folder} {part.digest}".encode())
    for lesson in lessons:
        digest.update(f"\nlesson {lesson.id} {lesson.hash}".encode())
    return digest.hexdigest()[:16]


def build_course(
    content: ContentSource, render: Callable[[LessonSource], RenderedLesson]
) -> Course:
    """The course from its valid parts and lessons; invalid ones and duplicate ids are left out."""
    seen: set[str] = set()
    parts: list[Part] = []
    all_lessons: list[Lesson] = []
    for part_source in content.parts:
        if not part_source.valid:
            continue
        lessons = []
        for source in part_source.lessons:
            if not source.valid or source.meta["id"] in seen:
                continue
            seen.add(source.meta["id"])
            lessons.append(build_lesson(source, part_source.id, render(source)))
        all_lessons.extend(lessons)
        parts.append(
            Part(
                part_source.id,
                part_source.folder,
                part_source.title,
                part_source.summary,
                tuple(lessons),
            )
        )
    refresher = tuple(dict.fromkeys(i for i, _line in content.refresher if i in seen))
    return Course(
        content.title, tuple(parts), course_version(content, all_lessons), refresher=refresher
    )
