"""Plain, frozen data for question banks and the test definition (see quizzes/README.md).

Nothing here does I/O or knows about Flask; the loader builds these objects and everything else
(validation, drawing, grading, GIFT, statistics) reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

QUESTION_TYPE_NAMES = ("single", "multiple", "truefalse", "matching", "ordering", "numeric")
REVIEW_MODES = ("score", "wrong", "answers")

# The platform's defaults (quizzes/README.md): 30 questions, 80 % to pass, 3 attempts,
# 24 h between attempts, 45 minutes, review shows the wrongly answered questions.
DEFAULT_QUESTION_COUNT = 30
DEFAULT_PASS_PERCENT = 80
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_COOLDOWN_HOURS = 24
DEFAULT_TIME_LIMIT_MINUTES = 45
DEFAULT_REVIEW = "wrong"


@dataclass(frozen=True)
class Source:
    """Where a thing was written: a file and a 1-based line, plus the line of each field."""

    path: str
    line: int
    field_lines: tuple[tuple[str, int], ...] = ()

    def line_of(self, name: str) -> int:
        """The line of field `name`, or the question's own line when unknown."""
        for key, line in self.field_lines:
            if key == name:
                return line
        return self.line


NO_SOURCE = Source("", 0)


@dataclass(frozen=True)
class Problem:
    """One problem in a bank, test definition or GIFT file; prints as `file:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Question:
    """One question as written in a bank. Fields a type does not use keep their empty default.

    `source` is excluded from equality so that a question read back from GIFT equals the one
    that was exported.
    """

    id: str
    version: int
    type: str
    category: str
    lesson: str | None
    stem: str
    explanation: str | None = None
    options: tuple[str, ...] = ()
    correct: tuple[int, ...] = ()
    answer: bool | int | float | None = None
    tolerance: int | float | None = None
    pairs: tuple[tuple[str, str], ...] = ()
    steps: tuple[str, ...] = ()
    feedback: tuple[str, ...] | None = None
    name: str | None = None
    source: Source = field(default=NO_SOURCE, compare=False)


@dataclass(frozen=True)
class Bank:
    """One bank file: its name (`bank:`), where it lives and its questions in file order."""

    name: str
    path: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class TestDefinition:
    """quizzes/test.yaml: the blueprint (questions drawn per category) and the test's rules."""

    __test__ = False  # not a pytest test class despite the name

    title: str = "Kunskapstest"
    draw: dict[str, int] = field(default_factory=dict)
    shuffle_questions: bool = True
    shuffle_options: bool = True
    time_limit_minutes: int = DEFAULT_TIME_LIMIT_MINUTES
    pass_percent: int = DEFAULT_PASS_PERCENT
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    cooldown_hours: int = DEFAULT_COOLDOWN_HOURS
    review: str = DEFAULT_REVIEW
    source: Source = field(default=NO_SOURCE, compare=False)

    @property
    def question_count(self) -> int:
        """How many questions one attempt holds (the sum of the draw)."""
        return sum(self.draw.values())
