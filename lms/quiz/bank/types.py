"""Registry of pluggable question types (single, multiple, truefalse, matching, ordering, numeric).

Life of a question in an attempt:

1. `freeze(question, rng)` -> a JSON-serialisable snapshot: the question's content and key, its
   version and the presented order of options / right items / steps, each with an opaque key.
   The attempt stores the snapshot, so later bank edits never change a stored attempt.
2. `public_view(snapshot)` -> what the browser may see: no right indexes, answers, tolerances or
   original order, only texts in presented order with their opaque keys.
3. `normalise_response(snapshot, form)` -> a JSON-serialisable response, or `ResponseError`.
4. `score(snapshot, response)` -> a float in [0, 1] following quizzes/README.md.

Adding a type means subclassing `QuestionType` and decorating it with `@register`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from .model import Question

Snapshot = dict[str, Any]
Response = Any
LineMessage = tuple[int, str]

# Fields that only some types use, with the value meaning "not given".
TYPE_FIELDS: dict[str, Any] = {
    "options": (),
    "correct": (),
    "feedback": None,
    "answer": None,
    "tolerance": None,
    "pairs": (),
    "steps": (),
}


# Why a response was refused, for the pages to name the problem (the message is for logs).
MALFORMED = "malformed"  # foreign fields, unknown keys: a tampered or stale form
MISSING = "missing"  # none of the question's own fields, or a choice that cannot be cleared
CHOSEN_TWICE = "chosen_twice"  # an ordering step or a matching item used twice
NOT_A_NUMBER = "not_a_number"  # not a plain decimal number of at most MAX_DIGITS digits


class ResponseError(ValueError):
    """Submitted form data that cannot be an answer to this question (tampered or stale form,
    or a choice the question does not allow); `reason` is one of the constants above."""

    def __init__(self, message: str, reason: str = MALFORMED) -> None:
        super().__init__(message)
        self.reason = reason


class QuestionType:
    """Base class: one subclass per type, registered by name in QUESTION_TYPES."""

    name: ClassVar[str]
    fields: ClassVar[frozenset[str]] = frozenset()

    def validate(self, question: Question) -> list[LineMessage]:
        """Problems with the question as (line, message), using the type's own rules."""
        src = question.source
        problems: list[LineMessage] = []
        if not question.stem.strip():
            problems.append((src.line_of("stem"), "stem is empty"))
        for field_name, empty in TYPE_FIELDS.items():
            if field_name not in self.fields and getattr(question, field_name) != empty:
                problems.append(
                    (
                        src.line_of(field_name),
                        f"field '{field_name}' is not used by type {self.name}",
                    )
                )
        return problems + self.validate_fields(question)

    def validate_fields(self, question: Question) -> list[LineMessage]:
        return []

    def freeze_key(self, question: Question, rng: random.Random, shuffle: bool) -> Snapshot:
        """The type-specific part of the snapshot (key material and presented order)."""
        raise NotImplementedError

    def view(self, snapshot: Snapshot) -> dict[str, Any]:
        """The type-specific part of the public view."""
        return {}

    def form_fields(self, snapshot: Snapshot) -> set[str]:
        """The names (without prefix) of the form fields a page sends for this question."""
        return {"answer"}

    def normalise(self, snapshot: Snapshot, form: Mapping[str, Any], prefix: str) -> Response:
        raise NotImplementedError

    def score(self, snapshot: Snapshot, response: Response) -> float:
        raise NotImplementedError

    def chosen_keys(self, snapshot: Snapshot, response: Response) -> tuple[str, ...]:
        """Stable keys (the same in every attempt) of what was chosen, for item statistics."""
        return () if response is None else (str(response),)


QUESTION_TYPES: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: add a question type to the registry under `cls.name`."""
    QUESTION_TYPES[cls.name] = cls()
    return cls


def get_type(name: str) -> QuestionType:
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise KeyError(f"unknown question type '{name}'") from None


# -- helpers shared by the type modules ------------------------------------------------------


def new_keys(rng: random.Random, count: int, taken: set[str] | None = None) -> list[str]:
    """`count` opaque keys (8 hex digits) unique within one question; drawn in presented order,
    so a key says nothing about an item's place in the bank."""
    used = taken if taken is not None else set()
    keys: list[str] = []
    while len(keys) < count:
        key = f"{rng.getrandbits(32):08x}"
        if key not in used:
            used.add(key)
            keys.append(key)
    return keys


def permutation(
    rng: random.Random, count: int, shuffle: bool, avoid_identity: bool = False
) -> list[int]:
    """Original indexes in presented order. With `avoid_identity`, never the bank's order
    (for items whose bank order is itself the answer: ordering steps, matching right items)."""
    order = list(range(count))
    if shuffle and count > 1:
        rng.shuffle(order)
        while avoid_identity and order == sorted(order):
            rng.shuffle(order)
    return order


def presented(
    rng: random.Random, texts: tuple[str, ...], order: list[int], taken: set[str]
) -> list[dict[str, Any]]:
    keys = new_keys(rng, len(order), taken)
    return [{"key": key, "index": i, "text": texts[i]} for key, i in zip(keys, order, strict=True)]


