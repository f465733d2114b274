"""The glossary (ordlista) in Swedish alphabetical order."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from .loader import GlossarySource
from .model import Course, GlossaryEntry

SWEDISH_LETTERS = "abcdefghijklmnopqrstuvwxyzåäö"


def swedish_sort_key(text: str) -> tuple[tuple[int, int], ...]:
    """Sort key with å, ä, ö after z (and é sorted as e), ignoring case."""
    key: list[tuple[int, int]] = []
    for char in unicodedata.normalize("NFC", text.casefold()):
        if char not in SWEDISH_LETTERS:
            base = unicodedata.normalize("NFKD", char)[:1]
            char = base if base in SWEDISH_LETTERS[:26] else char
        if char in SWEDISH_LETTERS:
            key.append((1, SWEDISH_LETTERS.index(char)))
        else:
            key.append((0, ord(char)))
    return tuple(key)


def build_glossary(entries: Iterable[GlossarySource], course: Course) -> list[GlossaryEntry]:
    """Glossary entries sorted by term; a reference to an unknown lesson becomes None."""
    result = [
        GlossaryEntry(
            entry.term,
            entry.definition,
            entry.lesson_id if entry.lesson_id and course.lesson(entry.lesson_id) else None,
        )
        for entry in entries
    ]
    return sorted(result, key=lambda entry: (swedish_sort_key(entry.term), entry.term))
