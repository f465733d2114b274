"""`quiz check`: each rule reports `file:line: message` at the offending line."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from lms.quiz.bank.check import check_quizzes, run_check
from lms.quiz.bank.loader import load_quizzes

BANK_HEAD = """\
bank: roller
category: roller
questions:
  - id: roller-001
    version: 1
    lesson: p1-roller
    stem: Vem?
"""  # the question's next field is on line 8


def problems_for(write_quizzes: Callable[..., Path], bank: str, **kwargs: object) -> list[str]:
    quiz_dir = write_quizzes(roller=bank)
    found = check_quizzes(quiz_dir, **kwargs)  # type: ignore[arg-type]
    prefix = f"{quiz_dir}/"
    return [str(p).removeprefix(prefix) for p in found]


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        (
            "    type: single\n    options: [a, b]\n    correct: [2]\n",
            "banks/roller.yaml:10: correct index 2 is out of range 0..1",
        ),
        (
            "    type: single\n    options: [a, b, c]\n    correct: [0, 1]\n",
            "banks/roller.yaml:10: single needs exactly one correct index, has 2",
        ),
        (
            "    type: multiple\n    options: [a, b]\n    correct: []\n",
            "banks/roller.yaml:10: multiple needs at least one correct index",
        ),
        (
            "    type: multiple\n    options: [a, b]\n    correct: [0, 1]\n",
            "banks/roller.yaml:10: multiple needs at least one wrong option"
            " (every option is correct)",
        ),
        (
            "    type: single\n    options: [a]\n    correct: [0]\n",
            "banks/roller.yaml:9: single needs at least 2 options",
        ),
        (
            "    type: single\n    options: [a, b]\n    correct: [0]\n    feedback: [x]\n",
            "banks/roller.yaml:11: feedback has 1 texts for 2 options",
        ),
        (
            "    type: single\n    options: [a, b]\n    correct: [0]\n    answer: 3\n",
            "banks/roller.yaml:11: field 'answer' is not used by type single",
        ),
        (
            "    type: truefalse\n    answer: ja\n",
            "banks/roller.yaml:9: truefalse needs answer: true or false",
        ),
        (
            "    type: numeric\n    answer: tolv\n",
            "banks/roller.yaml:9: numeric needs a number as answer",
        ),
        (
            "    type: numeric\n    answer: 12\n    tolerance: -1\n",
            "banks/roller.yaml:10: tolerance must be a number >= 0",
        ),
        (
            "    type: matching\n    pairs: [[a, b]]\n",
            "banks/roller.yaml:9: matching needs at least 2 pairs",
        ),
        (
            "    type: ordering\n    steps: [a, b]\n",
            "banks/roller.yaml:9: ordering needs at least 3 steps",
        ),
        (
            "    type: essay\n",
            "banks/roller.yaml:8: unknown type 'essay' (known: single, multiple, truefalse, "
            "matching, ordering, numeric)",
        ),
        (
            "    type: single\n    options: [a, b]\n    correct: [0]\n    colour: red\n",
            "banks/roller.yaml:11: unknown key 'colour' in question",
        ),
        (
            "    type: single\n    options: [a, b]\n    correct: [0]\n    correct: [1]\n",
            "banks/roller.yaml:11: duplicate key 'correct' in question",
        ),
        (
            "    type: single\n    options: [a, 3]\n    correct: [0]\n",
            "banks/roller.yaml:9: options must be a list of texts",
        ),
    ],
)
def test_type_rules_report_the_line_of_the_offending_field(
    write_quizzes: Callable[..., Path], rest: str, expected: str
) -> None:
    assert expected in problems_for(write_quizzes, BANK_HEAD + rest)


def test_a_clean_folder_has_no_problems_and_run_check_exits_zero(
    write_quizzes: Callable[..., Path],
) -> None:
    quiz_dir = write_quizzes()
    out = io.StringIO()
    assert run_check(quiz_dir, {"p1-roller"}, out) == 0
    assert out.getvalue() == "OK: 1 questions in 1 banks; the test draws 1\n"


def test_run_check_prints_file_line_message_and_exits_one(
    write_quizzes: Callable[..., Path],
) -> None:
    quiz_dir = write_quizzes(test="title: T\ndraw:\n  roller: 2\n")
    out = io.StringIO()
    assert run_check(quiz_dir, None, out) == 1
    assert out.getvalue().splitlines() == [
        f"{quiz_dir}/test.yaml:3: category 'roller' draws 2 questions but holds 1",
        f"1 problem(s) in {quiz_dir}",
    ]


def test_missing_required_field_is_reported_at_the_question(
    write_quizzes: Callable[..., Path],
) -> None:
    bank = "bank: roller\ncategory: roller\nquestions:\n  - id: roller-001\n    version: 1\n"
    found = problems_for(write_quizzes, bank)
    assert "banks/roller.yaml:4: question is missing 'type'" in found
    assert "banks/roller.yaml:4: question is missing 'lesson'" in found


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("  - id: Roller_1\n", "banks/roller.yaml:4: id 'Roller_1' must match [a-z0-9-]+"),
        (
            "  - id: roller-001\n    version: 0\n",
            "banks/roller.yaml:5: version must be a whole number >= 1",
        ),
    ],
)
def test_id_and_version_format(
    write_quizzes: Callable[..., Path], line: str, expected: str
) -> None:
    bank = "bank: roller\ncategory: roller\nquestions:\n" + line
    assert expected in problems_for(write_quizzes, bank)


def test_yaml_syntax_error_is_reported_with_its_line(write_quizzes: Callable[..., Path]) -> None:
    found = problems_for(write_quizzes, BANK_HEAD + "    type: single\n    options: [a, b\n")
    in_bank = [p for p in found if p.startswith("banks/")]
    assert len(in_bank) == 1 and in_bank[0].startswith("banks/roller.yaml:10: YAML error")


def test_question_ids_are_unique_across_banks(write_quizzes: Callable[..., Path]) -> None:
    other = BANK_HEAD.replace("bank: roller\ncategory: roller", "bank: tillit\ncategory: tillit")
    other += "    type: single\n    options: [a, b]\n    correct: [0]\n"
    quiz_dir = write_quizzes(
        roller=BANK_HEAD + "    type: single\n    options: [a, b]\n    correct: [0]\n",
        tillit=other,
    )
    found = [str(p) for p in check_quizzes(quiz_dir)]
    assert (
        f"{quiz_dir}/banks/tillit.yaml:4: duplicate question id 'roller-001'"
        f" (first at {quiz_dir}/banks/roller.yaml:4)"
    ) in found


def test_each_question_lesson_must_exist_when_lesson_ids_are_given(
    write_quizzes: Callable[..., Path],
) -> None:
    quiz_dir = write_quizzes()
    assert check_quizzes(quiz_dir, None) == []
    assert check_quizzes(quiz_dir, {"p1-roller"}) == []
    found = [str(p) for p in check_quizzes(quiz_dir, {"p2-annat"})]
    assert found == [f"{quiz_dir}/banks/roller.yaml:7: lesson 'p1-roller' does not exist"]


@pytest.mark.parametrize(
    ("test_yaml", "expected"),
    [
        ("draw:\n  roller: 2\n", "test.yaml:2: category 'roller' draws 2 questions but holds 1"),
        ("draw:\n  intyg: 1\n", "test.yaml:2: category 'intyg' draws 1 questions but holds 0"),
        ("draw:\n  roller: 0\n", "test.yaml:1: the draw holds no questions (total must be > 0)"),
        ("draw:\n  roller: -1\n", "test.yaml:2: draw for 'roller' must be a whole number >= 0"),
        ("title: T\n", "test.yaml:1: test definition has no 'draw'"),
        (
            "draw: {roller: 1}\npass_percent: 0\n",
            "test.yaml:2: pass_percent must be a whole number 1..100, got 0",
        ),
        (
            "draw: {roller: 1}\npass_percent: 101\n",
            "test.yaml:2: pass_percent must be a whole number 1..100, got 101",
        ),
        (
            "draw: {roller: 1}\nmax_attempts: 0\n",
            "test.yaml:2: max_attempts must be a whole number 1..100, got 0",
        ),
        (
            "draw: {roller: 1}\ncooldown_hours: -2\n",
            "test.yaml:2: cooldown_hours must be a whole number 0..8760, got -2",
        ),
        (
            "draw: {roller: 1}\ntime_limit_minutes: 0\n",
            "test.yaml:2: time_limit_minutes must be a whole number 1..600, got 0",
        ),
        (
            "draw: {roller: 1}\nreview: all\n",
            "test.yaml:2: review must be score, wrong or answers, got 'all'",
        ),
        (
            "draw: {roller: 1}\nshuffle_options: maybe\n",
            "test.yaml:2: shuffle_options must be true or false",
        ),
        ("draw: {roller: 1}\ntitle: ''\n", "test.yaml:2: title must be non-empty text"),
        (
            "draw: {roller: 1}\npass_mark: 80\n",
            "test.yaml:2: unknown key 'pass_mark' in test definition",
        ),
    ],
)
def test_test_yaml_rules(write_quizzes: Callable[..., Path], test_yaml: str, expected: str) -> None:
    quiz_dir = write_quizzes(test=test_yaml)
    prefix = f"{quiz_dir}/"
    assert expected in [str(p).removeprefix(prefix) for p in check_quizzes(quiz_dir)]


def test_test_yaml_defaults_are_the_platform_defaults(write_quizzes: Callable[..., Path]) -> None:
    test = load_quizzes(write_quizzes(test="draw: {roller: 1}\n")).test
    assert test is not None
    assert (test.pass_percent, test.max_attempts, test.cooldown_hours) == (80, 3, 24)
    assert (test.time_limit_minutes, test.review) == (45, "wrong")
    assert test.shuffle_questions and test.shuffle_options


def test_the_shipped_test_yaml_draws_thirty_questions() -> None:
    test = load_quizzes(Path(__file__).parents[2] / "quizzes").test
    assert test is not None and test.question_count == 30


def test_the_shipped_banks_pass_every_rule_except_categories_still_being_written() -> None:
    quiz_dir = Path(__file__).parents[2] / "quizzes"
    found = [p for p in check_quizzes(quiz_dir) if "but holds" not in p.message]
    assert found == []
