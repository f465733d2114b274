"""Item statistics against a synthetic population whose answers are known."""

from __future__ import annotations

import pytest

from lms.quiz.bank.stats import Attempt, ItemResult, ItemStatistics, item_statistics

PEOPLE = 100  # ability 0 (weakest) .. 99 (strongest)


def item(qid: str, right: bool, version: int = 1) -> ItemResult:
    return (qid, version, 1.0 if right else 0.0, ("0",) if right else ("1",))


def population() -> list[Attempt]:
    attempts = []
    for ability in range(PEOPLE):
        items = [
            item("alla-ratt", True),
            item("ingen-ratt", False),
            item("bra", ability >= 50),
            item("bakvand", ability < 20),
        ]
        # Ten filler questions make the total follow ability.
        items += [item(f"fyll-{k}", ability >= k * 10) for k in range(10)]
        items.append(item("versionerad", ability % 2 == 0, version=1 + ability % 2))
        attempts.append((items, sum(score for _, _, score, _ in items)))
    return attempts


@pytest.fixture(scope="module")
def stats() -> dict[tuple[str, int], ItemStatistics]:
    return {(s.question_id, s.version): s for s in item_statistics(population())}


def test_a_question_everyone_gets_right_has_facility_one_and_is_flagged_too_easy(
    stats: dict[tuple[str, int], ItemStatistics],
) -> None:
    easy = stats[("alla-ratt", 1)]
    assert easy.facility == 1.0 and easy.responses == PEOPLE
    assert easy.discrimination == 0.0
    assert easy.point_biserial is None  # no variance in the item score
    assert easy.flags == ("too_easy",)


def test_a_question_nobody_gets_right_is_flagged_too_hard(
    stats: dict[tuple[str, int], ItemStatistics],
) -> None:
    assert stats[("ingen-ratt", 1)].facility == 0.0
    assert stats[("ingen-ratt", 1)].flags == ("too_hard",)


def test_a_question_only_the_top_half_gets_right_discriminates_positively(
    stats: dict[tuple[str, int], ItemStatistics],
) -> None:
    good = stats[("bra", 1)]
    assert good.facility == 0.5
    assert good.discrimination == 1.0  # upper 27 % all right, lower 27 % all wrong
    assert good.point_biserial is not None and good.point_biserial > 0.8
    assert good.flags == ()
    assert good.option_counts == {"0": 50, "1": 50}


def test_a_question_only_the_weakest_get_right_is_flagged_negative(
    stats: dict[tuple[str, int], ItemStatistics],
) -> None:
    backwards = stats[("bakvand", 1)]
    assert backwards.facility == pytest.approx(0.2)
    assert backwards.discrimination is not None and backwards.discrimination < 0
    assert backwards.point_biserial is not None and backwards.point_biserial < 0
    assert "negative_discrimination" in backwards.flags


def test_each_question_version_gets_its_own_statistics(
    stats: dict[tuple[str, int], ItemStatistics],
) -> None:
    assert stats[("versionerad", 1)].responses == 50
    assert stats[("versionerad", 1)].facility == 1.0
    assert stats[("versionerad", 2)].facility == 0.0


def test_point_biserial_uses_the_rest_of_the_test_not_the_total() -> None:
    """With one item only, the rest score is constant 0, so no correlation is defined."""
    attempts: list[Attempt] = [([item("ensam", r)], float(r)) for r in (True, False, True)]
    (only,) = item_statistics(attempts)
    assert only.point_biserial is None
    assert only.facility == pytest.approx(2 / 3)


def test_no_attempts_give_no_statistics() -> None:
    assert item_statistics([]) == []
