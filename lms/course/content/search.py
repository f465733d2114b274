"""Simple ranked search over lesson titles and text.

Matching is case-insensitive and by substring, so 'läsare' finds 'kortläsare'. A query typed
without å, ä, ö ('kortlasare') still matches, but a match with the right letters scores higher.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from .model import Lesson

TITLE_WEIGHT = 10
OBJECTIVE_WEIGHT = 3
MAX_TEXT_HITS = 20
SNIPPET_CHARS = 160


@lru_cache(maxsize=4096)
def _strip_marks(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


@lru_cache(maxsize=512)
def fold(text: str) -> tuple[str, tuple[int, ...]]:
    """Case- and accent-folded text, with the index in ``text`` of every folded character.

    Cached: lesson texts are folded once, not on every search.
    """
    chars: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        for piece in _strip_marks(char.casefold()):
            chars.append(piece)
            positions.append(index)
    return "".join(chars), tuple(positions)


def folded(text: str) -> str:
    return fold(text)[0]


@lru_cache(maxsize=512)
def _casefolded(text: str) -> str:
    return text.casefold()


def query_terms(query: str) -> list[str]:
    return [term for term in re.findall(r"\w+", query.casefold()) if term]


def _hits(term: str, exact: str, folded_text: str) -> int:
    """Occurrences with the exact letters count twice, accent-insensitive ones once."""
    return exact.count(term) + folded_text.count(folded(term))


def score_lesson(lesson: Lesson, terms: list[str]) -> int:
    """0 unless every term occurs in the title, objectives or text."""
    fields = (
        (lesson.title, TITLE_WEIGHT),
        (" ".join(lesson.objectives), OBJECTIVE_WEIGHT),
        (lesson.text, 1),
    )
    total = 0
    for term in terms:
        term_score = 0
        for value, weight in fields:
            exact = _casefolded(value)
            hits = _hits(term, exact, folded(value))
            term_score += weight * min(hits, MAX_TEXT_HITS)
        if term_score == 0:
            return 0
        total += term_score
    return total


def snippet(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around the first occurrence of a term."""
    folded_text, positions = fold(text)
    found = [folded_text.find(folded(term)) for term in terms]
    found = [index for index in found if index >= 0]
    if not found:
        return text[:width].rstrip() + ("…" if len(text) > width else "")
    centre = positions[min(found)]
    start = max(0, centre - width // 3)
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start, centre)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", centre, end)
        end = space if space > centre else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return f"{prefix}{text[start:end].strip()}{suffix}"


def search_lessons(lessons: Iterable[Lesson], query: str) -> list[tuple[Lesson, str]]:
    """Lessons that contain every term of ``query``, best first, each with a text snippet."""
    terms = query_terms(query)
    if not terms:
        return []
    ordered = list(lessons)
    scored = [(score_lesson(lesson, terms), index, lesson) for index, lesson in enumerate(ordered)]
    ranked = sorted((item for item in scored if item[0] > 0), key=lambda x: (-x[0], x[1]))
    return [(lesson, snippet(lesson.text, terms)) for _score, _index, lesson in ranked]
