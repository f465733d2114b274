"""Read quizzes/banks/*.yaml and quizzes/test.yaml, keeping the line of every field.

YAML is composed into nodes first (`yaml.compose` semantics, via SafeLoader) so that each
problem can be reported as `file:line: message`; values are then built with the safe
constructor. The loader reports structural problems (syntax, unknown or duplicate keys, wrong
value kinds); the type rules live in types.py and the cross-file rules in check.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lms.textfiles import NotUtf8Error, read_utf8

from .model import REVIEW_MODES, Bank, Problem, Question, Source, TestDefinition

ID_PATTERN = re.compile(r"[a-z0-9-]+")
BANK_KEYS = {"bank", "category", "questions"}
QUESTION_KEYS = {
    "id", "version", "type", "category", "lesson", "stem", "explanation", "options", "correct",
    "answer", "tolerance", "pairs", "steps", "feedback", "name",
}  # fmt: skip
TEST_KEYS = {
    "title", "draw", "shuffle_questions", "shuffle_options", "time_limit_minutes",
    "pass_percent", "max_attempts", "cooldown_hours", "review",
}  # fmt: skip
# Integer settings of test.yaml and their allowed ranges.
TEST_RANGES = {
    "time_limit_minutes": (1, 600),
    "pass_percent": (1, 100),
    "max_attempts": (1, 100),
    "cooldown_hours": (0, 24 * 365),
}


@dataclass
class QuizSet:
    """Everything under a quiz folder, with the problems found while reading it."""

    banks: list[Bank] = field(default_factory=list)
    test: TestDefinition | None = None
    problems: list[Problem] = field(default_factory=list)


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def compose_file(path: Path, problems: list[Problem]) -> tuple[yaml.Node | None, yaml.SafeLoader]:
    """The root node of a YAML file (None after reporting a syntax error or an empty file)."""
    try:
        text = read_utf8(path)
    except NotUtf8Error as exc:
        problems.append(Problem(str(path), exc.line, exc.message))
        return None, yaml.SafeLoader("")
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problems.append(Problem(str(path), line, f"YAML error: {exc.problem or exc}"))
        return None, loader
    if node is None:
        problems.append(Problem(str(path), 1, "file is empty"))
    return node, loader


def mapping_items(
    node: yaml.Node, path: str, problems: list[Problem], known: set[str], what: str
) -> dict[str, tuple[yaml.Node, int]]:
    """The keys of a mapping node with their value nodes and lines; reports unknown and
    duplicate keys."""
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(path, line_of(node), f"{what} must be a mapping"))
        return {}
    items: dict[str, tuple[yaml.Node, int]] = {}
    for key_node, value_node in node.value:
        key, line = str(key_node.value), line_of(key_node)
        if key not in known:
            problems.append(Problem(path, line, f"unknown key '{key}' in {what}"))
        elif key in items:
            problems.append(Problem(path, line, f"duplicate key '{key}' in {what}"))
        else:
            items[key] = (value_node, line)
    return items


def _value(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_object(node, deep=True)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _question(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: str,
    category: str | None,
    problems: list[Problem],
) -> Question | None:
    items = mapping_items(node, path, problems, QUESTION_KEYS, "question")
    if not items:
        return None
    values = {key: _value(loader, value_node) for key, (value_node, _) in items.items()}
    lines = tuple((key, line) for key, (_, line) in items.items())
    start = line_of(node)
    bad = len(problems)

    def report(key: str, message: str) -> None:
        problems.append(Problem(path, dict(lines).get(key, start), message))

    for key in ("id", "version", "type", "stem", "lesson"):
        if key not in values:
            report(key, f"question is missing '{key}'")
    qid = values.get("id")
    if "id" in values and not (isinstance(qid, str) and ID_PATTERN.fullmatch(qid)):
        report("id", f"id {qid!r} must match [a-z0-9-]+")
    version = values.get("version")
    if "version" in values and (type(version) is not int or version < 1):
        report("version", "version must be a whole number >= 1")
    for key in ("type", "stem", "lesson", "explanation", "name", "category"):
        if key in values and not isinstance(values[key], str):
            report(key, f"{key} must be text")
    for key in ("options", "steps", "feedback"):
        if key in values and not _texts(values[key]):
            report(key, f"{key} must be a list of texts")
    correct = values.get("correct", [])
    if not (isinstance(correct, list) and all(type(i) is int for i in correct)):
        report("correct", "correct must be a list of 0-based option indexes")
    pairs = values.get("pairs", [])
    if not (isinstance(pairs, list) and all(_texts(p) and len(p) == 2 for p in pairs)):
        report("pairs", "pairs must be a list of [left, right] text pairs")
    resolved = values.get("category", category)
    if not resolved:
        report("category", "question has no category (set category: in the bank or question)")
    if len(problems) > bad:
        return None
    tolerance = values.get("tolerance", 0 if values["type"] == "numeric" else None)
    feedback = values.get("feedback")
    return Question(
        id=qid,
        version=version,
        type=values["type"],
        category=resolved,
        lesson=values["lesson"],
        stem=values["stem"],
        explanation=values.get("explanation"),
        options=tuple(values.get("options", ())),
        correct=tuple(correct),
        answer=values.get("answer"),
        tolerance=tolerance,
        pairs=tuple((left, right) for left, right in pairs),
        steps=tuple(values.get("steps", ())),
        feedback=tuple(feedback) if feedback is not None else None,
        name=values.get("name"),
        source=Source(path, start, lines),
    )


def load_bank(path: Path) -> tuple[Bank | None, list[Problem]]:
    """One bank file; questions with structural problems are left out (and reported)."""
    problems: list[Problem] = []
    root, loader = compose_file(path, problems)
    if root is None:
        return None, problems
    name = str(path)
    items = mapping_items(root, name, problems, BANK_KEYS, "bank")
    bank_name = _value(loader, items["bank"][0]) if "bank" in items else path.stem
    category = _value(loader, items["category"][0]) if "category" in items else None
    if category is not None and not isinstance(category, str):
        problems.append(Problem(name, items["category"][1], "category must be text"))
        category = None
    questions: list[Question] = []
    if "questions" not in items:
        problems.append(Problem(name, line_of(root), "bank has no 'questions' list"))
    elif not isinstance(items["questions"][0], yaml.SequenceNode):
        problems.append(Problem(name, items["questions"][1], "questions must be a list"))
    else:
        for node in items["questions"][0].value:
            question = _question(loader, node, name, category, problems)
            if question is not None:
                questions.append(question)
    return Bank(str(bank_name), name, tuple(questions)), problems


def _draw(
    loader: yaml.SafeLoader, node: yaml.Node, path: str, problems: list[Problem]
) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        problems.append(
            Problem(path, line_of(node), "draw must map category -> number of questions")
        )
        return {}
    draw: dict[str, int] = {}
    for key_node, value_node in node.value:
        category, count = str(key_node.value), _value(loader, value_node)
        if category in draw:
            problems.append(
                Problem(path, line_of(key_node), f"category '{category}' is drawn twice")
            )
        elif type(count) is not int or count < 0:
            problems.append(
                Problem(
                    path, line_of(key_node), f"draw for '{category}' must be a whole number >= 0"
                )
            )
        else:
            draw[category] = count
    return draw


def _in_range(value: Any, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def load_test_definition(path: Path) -> tuple[TestDefinition | None, list[Problem]]:
    """quizzes/test.yaml; settings that are left out take the platform's defaults."""
    problems: list[Problem] = []
    if not path.is_file():
        return None, [Problem(str(path), 1, "test definition is missing")]
    root, loader = compose_file(path, problems)
    if root is None:
        return None, problems
    name = str(path)
    items = mapping_items(root, name, problems, TEST_KEYS, "test definition")
    settings: dict[str, Any] = {}
    for key, (node, line) in items.items():
        value = _value(loader, node) if key != "draw" else _draw(loader, node, name, problems)
        if key == "title" and not (isinstance(value, str) and value.strip()):
            problems.append(Problem(name, line, "title must be non-empty text"))
        elif key.startswith("shuffle_") and not isinstance(value, bool):
            problems.append(Problem(name, line, f"{key} must be true or false"))
        elif key in TEST_RANGES and not _in_range(value, *TEST_RANGES[key]):
            low, high = TEST_RANGES[key]
            problems.append(
                Problem(name, line, f"{key} must be a whole number {low}..{high}, got {value!r}")
            )
        elif key == "review" and value not in REVIEW_MODES:
            problems.append(
                Problem(name, line, f"review must be score, wrong or answers, got {value!r}")
            )
        else:
            settings[key] = value
    if "draw" not in items:
        problems.append(Problem(name, line_of(root), "test definition has no 'draw'"))
    elif sum(settings.get("draw", {}).values()) <= 0:
        problems.append(
            Problem(name, items["draw"][1], "the draw holds no questions (total must be > 0)")
        )
    lines = tuple((key, line) for key, (_, line) in items.items())
    draw_node = items["draw"][0] if "draw" in items else None
    draw_lines = tuple(
        (f"draw.{key.value}", line_of(key))
        for key, _ in (draw_node.value if isinstance(draw_node, yaml.MappingNode) else ())
    )
    # Settings with problems were reported and left at their defaults.
    return TestDefinition(**settings, source=Source(name, 1, lines + draw_lines)), problems


def bank_paths(quiz_dir: Path) -> list[Path]:
    return sorted((quiz_dir / "banks").glob("*.yaml"))


def load_quizzes(quiz_dir: Path | str) -> QuizSet:
    """All banks (quiz_dir/banks/*.yaml, sorted by file name) and quiz_dir/test.yaml."""
    quiz_dir = Path(quiz_dir)
    quiz_set = QuizSet()
    for path in bank_paths(quiz_dir):
        bank, problems = load_bank(path)
        quiz_set.problems.extend(problems)
        if bank is not None:
            quiz_set.banks.append(bank)
    quiz_set.test, problems = load_test_definition(quiz_dir / "test.yaml")
    quiz_set.problems.extend(problems)
    return quiz_set
