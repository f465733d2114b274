"""`flask --app app quiz ...`: check the banks, GIFT import/export, and expire overdue attempts."""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click
import yaml
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from lms.cli.common import CannotUse, read_text_argument, write_text_output
from lms.quiz.bank import Question, export_gift, parse_gift, run_check
from lms.quiz.bank.loader import ID_PATTERN, load_bank

quiz = AppGroup("quiz", help="Question banks and the knowledge test.")


def lesson_ids() -> set[str] | None:
    """The course's lesson ids, or None when the course cannot be loaded (rule skipped)."""
    from lms.course.content import ContentStore

    try:
        course = ContentStore(current_app.config["CONTENT_DIR"], check_interval=0).course()
    except Exception as exc:  # noqa: BLE001 - reported; the other rules still run
        click.echo(
            f"warning: the course could not be loaded ({exc}); lesson ids not checked", err=True
        )
        return None
    return {lesson.id for lesson in course.lessons}


@quiz.command("check")
def check() -> None:
    """Validate every bank and test.yaml; prints file:line: message per problem."""
    raise SystemExit(run_check(current_app.config["QUIZ_DIR"], lesson_ids(), sys.stdout))


# -- YAML writing that stays readable in a diff -------------------------------------------------


class _BankDumper(yaml.SafeDumper):
    """Indents list items under their key, as the hand-written banks do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


class _Flow(list):
    """A list written inline: `correct: [0, 2]`, `- [left, right]`."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:  # Markdown: a literal block scalar keeps line breaks as written
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_BankDumper.add_representer(str, _str)
_BankDumper.add_representer(_Flow, _flow)


def _block(text: str | None) -> str | None:
    if text is None:
        return None
    return text if text.endswith("\n") or "\n" not in text.strip() else text + "\n"


def question_yaml(question: Question, bank_category: str) -> dict[str, Any]:
    """The question as a bank entry, in the field order of quizzes/README.md."""
    entry: dict[str, Any] = {"id": question.id, "version": question.version, "type": question.type}
    if question.category != bank_category:
        entry["category"] = question.category
    if question.lesson is not None:
        entry["lesson"] = question.lesson
    if question.name:
        entry["name"] = question.name
    entry["stem"] = _block(question.stem)
    if question.options:
        entry["options"] = list(question.options)
    if question.type in ("single", "multiple"):
        entry["correct"] = _Flow(question.correct)
    if question.answer is not None:
        entry["answer"] = question.answer
    if question.type == "numeric":
        entry["tolerance"] = question.tolerance if question.tolerance is not None else 0
    if question.pairs:
        entry["pairs"] = [_Flow(pair) for pair in question.pairs]
    if question.steps:
        entry["steps"] = list(question.steps)
    if question.feedback is not None:
        entry["feedback"] = list(question.feedback)
    if question.explanation:
        entry["explanation"] = _block(question.explanation)
    return entry


def bank_yaml(name: str, questions: list[Question]) -> str:
    """A bank file: `bank`, the most common category, then the questions."""
    category = Counter(q.category for q in questions).most_common(1)[0][0] if questions else name
    document = {
        "bank": name,
        "category": category,
        "questions": [question_yaml(q, category) for q in questions],
    }
    text = yaml.dump(
        document, Dumper=_BankDumper, sort_keys=False, allow_unicode=True, width=10_000, indent=2
    )
    # A blank line between questions, as in the hand-written banks.
    head, _, rest = text.partition("\n  - id: ")
    return head + "\n  - id: " + rest.replace("\n  - id: ", "\n\n  - id: ")


@quiz.command("import-gift")
@click.argument("gift_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bank", "bank_name", help="Bank name (default: the GIFT file's name).")
@click.option("--force", is_flag=True, help="Overwrite an existing bank.")
def import_gift(gift_file: Path, bank_name: str | None, force: bool) -> None:
    """Write quizzes/banks/BANK.yaml from a Moodle GIFT file. Problems and skipped questions
    are printed as file:line: message; the exit code is 1 when there were any."""
    name = bank_name or gift_file.stem
    if not ID_PATTERN.fullmatch(name):
        raise click.UsageError(f"bank name {name!r} must match [a-z0-9-]+")
    target = Path(current_app.config["QUIZ_DIR"]) / "banks" / f"{name}.yaml"
    if target.exists() and not force:
        raise CannotUse(f"{target} exists; use --force to overwrite it")
    questions, problems = parse_gift(read_text_argument(gift_file), gift_file)
    for problem in problems:
        click.echo(str(problem))
    for question in questions:
        if question.lesson is None:
            click.echo(
                f"{gift_file}:{question.source.line}: question '{question.id}' has no "
                "lesson; add lesson: before the bank is used"
            )
    if not questions:
        raise click.ClickException(f"no question could be imported from {gift_file}")
    write_text_output(target, bank_yaml(name, questions))
    click.echo(f"Wrote {len(questions)} question(s) to {target}")
    if problems:
        raise SystemExit(1)


@quiz.command("export-gift")
@click.argument("bank")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write BANK.gift into (default: quizzes/gift).",
)
def export_gift_command(bank: str, out_dir: Path | None) -> None:
    """Write BANK.gift (Moodle GIFT) from quizzes/banks/BANK.yaml."""
    quiz_dir = Path(current_app.config["QUIZ_DIR"])
    source = quiz_dir / "banks" / f"{bank}.yaml"
    if not ID_PATTERN.fullmatch(bank) or not source.is_file():
        raise CannotUse(f"no bank {bank!r} in {quiz_dir / 'banks'}")
    loaded, problems = load_bank(source)
    for problem in problems:
        click.echo(str(problem), err=True)
    if loaded is None or problems:
        raise SystemExit(1)
    # The header names the bank relative to the project, so the export is the same everywhere.
    loaded = dataclasses.replace(loaded, path=f"{quiz_dir.name}/banks/{bank}.yaml")
    target = (out_dir or quiz_dir / "gift") / f"{bank}.gift"
    write_text_output(target, export_gift(loaded))
    click.echo(f"Wrote {target}")


@quiz.command("expire")
@with_appcontext
def expire() -> None:
    """Grade every attempt whose time is up (run from cron, e.g. every minute)."""
    from lms.quiz.service import expire_overdue

    click.echo(f"Graded {expire_overdue()} overdue attempt(s).")
