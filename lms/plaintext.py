"""Checks and clean-ups for short, one-line text typed by people (names, titles, subjects)."""

from __future__ import annotations

import unicodedata

# Cc: C0/C1 controls (CR, LF, TAB, NUL…); Zl/Zp: the Unicode line and paragraph separators.
_LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})


def has_control_characters(text: str) -> bool:
    """True if `text` holds a line break or another control character."""
    return any(unicodedata.category(char) in _LINE_BREAKING for char in text)


def one_line(text: str) -> str:
    """`text` on one line: control characters become spaces and runs of spaces become one."""
    cleaned = "".join(
        " " if unicodedata.category(char) in _LINE_BREAKING else char for char in text
    )
    return " ".join(cleaned.split())
