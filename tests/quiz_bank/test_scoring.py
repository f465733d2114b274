"""Scoring rules of quizzes/README.md, applied to frozen snapshots."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from quiz_factories import single

from lms.quiz.bank.model import Question
from lms.quiz.bank.types import (
    CHOSEN_TWICE,
    MALFORMED,
    MISSING,
    NOT_A_NUMBER,
    ResponseError,
    chosen_option_keys,
    freeze,
    normalise_response,
    score,
)


def key_of(snapshot: dict[str, Any], bank_index: int, items: str = "options") -> str:
    return next(o["key"] for o in snapshot[items] if o["index"] == bank_index)


def frozen(question: Question, seed: int = 1) -> dict[str, Any]:
    # Snapshots are stored as JSON: score what comes back from JSON, as the engine will.
    return json.loads(json.dumps(freeze(question, random.Random(seed))))


# Five options, right = {0, 2} (R = 2), wrong = {1, 3, 4} (W = 3).
MULTIPLE = single(
    id="m", type="multiple", options=("a", "b", "c", "d", "e"), correct=(0, 2), feedback=None
)


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ((), 0.0),  # nothing chosen scores 0
        ((0,), 1 / 2),  # one of two right: +1/R
        ((0, 2), 1.0),  # all right, no wrong
        ((0, 2, 1), 1 - 1 / 3),  # all right and one wrong: 1 - 1/W
        ((0, 1), 1 / 2 - 1 / 3),
        ((0, 1, 3), 0.0),  # 1/2 - 2/3 < 0 is floored at 0
        ((1,), 0.0),  # only wrong: floored at 0
        ((0, 1, 2, 3, 4), 0.0),  # choosing everything scores 0
    ],
)
def test_multiple_scores_plus_one_over_r_per_right_minus_one_over_w_per_wrong_floored_at_zero(
    chosen: tuple[int, ...], expected: float
) -> None:
    snapshot = frozen(MULTIPLE)
    keys = [key_of(snapshot, i) for i in chosen]
    response = normalise_response(snapshot, {"answer": keys})
    assert score(snapshot, response) == pytest.approx(expected)


def test_multiple_with_three_right_options_sums_to_exactly_one() -> None:
    snapshot = frozen(single(type="multiple", options=("a", "b", "c", "d"), correct=(0, 1, 2)))
    keys = [key_of(snapshot, i) for i in (0, 1, 2)]
    assert score(snapshot, normalise_response(snapshot, {"answer": keys})) == 1.0


def test_single_scores_one_only_for_the_right_key() -> None:
    snapshot = frozen(single())
    assert score(snapshot, normalise_response(snapshot, {"answer": key_of(snapshot, 0)})) == 1.0
    assert score(snapshot, normalise_response(snapshot, {"answer": key_of(snapshot, 1)})) == 0.0
    with pytest.raises(ResponseError) as refused:  # a radio choice cannot be cleared
        normalise_response(snapshot, {"answer": ""})
    assert refused.value.reason == MISSING


@pytest.mark.parametrize(
    ("answer", "form", "expected"),
    [(True, "true", 1.0), (True, "false", 0.0), (False, "falskt", 1.0), (False, "sant", 0.0)],
)
def test_truefalse_scores_one_when_the_answer_matches(
    answer: bool, form: str, expected: float
) -> None:
    snapshot = frozen(single(type="truefalse", options=(), correct=(), answer=answer))
    assert score(snapshot, normalise_response(snapshot, {"answer": form})) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("14", 1.0), ("15", 1.0), ("13", 1.0), ("16", 0.0), ("12,9", 0.0), ("13,0", 1.0)],
)
def test_numeric_is_right_within_plus_minus_tolerance(typed: str, expected: float) -> None:
    snapshot = frozen(single(type="numeric", options=(), correct=(), answer=14, tolerance=1))
    assert score(snapshot, normalise_response(snapshot, {"answer": typed})) == expected


def test_numeric_with_zero_tolerance_survives_binary_rounding() -> None:
    question = single(type="numeric", options=(), correct=(), answer=0.1 + 0.2, tolerance=0)
    snapshot = frozen(question)
    assert score(snapshot, normalise_response(snapshot, {"answer": "0.3"})) == 1.0


def test_matching_scores_the_share_of_left_items_matched_correctly() -> None:
    question = single(
        type="matching",
        options=(),
        correct=(),
        pairs=(("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")),
    )
    snapshot = frozen(question)
    left = {item["index"]: item["key"] for item in snapshot["left"]}
    right = {item["index"]: item["key"] for item in snapshot["right"]}
    form = {
        f"match-{left[0]}": right[0],
        f"match-{left[1]}": right[1],
        f"match-{left[2]}": right[3],
    }
    assert score(snapshot, normalise_response(snapshot, form)) == 0.5
    all_right = {f"match-{left[i]}": right[i] for i in range(4)}
    assert score(snapshot, normalise_response(snapshot, all_right)) == 1.0


def test_ordering_scores_one_only_when_every_step_is_in_place() -> None:
    question = single(type="ordering", options=(), correct=(), steps=("a", "b", "c", "d"))
    snapshot = frozen(question)
    keys = [key_of(snapshot, i, "steps") for i in range(4)]
    assert score(snapshot, normalise_response(snapshot, {"order": keys})) == 1.0
    swapped = [keys[0], keys[1], keys[3], keys[2]]
    assert score(snapshot, normalise_response(snapshot, {"order": swapped})) == 0.0
    assert score(snapshot, normalise_response(snapshot, {"order": ",".join(keys)})) == 1.0


def test_a_partial_order_keeps_the_places_chosen_and_scores_zero() -> None:
    question = single(type="ordering", options=(), correct=(), steps=("a", "b", "c", "d"))
    snapshot = frozen(question)
    keys = [key_of(snapshot, i, "steps") for i in range(4)]
    response = normalise_response(snapshot, {"order": [keys[0], "", keys[2]]})
    assert response == [keys[0], None, keys[2], None]
    assert score(snapshot, json.loads(json.dumps(response))) == 0.0
    assert chosen_option_keys(snapshot, response) == ("0,-,2,-",)
    assert normalise_response(snapshot, {"order": ["", "", ""]}) is None
    with pytest.raises(ResponseError, match="at most once"):
        normalise_response(snapshot, {"order": [keys[0], keys[0]]})
    with pytest.raises(ResponseError, match="places"):
        normalise_response(snapshot, {"order": [*keys, ""]})


def test_scoring_uses_the_snapshot_so_a_later_bank_edit_does_not_change_history() -> None:
    snapshot = frozen(single(version=1))
    right_key = key_of(snapshot, 0)
    edited = single(version=2, correct=(1,))  # the bank changes its key afterwards
    assert edited.correct != (0,)
    assert snapshot["version"] == 1
    assert score(snapshot, normalise_response(snapshot, {"answer": right_key})) == 1.0


@pytest.mark.parametrize(
    ("question", "form", "message"),
    [
        (single(), {"answer": "nope"}, "not an option"),
        (single(), {"answer": ["x", "y"]}, "expected one"),
        (single(), {"answer": 3}, "must be text"),
        (single(type="multiple", correct=(0, 1)), {"answer": ["zz"]}, "not an option"),
        (
            single(type="truefalse", options=(), correct=(), answer=True),
            {"answer": "kanske"},
            "neither",
        ),
        (
            single(type="numeric", options=(), correct=(), answer=1, tolerance=0),
            {"answer": "tolv"},
            "not a plain decimal number",
        ),
        (
            single(type="numeric", options=(), correct=(), answer=1, tolerance=0),
            {"answer": "inf"},
            "not a plain decimal number",
        ),
        (
            single(type="ordering", options=(), correct=(), steps=("a", "b", "c")),
            {"order": "x,y"},
            "not a step",
        ),
        (
            single(type="matching", options=(), correct=(), pairs=(("a", "1"), ("b", "2"))),
            None,
            "right item",
        ),
    ],
)
def test_normalise_response_rejects_malformed_form_data(
    question: Question, form: dict[str, Any] | None, message: str
) -> None:
    snapshot = frozen(question)
    if form is None:  # matching: a real left key with a made-up right key
        form = {f"match-{snapshot['left'][0]['key']}": "ffffffff"}
    with pytest.raises(ResponseError, match=message):
        normalise_response(snapshot, form)


def test_a_multiple_response_choosing_one_option_twice_is_malformed() -> None:
    snapshot = frozen(MULTIPLE)
    key = key_of(snapshot, 0)
    with pytest.raises(ResponseError, match="twice"):
        normalise_response(snapshot, {"answer": [key, key]})


def test_normalise_reads_werkzeug_style_multidicts_and_field_prefixes() -> None:
    class MultiDict(dict[str, list[str]]):
        def getlist(self, name: str) -> list[str]:
            return self.get(name, [])

    snapshot = frozen(MULTIPLE)
    keys = [key_of(snapshot, 0), key_of(snapshot, 2)]
    response = normalise_response(snapshot, MultiDict({"q7-answer": keys}), prefix="q7-")
    assert score(snapshot, response) == 1.0


def test_chosen_option_keys_are_bank_indexes_stable_across_attempts() -> None:
    first, second = frozen(MULTIPLE, seed=1), frozen(MULTIPLE, seed=2)
    assert key_of(first, 2) != key_of(second, 2)
    for snapshot in (first, second):
        response = normalise_response(snapshot, {"answer": [key_of(snapshot, 2)]})
        assert chosen_option_keys(snapshot, response) == ("2",)


def test_score_is_always_between_zero_and_one() -> None:
    rng = random.Random(5)
    snapshot = frozen(MULTIPLE)
    keys = [o["key"] for o in snapshot["options"]]
    for _ in range(200):
        chosen = rng.sample(keys, rng.randint(0, len(keys)))
        assert 0.0 <= score(snapshot, normalise_response(snapshot, {"answer": chosen})) <= 1.0


QUESTION_OF_TYPE = {
    "single": single(),
    "multiple": MULTIPLE,
    "truefalse": single(type="truefalse", options=(), correct=(), answer=True),
    "numeric": single(type="numeric", options=(), correct=(), answer=14, tolerance=0),
    "matching": single(
        type="matching", options=(), correct=(), pairs=(("a", "1"), ("b", "2"), ("c", "3"))
    ),
    "ordering": single(type="ordering", options=(), correct=(), steps=("a", "b", "c")),
}


@pytest.mark.parametrize("kind", sorted(QUESTION_OF_TYPE))
@pytest.mark.parametrize(
    ("form", "reason"),
    [
        # another type's field (an ordering's) or, for an ordering, steps it does not have
        ({"q1-order": ["zz", "zz"]}, MALFORMED),
        ({"q1-answer": "zz", "q1-order": "zz"}, MALFORMED),  # one field is foreign to each type
        ({"q1-match-zz": "zz"}, MALFORMED),  # a left key that is not the question's
        ({}, MISSING),  # nothing of this question at all
        ({"q2-answer": "1", "position": "1"}, MISSING),  # another question's fields only
    ],
)
def test_a_form_without_the_question_types_own_fields_is_refused_not_taken_as_cleared(
    kind: str, form: dict[str, Any], reason: str
) -> None:
    snapshot = frozen(QUESTION_OF_TYPE[kind])
    with pytest.raises(ResponseError) as refused:
        normalise_response(snapshot, form, prefix="q1-")
    assert refused.value.reason == reason


def _cleared_form(snapshot: dict[str, Any], kind: str) -> dict[str, Any]:
    """What the page sends with nothing chosen: each type's own fields, empty."""
    if kind == "matching":
        return {f"q1-match-{left['key']}": "" for left in snapshot["left"]}
    if kind == "ordering":
        return {"q1-order": [""] * len(snapshot["steps"])}
    return {"q1-answer": ""}  # multiple: the page's hidden empty field; numeric: the text box


