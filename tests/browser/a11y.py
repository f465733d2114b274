"""WCAG 2.1 A/AA checks with axe-core (bundled by axe-playwright-python) on a Playwright page.

axe finds what a machine can find (names, labels, contrast, landmarks, ARIA use, language);
keyboard flow and the sense of the text still need a person. A failing check lists each rule
with the elements that break it.
"""

from __future__ import annotations

from typing import Any

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe: Any = None


def violations(page) -> list[dict]:
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    result = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return result.response["violations"]


def describe(found: list[dict]) -> str:
    lines = []
    for rule in found:
        targets = ", ".join(" ".join(node["target"]) for node in rule["nodes"][:5])
        lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']} -- {targets}")
    return "\n".join(lines)


def assert_accessible(page, where: str = "") -> None:
    found = violations(page)
    assert not found, f"WCAG 2.1 AA problems on {where or page.url}:\n{describe(found)}"
