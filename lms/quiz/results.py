"""What the result page shows of a graded attempt: score, categories and the review.

The review follows the attempt's own `review` setting (as it was when the attempt started):
`score` shows nothing per question, `wrong` lists the questions not fully right with the lesson
to reread, `answers` adds the given and the right answer with the explanation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from lms.models.quiz import Attempt
from lms.numbers import format_number

# Display names of the bank categories (content, in Swedish like the questions themselves).
CATEGORY_NAMES = {
    "roller": "Roller och ansvar",
    "tillit": "Tillit och tillitsnivåer",
    "kort-och-certifikat": "Kort och certifikat",
    "identifierare": "Identifierare",
    "id-kontroll": "ID-kontroll",
    "intyg": "Intyg och intygsgivare",
    "bestallning-och-utlamning": "Beställning och utlämning",
    "reservkort": "Reservkort",
    "pin-och-puk": "PIN och PUK",
    "certifikathantering": "Certifikathantering",
    "sparr-och-avregistrering": "Spärr och avregistrering",
    "specialrutiner": "Specialrutiner",
    "dokumentation-och-sakerhet": "Dokumentation och säkerhet",
}


def category_name(category: str) -> str:
    return CATEGORY_NAMES.get(category, category.replace("-", " ").capitalize())


@dataclass
class CategoryResult:
    category: str
    name: str
    points: float = 0.0
    questions: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.questions if self.questions else 0.0


@dataclass
class ReviewItem:
    position: int
    stem: str
    points: float
    lesson: str | None
    given: list[str] = field(default_factory=list)
    right: list[str] = field(default_factory=list)
    explanation: str | None = None
    feedback: list[str] = field(default_factory=list)
    # False where the answer lines are the interface's own words (true/false) or a number,
    # not text from the question bank: only bank text is marked with the content language.
    answers_from_bank: bool = True

    @property
    def fully_right(self) -> bool:
        return self.points >= 1.0 - 1e-9


def _by_key(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in items}


def given_texts(snapshot: dict[str, Any], response: Any) -> list[str]:
    """The trainee's answer as readable lines."""
    kind = snapshot["type"]
    if response is None or response == [] or response == {}:
        return []
    if kind in ("single", "multiple"):
        keys = [response] if isinstance(response, str) else response
        options = _by_key(snapshot["options"])
        return [options[k]["text"] for k in keys if k in options]
    if kind == "truefalse":
        return [_("True") if response else _("False")]
    if kind == "matching":
        rights = _by_key(snapshot["right"])
        return [
            f"{left['text']} → {rights[response[left['key']]]['text']}"
            for left in snapshot["left"]
            if response.get(left["key"]) in rights
        ]
    if kind == "ordering":
        steps = _by_key(snapshot["steps"])
        return [f"{n}. {steps[k]['text']}" for n, k in enumerate(response, start=1) if k in steps]
    if kind == "numeric":
        return [format_number(response, digits=6)]
    return [str(response)]


def right_texts(snapshot: dict[str, Any]) -> list[str]:
    """The right answer as readable lines (only for a graded attempt's review)."""
    kind = snapshot["type"]
    if kind in ("single", "multiple"):
        return [
            o["text"]
            for o in sorted(snapshot["options"], key=lambda o: o["index"])
            if o["index"] in snapshot["correct"]
        ]
    if kind == "truefalse":
        return [_("True") if snapshot["answer"] else _("False")]
    if kind == "matching":
        rights = {item["index"]: item["text"] for item in snapshot["right"]}
        return [
            f"{left['text']} → {rights[left['index']]}"
            for left in sorted(snapshot["left"], key=lambda i: i["index"])
        ]
    if kind == "ordering":
        return [
            f"{n}. {s['text']}"
            for n, s in enumerate(sorted(snapshot["steps"], key=lambda s: s["index"]), start=1)
        ]
    if kind == "numeric":
        text = format_number(snapshot["answer"], digits=6)
        if snapshot.get("tolerance"):
            text += f" ± {format_number(snapshot['tolerance'], digits=6)}"
        return [text]
    return []


def _feedback(snapshot: dict[str, Any], response: Any) -> list[str]:
    if snapshot["type"] not in ("single", "multiple") or response is None:
        return []
    keys = [response] if isinstance(response, str) else response
    options = _by_key(snapshot["options"])
    return [options[k]["feedback"] for k in keys if k in options and options[k].get("feedback")]


def category_results(attempt: Attempt) -> list[CategoryResult]:
    points = {a.position: a.score or 0.0 for a in attempt.answers}
    found: dict[str, CategoryResult] = {}
    for position, snapshot in enumerate(attempt.questions, start=1):
        row = found.setdefault(
            snapshot["category"],
            CategoryResult(snapshot["category"], category_name(snapshot["category"])),
        )
        row.points += points.get(position, 0.0)
        row.questions += 1
    order = list(attempt.settings.get("draw", {}))
    return sorted(
        found.values(), key=lambda r: order.index(r.category) if r.category in order else len(order)
    )


def review_items(attempt: Attempt) -> list[ReviewItem]:
    """The per-question review the attempt's review setting allows (never for an open one)."""
    mode = attempt.settings.get("review", "wrong")
    if attempt.is_open or mode == "score":
        return []
    saved = defaultdict(lambda: None, {a.position: a for a in attempt.answers})
    items = []
    for position, snapshot in enumerate(attempt.questions, start=1):
        answer = saved[position]
        points = (answer.score or 0.0) if answer is not None else 0.0
        response = answer.response if answer is not None else None
        item = ReviewItem(position, snapshot["stem"], points, snapshot.get("lesson"))
        item.answers_from_bank = snapshot["type"] not in ("truefalse", "numeric")
        if mode == "wrong" and item.fully_right:
            continue
        item.given = given_texts(snapshot, response)
        if mode == "answers":
            item.right = right_texts(snapshot)
            item.explanation = snapshot.get("explanation")
            item.feedback = _feedback(snapshot, response)
        items.append(item)
    return items