def form_values(form: Mapping[str, Any], name: str, keep_empty: bool = False) -> list[str]:
    """All values of a form field, from a werkzeug MultiDict or a plain mapping (blank values
    dropped unless `keep_empty`: for fields whose place in the form carries meaning)."""
    getlist: Callable[[str], list[Any]] | None = getattr(form, "getlist", None)
    raw: Any = getlist(name) if getlist is not None else form.get(name)
    if raw is None:
        return []
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise ResponseError(f"field '{name}' must be text")
    return [v.strip() for v in values if keep_empty or v.strip()]


def one_value(form: Mapping[str, Any], name: str) -> str | None:
    values = form_values(form, name)
    if len(values) > 1:
        raise ResponseError(f"field '{name}' has {len(values)} values, expected one")
    return values[0] if values else None


def key_index(items: list[dict[str, Any]]) -> dict[str, int]:
    return {item["key"]: item["index"] for item in items}


# A float holds every decimal of at most 15 significant digits exactly (DBL_DIG), so such a
# number is stored, shown again and read back as the very number the trainee typed.
MAX_DIGITS = 15
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_DIGIT_SPACES = dict.fromkeys(map(ord, " \u00a0\u2009\u202f"), None)  # thousands separators


def parse_number(text: str) -> float:
    """A plain decimal number as typed by a Swedish user: '3,5', '3.5', '−2', '1 000'; at most
    MAX_DIGITS significant digits and no exponent (else ResponseError NOT_A_NUMBER)."""
    cleaned = text.strip().replace("\u2212", "-").translate(_DIGIT_SPACES).replace(",", ".")
    if not _PLAIN_DECIMAL.fullmatch(cleaned):
        raise ResponseError(f"'{text}' is not a plain decimal number", NOT_A_NUMBER)
    whole, _, fraction = cleaned.lstrip("+-").partition(".")
    significant = (whole + fraction.rstrip("0")).lstrip("0")
    if len(significant) > MAX_DIGITS:
        raise ResponseError(f"'{text}' has more than {MAX_DIGITS} digits", NOT_A_NUMBER)
    return float(cleaned)


# -- the public API ----------------------------------------------------------------------------


def validate(question: Question) -> list[LineMessage]:
    """Problems with `question` as (line, message); an unknown type is one problem."""
    if question.type not in QUESTION_TYPES:
        known = ", ".join(QUESTION_TYPES)
        return [
            (question.source.line_of("type"), f"unknown type '{question.type}' (known: {known})")
        ]
    return QUESTION_TYPES[question.type].validate(question)


def freeze(
    question: Question, rng: random.Random | None = None, *, shuffle_options: bool = True
) -> Snapshot:
    """The JSON-serialisable snapshot an attempt stores; `rng` decides order and keys."""
    rng = rng if rng is not None else random.SystemRandom()
    snapshot: Snapshot = {
        "id": question.id,
        "version": question.version,
        "type": question.type,
        "category": question.category,
        "lesson": question.lesson,
        "name": question.name,
        "stem": question.stem,
        "explanation": question.explanation,
    }
    snapshot.update(get_type(question.type).freeze_key(question, rng, shuffle_options))
    return snapshot


def public_view(question: Question | Snapshot, rng: random.Random | None = None) -> dict[str, Any]:
    """What the browser may see. Given a Question it is frozen first with `rng` (the same rng
    state gives the same keys as `freeze`); the attempt engine passes its stored snapshot."""
    snapshot = freeze(question, rng) if isinstance(question, Question) else question
    view: dict[str, Any] = {
        "id": snapshot["id"],
        "type": snapshot["type"],
        "stem": snapshot["stem"],
    }
    view.update(get_type(snapshot["type"]).view(snapshot))
    return view


def normalise_response(snapshot: Snapshot, form: Mapping[str, Any], prefix: str = "") -> Response:
    """The response in the form `score` takes, from submitted form data (field names start with
    `prefix`); `None` (or an empty list or dict) means the trainee cleared the answer. Raises
    ResponseError on malformed data: fields with the prefix that the type does not use, or a
    form without any of the question's own fields (nothing to save, not a cleared answer)."""
    kind = get_type(snapshot["type"])
    own = {prefix + name for name in kind.form_fields(snapshot)}
    foreign = sorted(name for name in form if name.startswith(prefix) and name not in own)
    if foreign:
        raise ResponseError(f"field '{foreign[0]}' is not used by question {snapshot['id']}")
    if not any(name in form for name in own):
        raise ResponseError(f"no answer to question {snapshot['id']} in the form", MISSING)
    return kind.normalise(snapshot, form, prefix)


def score(snapshot: Snapshot, response: Response) -> float:
    """Points in [0, 1] for `response` to the frozen question (rules in quizzes/README.md)."""
    result = get_type(snapshot["type"]).score(snapshot, response)
    return min(1.0, max(0.0, float(result)))


def chosen_option_keys(snapshot: Snapshot, response: Response) -> tuple[str, ...]:
    """Stable keys of the chosen options (bank indexes as text, 'true'/'false', ...) for stats."""
    return get_type(snapshot["type"]).chosen_keys(snapshot, response)


# Importing the type modules registers them.
from . import types_choice, types_other  # noqa: E402, F401
