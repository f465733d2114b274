"""The team dashboard's numbers: a fixed number of aggregate queries, whatever the population.

The cohort is the applications received in the chosen period (Europe/Stockholm dates) and
organisation. Definitions (also shown on the page):

* funnel, per application: applied → attested (has an attestation) → approved (application
  approved) → course started (a lesson opened) → part 1 done → part 2 done → passed the test →
  certified (holds a certification). Each later step also requires the approval.
* pass rate: passed graded attempts / graded attempts of the cohort's people.
* attempts per pass: the mean attempt number of each person's first passing attempt.
* time to certification: days from the application to the person's first certification; median.
* expiring soon: current certifications whose last valid day is within CERT_EXPIRING_SOON_DAYS
  (independent of the period: it is about today).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, case, exists, func, or_, select

from lms.certification.service import STOCKHOLM, today
from lms.extensions import db
from lms.models.certification import Certification
from lms.models.enrolment import Application, ApplicationState, Attestation
from lms.models.progress import LessonProgress, PartCompletion
from lms.models.quiz import GRADED_STATUSES, Attempt

FUNNEL_STEPS = (
    "applied",
    "attested",
    "approved",
    "course_started",
    "part1_done",
    "part2_done",
    "passed",
    "certified",
)


@dataclass(frozen=True)
class Filters:
    organisation: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class OrganisationRow:
    organisation: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Outcomes:
    graded_attempts: int
    passed_attempts: int
    people_passed: int
    attempts_per_pass: float | None
    certified_people: int
    median_days_to_certification: float | None

    @property
    def pass_rate(self) -> float | None:
        if not self.graded_attempts:
            return None
        return 100.0 * self.passed_attempts / self.graded_attempts


@dataclass(frozen=True)
class ExpiringRow:
    name: str
    organisation: str
    role: str
    ends_on: date
    code: str


@dataclass
class Dashboard:
    filters: Filters
    funnel: dict[str, int]
    organisations: list[OrganisationRow]
    outcomes: Outcomes
    expiring: list[ExpiringRow]
    organisation_choices: list[str] = field(default_factory=list)


def part_ids() -> tuple[str, str]:
    """The ids of the course's first two parts."""
    from lms.course.store import get_store

    parts = [part.id for part in get_store().course().parts]
    return (parts + ["del-1", "del-2"])[0], (parts[1:] + ["del-2"])[0]


def _utc_start(day: date) -> datetime:
    return datetime.combine(day, time.min, STOCKHOLM)


def _cohort(filters: Filters) -> list:
    conditions = []
    if filters.organisation:
        conditions.append(Application.organisation == filters.organisation)
    if filters.date_from:
        conditions.append(Application.created_at >= _utc_start(filters.date_from))
    if filters.date_to:
        conditions.append(Application.created_at < _utc_start(filters.date_to + timedelta(1)))
    return conditions


def _step_conditions() -> dict[str, object]:
    part1, part2 = part_ids()
    user = Application.user_id
    approved = and_(Application.state == ApplicationState.APPROVED.value, user.is_not(None))
    return {
        "attested": exists().where(Attestation.application_id == Application.id),
        "approved": approved,
        "course_started": and_(approved, exists().where(LessonProgress.user_id == user)),
        "part1_done": and_(
            approved,
            exists().where(PartCompletion.user_id == user, PartCompletion.part_id == part1),
        ),
        "part2_done": and_(
            approved,
            exists().where(PartCompletion.user_id == user, PartCompletion.part_id == part2),
        ),
        "passed": and_(approved, exists().where(Attempt.user_id == user, Attempt.passed.is_(True))),
        "certified": and_(approved, exists().where(Certification.user_id == user)),
    }


def funnel_by_organisation(filters: Filters) -> list[OrganisationRow]:
    """One GROUP BY query: every funnel step per organisation."""
    columns = [func.count(Application.id).label("applied")]
    for name, condition in _step_conditions().items():
        columns.append(func.sum(case((condition, 1), else_=0)).label(name))  # type: ignore[arg-type]
    rows = db.session.execute(
        select(Application.organisation, *columns)
        .where(*_cohort(filters))
        .group_by(Application.organisation)
        .order_by(Application.organisation)
    ).all()
    return [
        OrganisationRow(
            row.organisation, {step: int(getattr(row, step) or 0) for step in FUNNEL_STEPS}
        )
        for row in rows
    ]


