"""Demo data for development and for trying the platform: idempotent, keyed by email."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.auth.service import create_user, find_user
from lms.enrolment import service as enrolment
from lms.extensions import db
from lms.models.enrolment import Application, ApplicationState
from lms.models.user import Role, User

DEMO_PASSWORD = "demo-sakerid-2026"  # noqa: S105 - printed by ./run on purpose; demo only


@dataclass(frozen=True)
class DemoLogin:
    email: str
    roles: tuple[Role, ...]
    name: str


DEMO_LOGINS = (
    DemoLogin("admin@example.se", (Role.ADMIN,), "Ada Administratör"),
    DemoLogin("godkannare@example.se", (Role.APPROVER,), "Greta Godkännare"),
    DemoLogin("elev@example.se", (Role.TRAINEE,), "Erik Elev"),
)

DEMO_APPLICANTS = {
    ApplicationState.SUBMITTED: ("Sara Exempelsson", "SE2321000016-DEM1"),
    ApplicationState.AWAITING_ATTESTATION: ("Olle Väntesson", "SE2321000016-DEM2"),
    ApplicationState.ATTESTED: ("Karin Intygsdotter", "SE2321000016-DEM3"),
    ApplicationState.APPROVED: ("Nils Godkändsson", "SE2321000016-DEM4"),
    ApplicationState.REJECTED: ("Lena Avslagsdotter", "SE2321000016-DEM5"),
    ApplicationState.WITHDRAWN: ("Per Återtagsson", "SE2321000016-DEM6"),
}


def _demo_input(state: ApplicationState, name: str, hsa_id: str) -> enrolment.ApplicationInput:
    return enrolment.ApplicationInput(
        name=name,
        email=f"demo.{state.value}@example.se",
        organisation="Demovårdcentralen Solna",
        hsa_id=hsa_id,
        role_sought="id_administrator",
        manager_name="Maria Chefsdotter",
        manager_email="chef@example.se",
        message="Demoansökan.",
    )


def _attest(app: Application) -> None:
    from datetime import date

    from lms.auth.tokens import issue_token
    from lms.models.token import TokenPurpose

    raw = issue_token(
        TokenPurpose.ATTESTATION,
        enrolment._days("ATTESTATION_LINK_TTL_DAYS"),
        application_id=app.id,
    )
    db.session.commit()
    enrolment.attest_by_form(
        raw,
        enrolment.AttestationInput(
            manager_name="Maria Chefsdotter",
            manager_title="Verksamhetschef",
            attested_on=date.today(),
            statements=list(enrolment.statements_for(app.role_sought)),
            confirmed=True,
        ),
        ip=None,
    )


def seed_demo() -> list[str]:
    """Create what is missing; returns a line per thing created."""
    created: list[str] = []
    for login in DEMO_LOGINS:
        if find_user(login.email) is None:
            create_user(
                login.email,
                login.name,
                set(login.roles),
                password=DEMO_PASSWORD,
                organisation="SäkerID förvaltning",
            )
            created.append(f"user {login.email}")
    db.session.commit()
    approver = find_user("godkannare@example.se")
    assert isinstance(approver, User)
    for state, (name, hsa_id) in DEMO_APPLICANTS.items():
        data = _demo_input(state, name, hsa_id)
        if db.session.scalar(select(Application).where(Application.email == data.email)):
            continue
        if state is ApplicationState.SUBMITTED:
            db.session.add(
                Application(
                    name=data.name,
                    email=data.email,
                    organisation=data.organisation,
                    hsa_id=data.hsa_id,
                    role_sought=data.role_sought,
                    manager_name=data.manager_name,
                    manager_email=data.manager_email,
                    message=data.message,
                    state=ApplicationState.SUBMITTED.value,
                )
            )
            db.session.commit()
        else:
            app = enrolment.submit_application(data)
            if state is ApplicationState.WITHDRAWN:
                enrolment.withdraw(app)
            elif state is not ApplicationState.AWAITING_ATTESTATION:
                _attest(app)
                if state is ApplicationState.APPROVED:
                    enrolment.approve(app, approver)
                elif state is ApplicationState.REJECTED:
                    enrolment.reject(app, approver, "Demo: ansökan gäller fel verksamhet.")
        created.append(f"application {data.email} ({state.value})")
    return created
