"""Choice types: single (one right option), multiple (partial credit) and truefalse."""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from .model import Question
from .types import (
    MISSING,
    LineMessage,
    QuestionType,
    Response,
    ResponseError,
    Snapshot,
    form_values,
    key_index,
    new_keys,
    one_value,
    permutation,
    register,
)


class ChoiceType(QuestionType):
    """Options with right ones among them; the browser sees options under opaque keys."""

    fields = frozenset({"options", "correct", "feedback"})

    def validate_fields(self, question: Question) -> list[LineMessage]:
        src = question.source
        problems: list[LineMessage] = []
        count = len(question.options)
        if count < 2:
            problems.append((src.line_of("options"), f"{self.name} needs at least 2 options"))
        if any(not str(option).strip() for option in question.options):
            problems.append((src.line_of("options"), "an option is empty"))
        if len(set(question.options)) != count:
            problems.append((src.line_of("options"), "two options have the same text"))
        for index in question.correct:
            if not 0 <= index < count:
                problems.append(
                    (
                        src.line_of("correct"),
                        f"correct index {index} is out of range 0..{count - 1}",
                    )
                )
        if len(set(question.correct)) != len(question.correct):
            problems.append((src.line_of("correct"), "correct lists an index twice"))
        if question.feedback is not None and len(question.feedback) != count:
            problems.append(
                (
                    src.line_of("feedback"),
                    f"feedback has {len(question.feedback)} texts for {count} options",
                )
            )
        return problems + self.validate_key(question)

    def validate_key(self, question: Question) -> list[LineMessage]:
        return []

    def freeze_key(self, question: Question, rng: random.Random, shuffle: bool) -> Snapshot:
        order = permutation(rng, len(question.options), shuffle)
        keys = new_keys(rng, len(order))
        feedback = question.feedback
        options = [
            {
                "key": key,
                "index": i,
                "text": question.options[i],
                "feedback": feedback[i] if feedback is not None else None,
            }
            for key, i in zip(keys, order, strict=True)
        ]
        return {"options": options, "correct": sorted(question.correct)}

    def view(self, snapshot: Snapshot) -> dict[str, Any]:
        return {"options": [{"key": o["key"], "text": o["text"]} for o in snapshot["options"]]}

    def chosen_keys(self, snapshot: Snapshot, response: Response) -> tuple[str, ...]:
        if response is None:
            return ()
        chosen = [response] if isinstance(response, str) else response
        by_key = key_index(snapshot["options"])
        return tuple(sorted(str(by_key[key]) for key in chosen if key in by_key))


@register
class SingleChoice(ChoiceType):
    """Exactly one right option; 1 or 0."""

    name = "single"

    def validate_key(self, question: Question) -> list[LineMessage]:
        if len(question.correct) != 1:
            return [
                (
                    question.source.line_of("correct"),
                    f"single needs exactly one correct index, has {len(question.correct)}",
                )
            ]
        return []

    def view(self, snapshot: Snapshot) -> dict[str, Any]:
        return {**super().view(snapshot), "multiple": False}

    def normalise(self, snapshot: Snapshot, form: Mapping[str, Any], prefix: str) -> Response:
        key = one_value(form, prefix + "answer")
        if key is None:  # radio buttons: a choice can be changed but not cleared
            raise ResponseError("no option chosen", MISSING)
        if key not in key_index(snapshot["options"]):
            raise ResponseError(f"'{key}' is not an option of question {snapshot['id']}")
        return key

    def score(self, snapshot: Snapshot, response: Response) -> float:
        if response is None:
            return 0.0
        return 1.0 if key_index(snapshot["options"]).get(response) in snapshot["correct"] else 0.0


@register
class MultipleResponse(ChoiceType):
    """Partial credit: +1/R per right option chosen, -1/W per wrong option chosen, floor 0."""

    name = "multiple"

    def validate_key(self, question: Question) -> list[LineMessage]:
        line = question.source.line_of("correct")
        if not question.correct:
            return [(line, "multiple needs at least one correct index")]
        if len(set(question.correct)) >= len(question.options) >= 2:
            return [(line, "multiple needs at least one wrong option (every option is correct)")]
        return []

    def view(self, snapshot: Snapshot) -> dict[str, Any]:
        return {**super().view(snapshot), "multiple": True}

    def normalise(self, snapshot: Snapshot, form: Mapping[str, Any], prefix: str) -> Response:
        # The page sends an empty `answer` besides the checkboxes: with every box unchecked it
        # still says "cleared" (an empty list), unlike a form without the question's fields.
        keys = form_values(form, prefix + "answer")
        known = key_index(snapshot["options"])
        unknown = [key for key in keys if key not in known]
        if unknown:
            raise ResponseError(f"'{unknown[0]}' is not an option of question {snapshot['id']}")
        if len(set(keys)) != len(keys):
            raise ResponseError("an option was chosen twice")
        return sorted(keys)

    def score(self, snapshot: Snapshot, response: Response) -> float:
        if not response:
            return 0.0
        right = set(snapshot["correct"])
        wrong_count = len(snapshot["options"]) - len(right)
        chosen = {key_index(snapshot["options"])[key] for key in response}
        points = Fraction(len(chosen & right), len(right))
        if wrong_count:
            points -= Fraction(len(chosen - right), wrong_count)
        return float(max(Fraction(0), points))


TRUE_WORDS = {"true", "sant", "ja", "1"}
FALSE_WORDS = {"false", "falskt", "nej", "0"}


@register
class TrueFalse(QuestionType):
    """A statement that is true or false; 1 or 0."""

    name = "truefalse"
    fields = frozenset({"answer"})

    def validate_fields(self, question: Question) -> list[LineMessage]:
        if not isinstance(question.answer, bool):
            return [(question.source.line_of("answer"), "truefalse needs answer: true or false")]
        return []

    def freeze_key(self, question: Question, rng: random.Random, shuffle: bool) -> Snapshot:
        return {"answer": question.answer}

    def view(self, snapshot: Snapshot) -> dict[str, Any]:
        return {"options": [{"key": "true", "text": "Sant"}, {"key": "false", "text": "Falskt"}]}

    def normalise(self, snapshot: Snapshot, form: Mapping[str, Any], prefix: str) -> Response:
        value = one_value(form, prefix + "answer")
        if value is None:  # radio buttons: a choice can be changed but not cleared
            raise ResponseError("neither true nor false chosen", MISSING)
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
        raise ResponseError(f"'{value}' is neither true nor false")

    def score(self, snapshot: Snapshot, response: Response) -> float:
        return 1.0 if isinstance(response, bool) and response == snapshot["answer"] else 0.0

    def chosen_keys(self, snapshot: Snapshot, response: Response) -> tuple[str, ...]:
        return () if response is None else ("true" if response else "false",)
