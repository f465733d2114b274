"""`quiz check`: every rule for the banks and the test definition, reported as file:line.

The lead wraps `run_check` as `flask --app app quiz check`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TextIO

from . import types
from .loader import QuizSet, load_quizzes
from .model import Problem, Question, TestDefinition


def _question_problems(question: Question, lesson_ids: set[str] | None) -> list[Problem]:
    src = question.source
    problems = [Problem(src.path, line, message) for line, message in types.validate(question)]
    if lesson_ids is not None and question.lesson not in lesson_ids:
        problems.append(
            Problem(src.path, src.line_of("lesson"), f"lesson '{question.lesson}' does not exist")
        )
    return problems


def _duplicate_ids(questions: list[Question]) -> list[Problem]:
    first: dict[str, Question] = {}
    problems: list[Problem] = []
    for question in questions:
        if question.id in first:
            other = first[question.id].source
            problems.append(
                Problem(
                    question.source.path,
                    question.source.line_of("id"),
                    f"duplicate question id '{question.id}'"
                    f" (first at {other.path}:{other.line_of('id')})",
                )
            )
        else:
            first[question.id] = question
    return problems


def _draw_problems(test: TestDefinition, questions: list[Question]) -> list[Problem]:
    held = Counter(question.category for question in questions)
    problems: list[Problem] = []
    src = test.source
    for category, count in test.draw.items():
        if held[category] < count:
            problems.append(
                Problem(
                    src.path,
                    src.line_of(f"draw.{category}"),
                    f"category '{category}' draws {count} questions but holds {held[category]}",
                )
            )
    return problems


def check_quiz_set(quiz_set: QuizSet, lesson_ids: set[str] | None = None) -> list[Problem]:
    """Every problem in an already loaded quiz folder."""
    questions = [question for bank in quiz_set.banks for question in bank.questions]
    problems = list(quiz_set.problems)
    for question in questions:
        problems.extend(_question_problems(question, lesson_ids))
    problems.extend(_duplicate_ids(questions))
    if quiz_set.test is not None:
        problems.extend(_draw_problems(quiz_set.test, questions))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.message))


def check_quizzes(quiz_dir: Path | str, lesson_ids: set[str] | None = None) -> list[Problem]:
    """Every problem under `quiz_dir` (banks/*.yaml and test.yaml), sorted by file and line.

    `lesson_ids`: the course's lesson ids; None skips the "lesson exists" rule.
    """
    return check_quiz_set(load_quizzes(quiz_dir), lesson_ids)


def run_check(quiz_dir: Path | str, lesson_ids: set[str] | None, out: TextIO) -> int:
    """Print every problem as `file:line: message` and a summary; 0 when clean, else 1."""
    quiz_set = load_quizzes(quiz_dir)
    problems = check_quiz_set(quiz_set, lesson_ids)
    for problem in problems:
        print(problem, file=out)
    count = sum(len(bank.questions) for bank in quiz_set.banks)
    if problems:
        print(f"{len(problems)} problem(s) in {quiz_dir}", file=out)
        return 1
    drawn = quiz_set.test.question_count if quiz_set.test is not None else 0
    print(f"OK: {count} questions in {len(quiz_set.banks)} banks; the test draws {drawn}", file=out)
    return 0
