"""Problems found in the course content, reported as ``file:line: message``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one content file.

    ``path`` is relative to the parent of the content folder (``content/del-1-grunder/01-a.md``),
    ``line`` is 1-based, or ``None`` when the problem is about a whole file that does not exist.
    """

    path: str
    line: int | None
    message: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems ordered by file, then line, then message; identical problems once."""
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.message, p.severity))
