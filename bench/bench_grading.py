"""Benchmark: grading attempts and computing item statistics grows linearly with attempts.

Generates a synthetic bank (13 categories, every question type) and 10,000 attempts of 30 drawn
questions with simulated form data, then times, for 1,000 / 5,000 / 10,000 attempts:

* baseline: merely iterating over every submitted form field (measured in the same run);
* grading: normalise_response + score + chosen_option_keys for every question;
* statistics: item_statistics over the graded attempts.

It prints the time per attempt for each size, the ratio against the baseline, and the ratio of
the per-attempt cost between sizes (about 1.0 means the cost grows linearly).

Run: .venv/bin/python bench/bench_grading.py
"""

from __future__ import annotations

import gc
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lms.quiz.bank.draw import draw_attempt  # noqa: E402
from lms.quiz.bank.model import Bank, Question, TestDefinition  # noqa: E402
from lms.quiz.bank.stats import item_statistics  # noqa: E402
from lms.quiz.bank.types import chosen_option_keys, normalise_response, score  # noqa: E402

SIZES = (1_000, 5_000, 10_000)
CATEGORIES = [f"kategori-{n:02d}" for n in range(13)]
TYPES = ("single", "multiple", "truefalse", "numeric", "matching", "ordering")
Form = dict[str, Any]


def synthetic_question(category: str, number: int) -> Question:
    kind = TYPES[number % len(TYPES)]
    base: dict[str, Any] = {
        "id": f"{category}-{number:03d}",
        "version": 1,
        "type": kind,
        "category": category,
        "lesson": "p1-lektion",
        "stem": f"Fråga {number} i {category}?",
    }
    if kind in ("single", "multiple"):
        base["options"] = tuple(f"alternativ {i}" for i in range(5))
        base["correct"] = (1,) if kind == "single" else (0, 3)
    elif kind == "truefalse":
        base["answer"] = number % 2 == 0
    elif kind == "numeric":
        base["answer"], base["tolerance"] = number, 1
    elif kind == "matching":
        base["pairs"] = tuple((f"vänster {i}", f"höger {i}") for i in range(4))
    else:
        base["steps"] = tuple(f"steg {i}" for i in range(5))
    return Question(**base)


def simulated_form(snapshot: dict[str, Any], right: bool, rng: random.Random) -> Form:
    kind = snapshot["type"]
    if kind in ("single", "multiple"):
        keys = {o["index"]: o["key"] for o in snapshot["options"]}
        good = [keys[i] for i in snapshot["correct"]]
        bad = [k for i, k in keys.items() if i not in snapshot["correct"]]
        if kind == "single":
            return {"answer": good[0] if right else rng.choice(bad)}
        return {"answer": good if right else good[:1] + bad[:1]}
    if kind == "truefalse":
        return {"answer": "true" if snapshot["answer"] == right else "false"}
    if kind == "numeric":
        return {"answer": str(snapshot["answer"] + (0 if right else 5))}
    if kind == "matching":
        rights = {item["index"]: item["key"] for item in snapshot["right"]}
        shift = 0 if right else 1
        return {
            f"match-{item['key']}": rights[(item["index"] + shift) % len(rights)]
            for item in snapshot["left"]
        }
    steps = sorted(snapshot["steps"], key=lambda s: s["index"])
    order = [s["key"] for s in steps]
    if not right:
        order.reverse()
    return {"order": order}


def generate(count: int, seed: int = 2026) -> list[list[tuple[dict[str, Any], Form]]]:
    rng = random.Random(seed)
    bank = Bank(
        "syntetisk",
        "bench",
        tuple(synthetic_question(c, n) for c in CATEGORIES for n in range(12)),
    )
    test = TestDefinition(draw={c: (3 if i < 4 else 2) for i, c in enumerate(CATEGORIES)})
    attempts = []
    for _ in range(count):
        ability = rng.random()
        snapshots = draw_attempt([bank], test, rng)
        attempts.append(
            [(s, simulated_form(s, rng.random() < 0.2 + 0.7 * ability, rng)) for s in snapshots]
        )
    return attempts


def iterate_only(attempts: list[list[tuple[dict[str, Any], Form]]]) -> int:
    touched = 0
    for attempt in attempts:
        for _snapshot, form in attempt:
            for value in form.values():
                touched += len(value)
    return touched


def grade(attempts: list[list[tuple[dict[str, Any], Form]]]) -> list[Any]:
    graded = []
    for attempt in attempts:
        items = []
        for snapshot, form in attempt:
            response = normalise_response(snapshot, form)
            items.append(
                (
                    snapshot["id"],
                    snapshot["version"],
                    score(snapshot, response),
                    chosen_option_keys(snapshot, response),
                )
            )
        graded.append((items, sum(i[2] for i in items)))
    return graded


def best_of(repeats: int, work: Callable[[], object]) -> float:
    """Best wall time of `repeats` runs, with the cyclic GC paused as timeit does (otherwise
    collections triggered by the 10,000 stored attempts dominate and hide the real cost)."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            work()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def main() -> None:
    start = time.perf_counter()
    everything = generate(max(SIZES))
    elapsed = time.perf_counter() - start
    print(f"generated {len(everything)} attempts of 30 questions in {elapsed:.1f} s")
    header = (
        f"{'attempts':>9} {'baseline µs':>12} {'grading µs':>11} {'stats µs':>9} {'grade/base':>11}"
    )
    print(header)
    per_attempt: dict[int, float] = {}
    base_per_attempt: dict[int, float] = {}
    for size in SIZES:
        attempts = everything[:size]
        baseline = best_of(3, lambda a=attempts: iterate_only(a)) / size
        graded = grade(attempts)
        grading = best_of(3, lambda a=attempts: grade(a)) / size
        stats = best_of(3, lambda g=graded: item_statistics(g)) / size
        per_attempt[size], base_per_attempt[size] = grading + stats, baseline
        print(
            f"{size:>9} {baseline * 1e6:>12.1f} {grading * 1e6:>11.1f} {stats * 1e6:>9.1f}"
            f" {grading / baseline:>11.1f}"
        )
    small = SIZES[0]
    print("cost per attempt (grading + statistics) against the smallest size; 1.0 = linear:")
    for size in SIZES[1:]:
        ratio = per_attempt[size] / per_attempt[small]
        base_ratio = base_per_attempt[size] / base_per_attempt[small]
        print(
            f"  {size} vs {small}: x{ratio:.2f} per attempt"
            f" (baseline x{base_ratio:.2f}, so x{ratio / base_ratio:.2f} against the baseline);"
            f" total time x{ratio * size / small:.1f} for x{size // small} attempts"
        )


if __name__ == "__main__":
    main()
