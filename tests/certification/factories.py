"""Rows for certification tests, made directly (no mail, no quiz draw): an approved
application with an attestation, and graded attempts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from lms.extensions import db
from lms.models.enrolment import Application, Attestation
from lms.models.quiz import Attempt

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)  # "today" in these tests: 2026-11-29 (Stockholm)


def add_application(
    user,
    *,
    organisation: str = "Region Test",
    role: str = "id_administrator",
    created_at: datetime = T0 - timedelta(days=30),
    state: str = "approved",
    attested: bool = True,
) -> Application:
    app = Application(
        name=user.name if user else "Nobody",
        email=user.email if user else "x@example.se",
        organisation=organisation,
        hsa_id="SE2321000016-ABC1",
        role_sought=role,
        manager_name="Maria Chef",
        manager_email="maria@example.se",
        state=state,
        created_at=created_at,
        user_id=user.id if user and state == "approved" else None,
    )
    if attested:
        app.attestations.append(
            Attestation(
                method="form",
                manager_name="Maria Chef",
                manager_title="Verksamhetschef",
                attested_on=date(2026, 10, 1),
                statements=["employment"],
                created_at=created_at,
            )
        )
    db.session.add(app)
    db.session.flush()
    return app


def add_attempt(
    user,
    *,
    passed: bool = True,
    number: int | None = None,
    graded_at: datetime = T0 - timedelta(days=1),
    percent: float = 90.0,
) -> Attempt:
    if number is None:
        number = 1 + sum(
            1 for _ in db.session.scalars(db.select(Attempt.id).where(Attempt.user_id == user.id))
        )
    attempt = Attempt(
        user_id=user.id,
        number=number,
        status="submitted",
        started_at=graded_at,
        deadline_at=graded_at + timedelta(minutes=45),
        submitted_at=graded_at,
        graded_at=graded_at,
        score=percent / 10,
        max_score=10.0,
        percent=percent,
        passed=passed,
        questions=[],
        settings={"pass_percent": 80},
        bank_version="bank-v1",
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt
