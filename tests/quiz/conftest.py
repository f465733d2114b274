"""Fixtures for the knowledge test: a trainee whose course is complete, a clock, helpers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from lms.extensions import db
from lms.quiz import service

T0 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


@pytest.fixture
def course_done(monkeypatch):
    """Every trainee has completed the course (the course feature is tested on its own)."""
    monkeypatch.setattr(service, "course_parts_complete", lambda user: True)


@pytest.fixture
def trainee(app, make_user, course_done):
    return make_user("tina@example.se", "trainee", name="Tina Testsson")


@pytest.fixture
def approver(app, make_user):
    return make_user("greta@example.se", "approver", name="Greta Godkännare")


def start(user, seed: int = 1, now: datetime = T0):
    return service.start_attempt(user, random.Random(seed), now=now)


def answer_all(attempt, right_positions, now: datetime = T0 + timedelta(minutes=5)) -> None:
    """Answer every question; those in `right_positions` rightly, the others wrongly."""
    from tests.quiz.answers import form_for

    for position, snapshot in enumerate(attempt.questions, start=1):
        service.save_answer(
            attempt, position, form_for(snapshot, position, position in right_positions), now=now
        )
    db.session.expire_all()
