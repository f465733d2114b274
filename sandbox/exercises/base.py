"""What every sandbox exercise has: a set-up at the desk, a brief and an automatic check.

An exercise prepares real test cards (and, where needed, real certificates from the mock CA),
tells the person what the situation is, and later checks the outcome on the cards and in the
CA, not the clicks that led there. Findings are codes with parameters; the console words them
(`sandbox.console.messages`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from sandbox.ca import MockCa
from sandbox.card.virtual.state import CardState
from sandbox.console.desk import Desk

CATALOG_FILE = Path(__file__).with_name("catalog.yaml")


@dataclass(frozen=True)
class Finding:
    ok: bool
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "code": self.code, "params": self.params}


@dataclass
class Workbench:
    """What a set-up or a check works with."""

    desk: Desk
    ca: MockCa
    db: Session
    now: dt.datetime
    trainee_name: str = ""
    user_id: int = 0  # whose card register the exercise fills
    made: list[str] = field(default_factory=list)  # card numbers this set-up made

    def new_card(self, **options: Any) -> CardState:
        """A new test card on the desk, remembered as this run's (so a later start clears it
        and the run's own cards may be revoked)."""
        state = self.desk.new_card(**options)
        self.made.append(state.card_number)
        return state


@dataclass(frozen=True)
class AnswerField:
    """A question the person answers from what the desk shows (read-the-card exercises)."""

    name: str
    label: Any  # a lazy string
    hint: Any = None
    max_length: int = 40


class Exercise:
    id: ClassVar[str]
    answer_fields: ClassVar[tuple[AnswerField, ...]] = ()
    #: A template the exercise panel includes for exercise-specific steps (an order to sign).
    panel_template: ClassVar[str | None] = None

    def setup(self, bench: Workbench) -> dict[str, Any]:
        """Prepare cards and records; return the run's context (JSON-able)."""
        raise NotImplementedError

    def brief(self, context: dict[str, Any]) -> list[str]:
        """The situation and the task, as sentences (translated, filled in from `context`)."""
        raise NotImplementedError

    def check(
        self, bench: Workbench, context: dict[str, Any], answers: dict[str, str]
    ) -> list[Finding]:
        raise NotImplementedError


REGISTRY: dict[str, Exercise] = {}


def register(cls: type[Exercise]) -> type[Exercise]:
    REGISTRY[cls.id] = cls()
    return cls


def load_catalog(path: Path = CATALOG_FILE) -> list[dict[str, str]]:
    """The catalog entries in order: id, title (Swedish, as the course names it), status."""
    from lms.course.content.frontmatter import load_yaml
    from lms.textfiles import read_utf8

    data, _lines = load_yaml(read_utf8(path))
    data = data or []
    return [
        {"id": str(e["id"]), "title": str(e.get("title", e["id"])), "status": str(e["status"])}
        for e in data
        if isinstance(e, dict) and "id" in e and "status" in e
    ]


def digits(count: int) -> str:
    """A random test code (PIN, PUK) for an exercise's PIN letter; never all one digit."""
    while True:
        value = "".join(secrets.choice("0123456789") for _ in range(count))
        if len(set(value)) > 2:
            return value