def _cohort_users(filters: Filters):
    return (
        select(Application.user_id)
        .where(Application.user_id.is_not(None), *_cohort(filters))
        .scalar_subquery()
    )


def outcomes(filters: Filters) -> Outcomes:
    users = _cohort_users(filters)
    graded, passed = db.session.execute(
        select(
            func.count(Attempt.id), func.coalesce(func.sum(case((Attempt.passed, 1), else_=0)), 0)
        ).where(Attempt.status.in_(GRADED_STATUSES), Attempt.user_id.in_(users))
    ).one()
    first_pass = (
        select(Attempt.user_id, func.min(Attempt.number).label("n"))
        .where(Attempt.passed.is_(True), Attempt.user_id.in_(users))
        .group_by(Attempt.user_id)
        .subquery()
    )
    people_passed, mean_attempts = db.session.execute(
        select(func.count(first_pass.c.user_id), func.avg(first_pass.c.n))
    ).one()
    first_cert = (
        select(Certification.user_id, func.min(Certification.approved_at).label("at"))
        .group_by(Certification.user_id)
        .subquery()
    )
    spans = db.session.execute(
        select(Application.user_id, Application.created_at, first_cert.c.at)
        .join(first_cert, first_cert.c.user_id == Application.user_id)
        .where(*_cohort(filters))
    ).all()
    days = [
        (certified - applied).total_seconds() / 86400
        for _, applied, certified in spans
        if certified >= applied
    ]
    return Outcomes(
        graded_attempts=int(graded),
        passed_attempts=int(passed),
        people_passed=int(people_passed or 0),
        attempts_per_pass=float(mean_attempts) if mean_attempts is not None else None,
        certified_people=len({user_id for user_id, _, _ in spans}),
        median_days_to_certification=statistics.median(days) if days else None,
    )


def expiring_soon(filters: Filters, day: date | None = None) -> list[ExpiringRow]:
    day = day or today()
    horizon = day + timedelta(days=current_app.config["CERT_EXPIRING_SOON_DAYS"])
    stmt = select(Certification).where(
        Certification.revoked_at.is_(None),
        Certification.superseded_by_id.is_(None),
        or_(
            Certification.valid_until.between(day, horizon),
            Certification.recertification_due.between(day, horizon),
        ),
    )
    if filters.organisation:
        stmt = stmt.where(Certification.organisation == filters.organisation)
    rows = [
        ExpiringRow(c.holder_name, c.organisation, c.role_granted, c.ends_on, c.display_code)
        for c in db.session.scalars(stmt)
        if day <= c.ends_on <= horizon
    ]
    return sorted(rows, key=lambda r: (r.ends_on, r.name))


def organisation_choices() -> list[str]:
    return list(
        db.session.scalars(
            select(Application.organisation).distinct().order_by(Application.organisation)
        )
    )


def build_dashboard(filters: Filters) -> Dashboard:
    per_org = funnel_by_organisation(filters)
    funnel = {step: sum(row.counts[step] for row in per_org) for step in FUNNEL_STEPS}
    return Dashboard(
        filters=filters,
        funnel=funnel,
        organisations=per_org,
        outcomes=outcomes(filters),
        expiring=expiring_soon(filters),
        organisation_choices=organisation_choices(),
    )


# -- charts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float
    text_x: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    width: int = 640
    label_width: int = 200
    bar_height: int = 24


def bar_chart(
    items: list[tuple[str, int]],
    width: int = 640,
    label_width: int = 200,
    bar_height: int = 24,
    gap: int = 8,
) -> BarChart:
    """Horizontal bars scaled to the largest value (geometry only; the template draws it)."""
    top = max((value for _, value in items), default=0) or 1
    room = width - label_width - 60
    bars = []
    for index, (label, value) in enumerate(items):
        bar_width = room * value / top
        short = label if len(label) <= 26 else label[:25] + "…"  # the table has it in full
        bars.append(
            Bar(
                short,
                value,
                index * (bar_height + gap),
                round(bar_width, 1),
                round(label_width + bar_width + 6, 1),
            )
        )
    return BarChart(bars, max(len(items), 1) * (bar_height + gap), width, label_width, bar_height)
