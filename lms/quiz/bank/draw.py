"""Stratified draw of one attempt's questions from the banks, following test.yaml."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable

from .model import Bank, Question, TestDefinition
from .types import Snapshot, freeze


class DrawError(ValueError):
    """The banks cannot satisfy the draw (`quiz check` reports this before it happens)."""


def questions_by_category(banks: Iterable[Bank]) -> dict[str, list[Question]]:
    by_category: dict[str, list[Question]] = defaultdict(list)
    for bank in banks:
        for question in bank.questions:
            by_category[question.category].append(question)
    return by_category


def draw_questions(
    banks: Iterable[Bank], test: TestDefinition, rng: random.Random
) -> list[Question]:
    """draw[c] questions from each category c, without replacement. Without shuffle_questions
    they come category by category in draw order, each in bank order."""
    by_category = questions_by_category(banks)
    chosen: list[Question] = []
    for category, count in test.draw.items():
        pool = by_category.get(category, [])
        if len(pool) < count:
            raise DrawError(
                f"category '{category}' holds {len(pool)} questions, the draw needs {count}"
            )
        picked = sorted(rng.sample(range(len(pool)), count))
        chosen.extend(pool[i] for i in picked)
    if test.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def draw_attempt(banks: Iterable[Bank], test: TestDefinition, rng: random.Random) -> list[Snapshot]:
    """The frozen snapshots of one attempt, in presented order, options shuffled per test.yaml."""
    return [
        freeze(question, rng, shuffle_options=test.shuffle_options)
        for question in draw_questions(banks, test, rng)
    ]
