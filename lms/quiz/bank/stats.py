"""Item statistics over finished attempts, from plain data (no database).

Input: attempts, each `(items, total)` where items are `(question_id, version, score,
chosen_option_keys)` and total is the attempt's score. Option keys should be the stable keys
from `types.chosen_option_keys` (bank indexes), not the per-attempt opaque keys.

Per question version:
* facility: mean score (0..1);
* discrimination: mean score in the upper 27 % of attempts (by total) minus the mean in the
  lower 27 %, among the attempts that drew the question (None if either group never drew it);
* point-biserial: Pearson correlation of the item score with the rest of the test (total minus
  the item), so the item does not correlate with itself (None without variance);
* option counts and flags: too easy (facility > 0.9), too hard (< 0.3), negative
  discrimination (< 0).

Cost: one sort of the totals, then a single pass with running sums; linear in the number of
answered items.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

ItemResult = tuple[str, int, float, Sequence[str]]
Attempt = tuple[Sequence[ItemResult], float]

GROUP_SHARE = 0.27
TOO_EASY = 0.9
TOO_HARD = 0.3


@dataclass
class _Sums:
    n: int = 0
    score: float = 0.0
    score_sq: float = 0.0
    rest: float = 0.0
    rest_sq: float = 0.0
    product: float = 0.0
    upper: list[float] = field(default_factory=lambda: [0.0, 0.0])  # [sum, count]
    lower: list[float] = field(default_factory=lambda: [0.0, 0.0])
    options: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class ItemStatistics:
    question_id: str
    version: int
    responses: int
    facility: float
    discrimination: float | None
    point_biserial: float | None
    option_counts: dict[str, int]
    flags: tuple[str, ...]


def _groups(totals: list[float]) -> tuple[set[int], set[int]]:
    """Indexes of the upper and lower 27 % of attempts by total (ties broken by position)."""
    size = max(1, round(GROUP_SHARE * len(totals))) if totals else 0
    ranked = sorted(range(len(totals)), key=totals.__getitem__)
    return set(ranked[len(ranked) - size :]), set(ranked[:size])


def _correlation(s: _Sums) -> float | None:
    n = s.n
    var_x = n * s.score_sq - s.score**2
    var_y = n * s.rest_sq - s.rest**2
    if n < 2 or var_x <= 1e-12 or var_y <= 1e-12:
        return None
    return (n * s.product - s.score * s.rest) / math.sqrt(var_x * var_y)


def _flags(facility: float, discrimination: float | None) -> tuple[str, ...]:
    flags = []
    if facility > TOO_EASY:
        flags.append("too_easy")
    if facility < TOO_HARD:
        flags.append("too_hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative_discrimination")
    return tuple(flags)


def item_statistics(attempts: Sequence[Attempt]) -> list[ItemStatistics]:
    """Statistics per (question id, version), sorted by id then version."""
    upper, lower = _groups([total for _, total in attempts])
    sums: dict[tuple[str, int], _Sums] = {}
    for number, (items, total) in enumerate(attempts):
        group = None
        if number in upper:
            group = "upper"
        elif number in lower:
            group = "lower"
        for question_id, version, item_score, chosen in items:
            s = sums.get((question_id, version))
            if s is None:
                s = sums[(question_id, version)] = _Sums()
            rest = total - item_score
            s.n += 1
            s.score += item_score
            s.score_sq += item_score * item_score
            s.rest += rest
            s.rest_sq += rest * rest
            s.product += item_score * rest
            s.options.update(chosen)
            if group is not None:
                bucket = s.upper if group == "upper" else s.lower
                bucket[0] += item_score
                bucket[1] += 1
    result = []
    for (question_id, version), s in sorted(sums.items()):
        facility = s.score / s.n
        discrimination = None
        if s.upper[1] and s.lower[1]:
            discrimination = s.upper[0] / s.upper[1] - s.lower[0] / s.lower[1]
        result.append(
            ItemStatistics(
                question_id=question_id,
                version=version,
                responses=s.n,
                facility=facility,
                discrimination=discrimination,
                point_biserial=_correlation(s),
                option_counts=dict(s.options),
                flags=_flags(facility, discrimination),
            )
        )
    return result
