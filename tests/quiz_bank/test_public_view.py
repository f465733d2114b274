"""The browser's view of a question never carries key material."""

from __future__ import annotations

import json
import random

import pytest

from lms.quiz.bank.model import Question
from lms.quiz.bank.types import freeze, public_view

KEY_FIELDS = {"correct", "answer", "tolerance", "index", "feedback", "explanation", "pairs"}


def walk_keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in walk_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in walk_keys(v)}
    return set()


@pytest.mark.parametrize(
    "kind", ["single", "multiple", "truefalse", "numeric", "matching", "ordering"]
)
def test_public_view_has_no_field_naming_the_key(
    question_by_type: dict[str, Question], kind: str
) -> None:
    view = public_view(question_by_type[kind], random.Random(3))
    text = json.dumps(view, ensure_ascii=False)
    assert not walk_keys(view) & KEY_FIELDS, text
    assert "version" not in view and "lesson" not in view


def test_single_view_keys_do_not_reveal_which_option_is_right(
    question_by_type: dict[str, Question],
) -> None:
    """Over many draws the right option's key is just another random key, and its position
    in the view varies."""
    question = question_by_type["single"]
    positions = set()
    for seed in range(40):
        snapshot = freeze(question, random.Random(seed))
        view = public_view(snapshot)
        right_key = next(o["key"] for o in snapshot["options"] if o["index"] == 0)
        keys = [o["key"] for o in view["options"]]
        positions.add(keys.index(right_key))
        assert all(len(k) == 8 and int(k, 16) >= 0 for k in keys)
        assert sorted(o["text"] for o in view["options"]) == sorted(question.options)
    assert positions == {0, 1, 2}


def test_numeric_view_holds_only_the_stem(question_by_type: dict[str, Question]) -> None:
    question = question_by_type["numeric"]
    view = public_view(question, random.Random(1))
    assert view == {"id": question.id, "type": "numeric", "stem": question.stem}
    assert "14" not in json.dumps(view)


def test_truefalse_view_offers_both_answers_the_same_way(
    question_by_type: dict[str, Question],
) -> None:
    true_q = question_by_type["truefalse"]
    false_view = public_view(true_q, random.Random(1))
    other_view = public_view(
        Question(**{**true_q.__dict__, "answer": not true_q.answer}), random.Random(1)
    )
    assert false_view == other_view


@pytest.mark.parametrize("kind", ["ordering", "matching"])
def test_bank_order_is_never_presented_for_ordering_steps_or_matching_right_items(
    question_by_type: dict[str, Question], kind: str
) -> None:
    question = question_by_type[kind]
    bank_order = list(question.steps) if kind == "ordering" else [p[1] for p in question.pairs]
    for seed in range(50):
        view = public_view(question, random.Random(seed))
        shown = [s["text"] for s in view["steps" if kind == "ordering" else "right"]]
        assert shown != bank_order
        assert sorted(shown) == sorted(bank_order)


def test_matching_view_lists_left_items_and_shuffled_right_items_under_distinct_keys(
    question_by_type: dict[str, Question],
) -> None:
    view = public_view(question_by_type["matching"], random.Random(9))
    keys = [i["key"] for i in view["left"]] + [i["key"] for i in view["right"]]
    assert len(set(keys)) == len(keys) == 6
    assert [i["text"] for i in view["left"]] and [i["text"] for i in view["right"]]


def test_public_view_of_a_stored_snapshot_is_json_and_stable(
    question_by_type: dict[str, Question],
) -> None:
    snapshot = json.loads(json.dumps(freeze(question_by_type["multiple"], random.Random(4))))
    assert public_view(snapshot) == public_view(snapshot)
    assert public_view(snapshot)["options"] == [
        {"key": o["key"], "text": o["text"]} for o in snapshot["options"]
    ]
