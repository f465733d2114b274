"""The team's statistics over graded attempts: per question version, per option, per attempt,
and the CSV export of each table (UTF-8 with BOM, `;`-separated and decimal comma for Excel in
Swedish, text cells guarded against formula injection)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lms.csvexport import csv_bytes as shared_csv_bytes
from lms.extensions import db
from lms.models.quiz import Attempt
from lms.models.user import User
from lms.quiz.bank import chosen_option_keys, item_statistics
from lms.quiz.service import graded_attempts


@dataclass(frozen=True)
class QuestionRow:
    question_id: str
    version: int
    category: str
    type: str
    stem: str
    responses: int
    facility: float
    discrimination: float | None
    point_biserial: float | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class OptionRow:
    question_id: str
    version: int
    option: str  # the stable key: bank index, true/false, "left->right", ...
    text: str
    right: bool | None  # None where "right" is not a property of one option
    count: int


@dataclass(frozen=True)
class AttemptRow:
    attempt_id: int
    name: str
    email: str
    number: int
    status: str
    started_at: datetime
    submitted_at: datetime | None
    score: float
    max_score: float
    percent: float
    passed: bool


@dataclass(frozen=True)
class Statistics:
    questions: list[QuestionRow]
    options: list[OptionRow]
    attempts: list[AttemptRow]


def _options_of(snapshot: dict[str, Any], counts: dict[str, int]) -> list[OptionRow]:
    qid, version, kind = snapshot["id"], snapshot["version"], snapshot["type"]
    if kind in ("single", "multiple"):
        return [
            OptionRow(
                qid,
                version,
                str(o["index"]),
                o["text"],
                o["index"] in snapshot["correct"],
                counts.get(str(o["index"]), 0),
            )
            for o in sorted(snapshot["options"], key=lambda o: o["index"])
        ]
    if kind == "truefalse":
        return [
            OptionRow(
                qid, version, key, key, (key == "true") == snapshot["answer"], counts.get(key, 0)
            )
            for key in ("true", "false")
        ]
    return [OptionRow(qid, version, key, key, None, count) for key, count in sorted(counts.items())]


def build_statistics(attempts: Sequence[Attempt] | None = None) -> Statistics:
    attempts = graded_attempts() if attempts is None else attempts
    population = []
    first_snapshot: dict[tuple[str, int], dict[str, Any]] = {}
    for attempt in attempts:
        saved = {a.position: a for a in attempt.answers}
        items = []
        for position, snapshot in enumerate(attempt.questions, start=1):
            answer = saved.get(position)
            response = answer.response if answer is not None else None
            points = (answer.score or 0.0) if answer is not None else 0.0
            items.append(
                (
                    snapshot["id"],
                    snapshot["version"],
                    points,
                    chosen_option_keys(snapshot, response),
                )
            )
            first_snapshot.setdefault((snapshot["id"], snapshot["version"]), snapshot)
        population.append((items, attempt.score or 0.0))
    questions, options = [], []
    for stat in item_statistics(population):
        snapshot = first_snapshot[(stat.question_id, stat.version)]
        questions.append(
            QuestionRow(
                stat.question_id,
                stat.version,
                snapshot["category"],
                snapshot["type"],
                snapshot["stem"].strip(),
                stat.responses,
                stat.facility,
                stat.discrimination,
                stat.point_biserial,
                stat.flags,
            )
        )
        options.extend(_options_of(snapshot, stat.option_counts))
    users = {
        u.id: u
        for u in db.session.scalars(select(User).where(User.id.in_({a.user_id for a in attempts})))
    }
    rows = [
        AttemptRow(
            a.id,
            users[a.user_id].name,
            users[a.user_id].email,
            a.number,
            a.status,
            a.started_at,
            a.submitted_at,
            a.score or 0.0,
            a.max_score or 0.0,
            a.percent or 0.0,
            bool(a.passed),
        )
        for a in attempts
    ]
    return Statistics(questions, options, rows)


# -- CSV -----------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.4f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S UTC")
    return " ".join(str(v) for v in value) if isinstance(value, tuple) else str(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Statistics as text with decimal commas; the shared writer adds the formula guard."""
    return shared_csv_bytes([_cell(h) for h in header], ([_cell(v) for v in row] for row in rows))


def table_csv(stats: Statistics, table: str) -> bytes:
    """One of the tables the statistics page shows: questions, options or attempts."""
    if table == "questions":
        return csv_bytes(
            [
                "question_id",
                "version",
                "category",
                "type",
                "responses",
                "facility",
                "discrimination",
                "point_biserial",
                "flags",
                "stem",
            ],
            [
                (
                    r.question_id,
                    r.version,
                    r.category,
                    r.type,
                    r.responses,
                    r.facility,
                    r.discrimination,
                    r.point_biserial,
                    r.flags,
                    r.stem,
                )
                for r in stats.questions
            ],
        )
    if table == "options":
        return csv_bytes(
            ["question_id", "version", "option", "text", "right", "count"],
            [(r.question_id, r.version, r.option, r.text, r.right, r.count) for r in stats.options],
        )
    if table == "attempts":
        return csv_bytes(
            [
                "attempt_id",
                "name",
                "email",
                "number",
                "status",
                "started_at",
                "submitted_at",
                "score",
                "max_score",
                "percent",
                "passed",
            ],
            [
                (
                    r.attempt_id,
                    r.name,
                    r.email,
                    r.number,
                    r.status,
                    r.started_at,
                    r.submitted_at,
                    r.score,
                    r.max_score,
                    r.percent,
                    r.passed,
                )
                for r in stats.attempts
            ],
        )
    raise KeyError(table)
