"""Stratified draw and shuffling of questions and options."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from quiz_factories import single

from lms.quiz.bank.draw import DrawError, draw_attempt, draw_questions
from lms.quiz.bank.model import Bank, TestDefinition
from lms.quiz.bank.types import normalise_response, score

CATEGORIES = {"roller": 6, "tillit": 4, "intyg": 5}


def make_banks() -> list[Bank]:
    banks = []
    for category, count in CATEGORIES.items():
        questions = tuple(
            single(
                id=f"{category}-{n:03d}",
                category=category,
                options=("rätt", "fel 1", "fel 2", "fel 3"),
                correct=(0,),
            )
            for n in range(count)
        )
        banks.append(Bank(category, f"banks/{category}.yaml", questions))
    return banks


TEST = TestDefinition(draw={"roller": 3, "tillit": 2, "intyg": 4})


@pytest.mark.parametrize("seed", range(20))
def test_draw_takes_exactly_the_blueprint_count_from_each_category_without_repeats(
    seed: int,
) -> None:
    drawn = draw_attempt(make_banks(), TEST, random.Random(seed))
    assert Counter(q["category"] for q in drawn) == Counter(TEST.draw)
    assert len({q["id"] for q in drawn}) == len(drawn) == TEST.question_count == 9


def test_draw_reaches_every_question_of_a_category_across_seeds() -> None:
    seen = {
        q.id for seed in range(200) for q in draw_questions(make_banks(), TEST, random.Random(seed))
    }
    assert seen == {q.id for bank in make_banks() for q in bank.questions}


def test_draw_is_reproducible_from_the_seed() -> None:
    first = draw_attempt(make_banks(), TEST, random.Random(42))
    assert first == draw_attempt(make_banks(), TEST, random.Random(42))


def test_question_order_is_shuffled_across_seeds_when_shuffle_questions_is_on() -> None:
    orders = {
        tuple(q["category"] for q in draw_attempt(make_banks(), TEST, random.Random(s)))
        for s in range(30)
    }
    assert len(orders) > 10


def test_without_shuffle_questions_come_category_by_category_in_bank_order() -> None:
    test = TestDefinition(draw=TEST.draw, shuffle_questions=False, shuffle_options=False)
    drawn = draw_attempt(make_banks(), test, random.Random(1))
    categories = [q["category"] for q in drawn]
    assert categories == ["roller"] * 3 + ["tillit"] * 2 + ["intyg"] * 4
    ids = [q["id"] for q in drawn]
    assert ids[:3] == sorted(ids[:3])
    assert all([o["index"] for o in q["options"]] == [0, 1, 2, 3] for q in drawn)


def test_options_are_permuted_across_seeds_and_the_key_follows_the_right_option() -> None:
    orders = set()
    for seed in range(40):
        for snapshot in draw_attempt(make_banks(), TEST, random.Random(seed)):
            orders.add(tuple(o["index"] for o in snapshot["options"]))
            right = next(o for o in snapshot["options"] if o["text"] == "rätt")
            wrong = next(o for o in snapshot["options"] if o["text"] != "rätt")
            assert score(snapshot, normalise_response(snapshot, {"answer": right["key"]})) == 1.0
            assert score(snapshot, normalise_response(snapshot, {"answer": wrong["key"]})) == 0.0
    assert len(orders) == 24  # every permutation of four options occurs


def test_draw_refuses_a_category_with_too_few_questions() -> None:
    with pytest.raises(DrawError, match="tillit"):
        draw_questions(make_banks(), TestDefinition(draw={"tillit": 5}), random.Random(1))
