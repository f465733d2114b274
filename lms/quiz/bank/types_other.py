"""Matching (share of pairs right), ordering (all or nothing) and numeric (within tolerance)."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

from .model import Question
from .types import (
    CHOSEN_TWICE,
    LineMessage,
    QuestionType,
    Response,
    ResponseError,
    Snapshot,
    form_values,
    key_index,
    one_value,
    parse_number,
    permutation,
    presented,
    register,
)


def _public(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"key": item["key"], "text": item["text"]} for item in items]


@register
class Matching(QuestionType):
    """Left items matched to right items; the score is the share of left items matched right.

    Form fields: `match-<left key>` = `<right key>`. Left items keep the bank order (shuffled
    with shuffle_options); right items are always shuffled, never left in the bank order.
    """

    name = "matching"
    fields = frozenset({"pairs"})

    def validate_fields(self, question: Question) -> list[LineMessage]:
        line = question.source.line_of("pairs")
        problems: list[LineMessage] = []
        if len(question.pairs) < 2:
            problems.append((line, "matching needs at least 2 pairs"))
        for number, pair in enumerate(question.pairs, start=1):
            if len(pair) != 2 or not all(isinstance(t, str) and t.strip() for t in pair):
                problems.append((line, f"pair {number} must be [left, right], two non-empty texts"))
        lefts = [pair[0] for pair in question.pairs]
        rights = [pair[-1] for pair in question.pairs]
        if len(set(lefts)) != len(lefts):
            problems.append((line, "two pairs have the same left item"))
        if len(set(rights)) != len(rights):
            problems.append((line, "two pairs have the same right item"))
        return problems

    def freeze_key(self, question: Question, rng: random.Random, shuffle: bool) -> Snapshot:
        count = len(question.pairs)
        taken: set[str] = set()
        lefts = tuple(pair[0] for pair in question.pairs)
        rights = tuple(pair[1] for pair in question.pairs)
        left = presented(rng, lefts, permutation(rng, count, shuffle), taken)
        right = presented(rng, rights, permutation(rng, count, True, avoid_identity=True), taken)
        return {"left": left, "right": right}

    def view(self, snapshot: Snapshot) -> dict[str, Any]:
        return {"left": _public(snapshot["left"]), "right": _public(snapshot["right"])}

    def form_fields(self, snapshot: Snapshot) -> set[str]:
        return {f"match-{item['key']}" for item in snapshot["left"]}

    def normalise(self, snapshot: Snapshot, form: Mapping[str, Any], prefix: str) -> Response:
        # Every "– Choose –" left blank is a cleared answer (an empty dict).
        rights = key_index(snapshot["right"])
        matches: dict[str, str] = {}
        for item in snapshot["left"]:
            chosen = one_value(form, f"{prefix}match-{item['key']}")
            if chosen is None:
                continue
            if chosen not in rights:
                raise ResponseError(f"'{chosen}' is not a right item of question {snapshot['id']}")
            matches[item["key"]] = chosen
        if len(set(matches.values())) != len(matches):
            # Pairs are one to one, so a right item chosen twice is wrong at least once.
            raise ResponseError("a right item is chosen twice", CHOSEN_TWICE)
        return matches

    def score(self, snapshot: Snapshot, response: Response) -> float:
        if not response:
            return 0.0
        rights = key_index(snapshot["right"])
        hits = sum(
            1
            for item in snapshot["left"]
            if rights.get(response.get(item["key"], ""), -1) == item["index"]
        )
        return hits / len(snapshot["left"])

    def chosen_keys(self, snapshot: Snapshot, response: Response) -> tuple[str, ...]:
        if not response:
            return ()
        lefts, rights = key_index(snapshot["left"]), key_index(snapshot["right"])
        return tuple(sorted(f"{lefts[left]}->{rights[right]}" for left, right in response.items()))


@register
class Ordering(QuestionType):
    """Steps of a routine written in the right order; 1 only if every step is in place.

    Form field `order`: the step keys in the chosen order (repeated field or comma-separated).
    """

    name = "ordering"
    fields = frozenset({"steps"})

    def validate_fields(self, question: Question) -> list[LineMessage]:
        line = question.source.line_of("steps")
        problems: list[LineMessage] = []
        if len(question.steps) < 3:
            problems.append((line, "ordering needs at least 3 steps"))
        if any(not isinstance(step, str) or not step.strip() for step in question.steps):
            problems.append((line, "a step is empty"))
        if len(set(question.steps)) != len(question.steps):
            problems.append((line, "two steps have the same text"))
        return problems

    def freeze_key(self, question: Question, rng: random.Random, shuffle: bool) -> Snapshot:
        order = permutation(rng, len(question.steps), True, avoid_identity=True)
        return {"steps": presented(rng, question.steps, order, set())}

    def view(self, snapshot: Snapshot) -> dict[str, Any]:
        return {"steps": _public(snapshot["steps"])}

    def form_fields(self, snapshot: Snapshot) -> set[str]:
        return {"order"}

    def normalise(self, snapshot: Snapshot, form: Mapping[str, Any], prefix: str) -> Response:
        # Positions matter: a trainee who has chosen only some steps so far gets a partial
        # order with None in the open places (kept, so the page can show it again; it scores 0).
        values = form_values(form, prefix + "order", keep_empty=True)
        if len(values) == 1 and "," in values[0]:
            values = values[0].split(",")
        slots = [value.strip() or None for value in values]
        steps = key_index(snapshot["steps"])
        chosen = [key for key in slots if key is not None]
        if not chosen:
            return None
        if len(slots) > len(steps):
            raise ResponseError(f"order has {len(slots)} places, question has {len(steps)} steps")
        unknown = [key for key in chosen if key not in steps]
        if unknown:
            raise ResponseError(f"'{unknown[0]}' is not a step of question {snapshot['id']}")
        if len(set(chosen)) != len(chosen):
            raise ResponseError("order must use every step at most once", CHOSEN_TWICE)
        if len(chosen) == len(steps):
            return chosen
        return slots + [None] * (len(steps) - len(slots))

    def score(self, snapshot: Snapshot, response: Response) -> float:
        if not response:
            return 0.0
        steps = key_index(snapshot["steps"])
        return 1.0 if [steps.get(key) for key in response] == list(range(len(steps))) else 0.0

    def chosen_keys(self, snapshot: Snapshot, response: Response) -> tuple[str, ...]:
        if not response:
            return ()
        steps = key_index(snapshot["steps"])
        return (",".join(str(steps[key]) if key in steps else "-" for key in response),)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@register
class Numeric(QuestionType):
    """A number; right when |response - answer| <= tolerance (with a 1e-9 relative slack so
    that decimal input such as 0.3 against 0.1 + 0.2 is not lost to binary rounding)."""

    name = "numeric"
    fields = frozenset({"answer", "tolerance"})

    def validate_fields(self, question: Question) -> list[LineMessage]:
        src = question.source
        problems: list[LineMessage] = []
        if not _is_number(question.answer):
            problems.append((src.line_of("answer"), "numeric needs a number as answer"))
        if not _is_number(question.tolerance) or question.tolerance < 0:  # type: ignore[operator]
            problems.append((src.line_of("tolerance"), "tolerance must be a number >= 0"))
        return problems

    def freeze_key(self, question: Question, rng: random.Random, shuffle: bool) -> Snapshot:
        return {"answer": question.answer, "tolerance": question.tolerance}

    def normalise(self, snapshot: Snapshot, form: Mapping[str, Any], prefix: str) -> Response:
        value = one_value(form, prefix + "answer")
        return None if value is None else parse_number(value)

    def score(self, snapshot: Snapshot, response: Response) -> float:
        if response is None:
            return 0.0
        answer, tolerance = snapshot["answer"], snapshot["tolerance"]
        slack = 1e-9 * max(1.0, abs(answer))
        return 1.0 if abs(float(response) - answer) <= tolerance + slack else 0.0