@pytest.mark.parametrize(
    ("kind", "cleared"),
    [("multiple", []), ("matching", {}), ("ordering", None), ("numeric", None)],
)
def test_a_type_that_can_be_cleared_takes_its_own_empty_fields_as_cleared(
    kind: str, cleared: Any
) -> None:
    snapshot = frozen(QUESTION_OF_TYPE[kind])
    form = {"position": "1", "csrf_token": "t", **_cleared_form(snapshot, kind)}
    assert normalise_response(snapshot, form, prefix="q1-") == cleared


@pytest.mark.parametrize("kind", ["single", "truefalse"])
def test_radio_types_cannot_be_cleared(kind: str) -> None:
    snapshot = frozen(QUESTION_OF_TYPE[kind])
    with pytest.raises(ResponseError) as refused:
        normalise_response(snapshot, _cleared_form(snapshot, kind), prefix="q1-")
    assert refused.value.reason == MISSING


def test_matching_refuses_a_right_item_chosen_twice_and_takes_a_partial_answer() -> None:
    snapshot = frozen(QUESTION_OF_TYPE["matching"])
    left = [item["key"] for item in snapshot["left"]]
    right = snapshot["right"][0]["key"]
    with pytest.raises(ResponseError) as refused:
        normalise_response(snapshot, {f"match-{left[0]}": right, f"match-{left[1]}": right})
    assert refused.value.reason == CHOSEN_TWICE
    partial = {f"match-{left[0]}": right, f"match-{left[1]}": ""}
    assert normalise_response(snapshot, partial) == {left[0]: right}


def test_ordering_refuses_a_step_chosen_twice_as_chosen_twice() -> None:
    snapshot = frozen(QUESTION_OF_TYPE["ordering"])
    key = snapshot["steps"][0]["key"]
    with pytest.raises(ResponseError) as refused:
        normalise_response(snapshot, {"order": [key, key, ""]})
    assert refused.value.reason == CHOSEN_TWICE


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("3,5", 3.5),
        ("3.5", 3.5),
        ("\u22122", -2.0),
        ("+7", 7.0),
        ("1 000", 1000.0),
        ("1\u00a0000\u202f000,25", 1000000.25),
        ("1\u2009000", 1000.0),
        (",5", 0.5),
        ("12,", 12.0),
        ("999999999999999", 999999999999999.0),  # 15 digits
        ("0,000000000000000123456789012345", 1.23456789012345e-16),  # leading zeros are free
        ("1,50000000000000000000", 1.5),  # so are trailing zeros of the decimals
    ],
)
def test_numeric_takes_plain_decimal_numbers_of_at_most_15_digits(typed: str, value: float) -> None:
    snapshot = frozen(QUESTION_OF_TYPE["numeric"])
    assert normalise_response(snapshot, {"answer": typed}) == value


@pytest.mark.parametrize(
    "typed",
    [
        "99999999999999999999999999",
        "1234567890123456",  # 16 digits
        "0,1234567890123456",
        "1e3",
        "1E3",
        "inf",
        "nan",
        "0x10",
        "1,000.5",
        "1,2,3",
        "--1",
        "-",
        ",",
        "tolv",
    ],
)
def test_numeric_refuses_exponents_and_more_than_15_digits(typed: str) -> None:
    snapshot = frozen(QUESTION_OF_TYPE["numeric"])
    with pytest.raises(ResponseError) as refused:
        normalise_response(snapshot, {"answer": typed})
    assert refused.value.reason == NOT_A_NUMBER
