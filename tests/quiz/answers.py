"""Form data that answers a frozen question rightly or wrongly, worked out from its snapshot
(the server-side key): for tests only, never from a page."""

from __future__ import annotations

from typing import Any

Pairs = list[tuple[str, str]]


def _sorted_keys(items: list[dict[str, Any]]) -> list[str]:
    return [item["key"] for item in sorted(items, key=lambda item: item["index"])]


def answer_pairs(snapshot: dict[str, Any], position: int, right: bool = True) -> Pairs:
    """(field name, value) pairs for question `position` of an attempt."""
    prefix = f"q{position}-"
    kind = snapshot["type"]
    if kind in ("single", "multiple"):
        keys = [
            o["key"] for o in snapshot["options"] if (o["index"] in snapshot["correct"]) == right
        ]
        if kind == "single":
            keys = keys[:1]
        return [(prefix + "answer", key) for key in keys]
    if kind == "truefalse":
        value = snapshot["answer"] if right else not snapshot["answer"]
        return [(prefix + "answer", "true" if value else "false")]
    if kind == "matching":
        rights = _sorted_keys(snapshot["right"])
        if not right:
            rights = rights[1:] + rights[:1]
        return [
            (f"{prefix}match-{left['key']}", rights[left["index"]]) for left in snapshot["left"]
        ]
    if kind == "ordering":
        keys = _sorted_keys(snapshot["steps"])
        return [(prefix + "order", key) for key in (keys if right else keys[::-1])]
    if kind == "numeric":
        value = snapshot["answer"] if right else snapshot["answer"] + snapshot["tolerance"] + 1000
        return [(prefix + "answer", str(value).replace(".", ","))]
    raise ValueError(kind)


def form_for(snapshot: dict[str, Any], position: int, right: bool = True) -> dict[str, Any]:
    """A dict for the test client or save_answer (every field a list of values)."""
    data: dict[str, Any] = {"position": [str(position)]}
    for name, value in answer_pairs(snapshot, position, right):
        data.setdefault(name, []).append(value)
    return data
