"""The enrolment journey as plain functions: apply → attest → approve/reject/withdraw.

Each function performs one business operation in one transaction, records the audit event and
queues the mail; it commits, then tries to deliver the mail (a failed delivery stays queued).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select

from lms.audit import record_event
from lms.auth.service import create_user, find_user, grant_role, normalise_email
from lms.auth.tokens import check_token, consume_token, issue_token, revoke_tokens
from lms.certification.service import local_date, today
from lms.enrolment.statements import statements_for
from lms.enrolment.uploads import read_pdf, store_pdf
from lms.extensions import db
from lms.mail import deliver, queue_mail
from lms.models.enrolment import (
    FINAL_STATES,
    Application,
    ApplicationState,
    Attestation,
    AttestationMethod,
    RoleSought,
)
from lms.models.mail import OutgoingMail
from lms.models.token import TokenPurpose
from lms.models.types import utcnow
from lms.models.user import Role, User
from lms.plaintext import has_control_characters

S = ApplicationState

# Which state may follow which. Everything else is refused.
TRANSITIONS: dict[ApplicationState, frozenset[ApplicationState]] = {
    S.SUBMITTED: frozenset({S.AWAITING_ATTESTATION, S.REJECTED, S.WITHDRAWN}),
    S.AWAITING_ATTESTATION: frozenset(
        {S.AWAITING_ATTESTATION, S.ATTESTED, S.REJECTED, S.WITHDRAWN}
    ),
    S.ATTESTED: frozenset({S.AWAITING_ATTESTATION, S.APPROVED, S.REJECTED, S.WITHDRAWN}),
    S.APPROVED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# SE + organisation number (10 digits, or 12 with century) + '-' + letters/digits; max 31.
HSA_ID_RE = re.compile(r"^SE(\d{10}|\d{12})-[A-Za-z0-9]+$")


class TransitionError(Exception):
    """The requested change is not allowed from the application's current state."""

    def __init__(self, code: str, application: Application | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.application = application


class OpenApplicationExists(Exception):
    """The email address already has an application in progress (e.g. a double-clicked form)."""

    def __init__(self, application: Application) -> None:
        super().__init__("open_application_exists")
        self.application = application


def open_application_for(email: str, *, other_than: int | None = None) -> Application | None:
    """The application in progress (not approved, rejected or withdrawn) for an email address."""
    stmt = select(Application).where(
        Application.email == normalise_email(email),
        Application.state.not_in([s.value for s in FINAL_STATES]),
    )
    if other_than is not None:
        stmt = stmt.where(Application.id != other_than)
    return db.session.scalars(stmt.order_by(Application.id).limit(1)).first()


def valid_hsa_id(value: str) -> bool:
    return len(value) <= 31 and HSA_ID_RE.match(value) is not None


def _move(app: Application, to: ApplicationState, action: str, **audit: object) -> None:
    current = ApplicationState(app.state)
    if to not in TRANSITIONS[current]:
        raise TransitionError(f"{current.value}->{to.value}", app)
    record_event(
        action,
        target_type="application",
        target_id=app.id,
        from_state=current.value,
        to_state=to.value,
        **audit,
    )  # type: ignore[arg-type]
    app.state = to.value


def _commit_and_send(mails: list[OutgoingMail]) -> None:
    db.session.commit()
    deliver(mails)


def _days(key: str) -> timedelta:
    return timedelta(days=current_app.config[key])


@dataclass(frozen=True)
class ApplicationInput:
    name: str
    email: str
    organisation: str
    hsa_id: str
    role_sought: str
    manager_name: str
    manager_email: str
    message: str = ""
    locale: str = "sv"


def submit_application(data: ApplicationInput) -> Application:
    """Create the application and send the manager the attestation link.

    Raises OpenApplicationExists if the address already has one in progress: the candidate
    follows that one through the link in their confirmation mail instead."""
    if not valid_hsa_id(data.hsa_id.strip().upper()):
        raise ValueError("invalid HSA-id")
    one_line = (data.name, data.email, data.organisation, data.manager_name, data.manager_email)
    if any(has_control_characters(value) for value in one_line):
        raise ValueError("a one-line field holds a line break or control character")
    RoleSought(data.role_sought)
    if existing := open_application_for(data.email):
        raise OpenApplicationExists(existing)
    app = Application(
        name=data.name.strip(),
        email=normalise_email(data.email),
        organisation=data.organisation.strip(),
        hsa_id=data.hsa_id.strip().upper(),
        role_sought=data.role_sought,
        manager_name=data.manager_name.strip(),
        manager_email=normalise_email(data.manager_email),
        message=data.message.strip(),
        locale=data.locale,
        state=S.SUBMITTED.value,
    )
    db.session.add(app)
    db.session.flush()
    record_event(
        "enrolment.submitted",
        target_type="application",
        target_id=app.id,
        to_state=S.SUBMITTED.value,
        actor_label=f"applicant:{app.email}",
    )
    # Checked again now that the audit event holds the write lock on its head row: of two
    # racing submits (a double click), the second waits here and then sees the first.
    if existing := open_application_for(app.email, other_than=app.id):
        db.session.rollback()
        raise OpenApplicationExists(existing)
    applicant_token = issue_token(
        TokenPurpose.APPLICANT,
        _days("APPLICANT_LINK_TTL_DAYS"),
        application_id=app.id,
        single_use=False,
    )
    mails = [
        queue_mail(
            app.email, "application_received", app.locale, application=app, token=applicant_token
        ),
        *_request_attestation(app, actor_label="system"),
    ]
    _commit_and_send(mails)
    return app


def resend_applicant_link(app: Application) -> None:
    """Someone applied again with the address of an application in progress: mail that address
    a new link to it (the old one stops working). The form answers as for a new application,
    so it tells nobody whether the address has one, and a lost or expired link is not a dead
    end."""
    revoke_tokens(TokenPurpose.APPLICANT, application_id=app.id)
    token = issue_token(
        TokenPurpose.APPLICANT,
        _days("APPLICANT_LINK_TTL_DAYS"),
        application_id=app.id,
        single_use=False,
    )
    record_event(
        "enrolment.applicant_link_resent",
        target_type="application",
        target_id=app.id,
        actor_label=f"applicant:{app.email}",
    )
    _commit_and_send(
        [queue_mail(app.email, "application_link", app.locale, application=app, token=token)]
    )


def _request_attestation(app: Application, *, actor_label: str | None = None) -> list[OutgoingMail]:
    revoke_tokens(TokenPurpose.ATTESTATION, application_id=app.id)
    raw = issue_token(
        TokenPurpose.ATTESTATION, _days("ATTESTATION_LINK_TTL_DAYS"), application_id=app.id
    )
    _move(
        app,
        S.AWAITING_ATTESTATION,
        "enrolment.attestation_requested",
        details={"manager_email": app.manager_email},
        actor_label=actor_label,
    )
    return [
        queue_mail(
            app.manager_email,
            "attestation_request",
            app.locale,
            application=app,
            token=raw,
            days=current_app.config["ATTESTATION_LINK_TTL_DAYS"],
        )
    ]


def request_new_attestation(app: Application) -> None:
    """Send the manager a new link (the old one stops working), e.g. after it expired."""
    _commit_and_send(_request_attestation(app))


def application_for_attestation(raw_token: str) -> Application:
    """The application behind a manager's link; raises TokenError or TransitionError."""
    token = check_token(raw_token, TokenPurpose.ATTESTATION)
    app = db.session.get(Application, token.application_id)
    if app is None or app.state != S.AWAITING_ATTESTATION:
        raise TransitionError("not_awaiting_attestation", app)
    return app


def attestation_date_bounds(app: Application) -> tuple[date, date]:
    """The dates a manager may attest on: from the day the application was sent to today.

    Near midnight the Stockholm and UTC dates differ; either is accepted, so a manager is never
    told that today is in the future or before the application."""
    now = utcnow()
    earliest = min(local_date(app.created_at), app.created_at.date())
    return earliest, max(today(now), now.date())


@dataclass(frozen=True)
class AttestationInput:
    manager_name: str
    manager_title: str
    attested_on: date
    statements: list[str]
    confirmed: bool


def attest_by_form(raw_token: str, data: AttestationInput, ip: str | None) -> Application:
    token = check_token(raw_token, TokenPurpose.ATTESTATION)
    app = db.session.get(Application, token.application_id)
    if app is None or app.state != S.AWAITING_ATTESTATION:
        raise TransitionError("not_awaiting_attestation", app)
    required = set(statements_for(app.role_sought))
    if not data.confirmed or set(data.statements) != required:
        raise ValueError("every statement must be confirmed")
    earliest, latest = attestation_date_bounds(app)
    if not earliest <= data.attested_on <= latest:
        raise ValueError("the attestation date is before the application or in the future")
    consume_token(token)
    app.attestations.append(
        Attestation(
            method=AttestationMethod.FORM.value,
            manager_name=data.manager_name.strip(),
            manager_title=data.manager_title.strip(),
            attested_on=data.attested_on,
            statements=sorted(required),
            ip=ip,
        )
    )
    _move(
        app,
        S.ATTESTED,
        "enrolment.attested",
        actor_label=f"manager:{app.manager_email}",
        details={"method": "form"},
        ip=ip,
    )
    _commit_and_send([queue_mail(app.email, "application_attested", app.locale, application=app)])
    return app


def upload_root() -> Path:
    return Path(current_app.instance_path) / "uploads" / "attestations"


def attest_by_upload(app: Application, stream: BinaryIO, filename: str) -> Application:
    """The candidate uploads a PDF attestation signed by the manager; an approver checks it."""
    if app.state != S.AWAITING_ATTESTATION:
        raise TransitionError("not_awaiting_attestation", app)
    data = read_pdf(stream, current_app.config["ATTESTATION_UPLOAD_MAX_BYTES"])
    stored = store_pdf(data, upload_root())
    app.attestations.append(
        Attestation(
            method=AttestationMethod.UPLOAD.value,
            manager_name=app.manager_name,
            manager_title="",
            attested_on=utcnow().date(),
            statements=[],
            upload_name=filename[:255],
            upload_path=stored.path,
            upload_size=stored.size,
            upload_sha256=stored.sha256,
        )
    )
    revoke_tokens(TokenPurpose.ATTESTATION, application_id=app.id, reason="attested")
    _move(
        app,
        S.ATTESTED,
        "enrolment.attested",
        actor_label=f"applicant:{app.email}",
        details={"method": "upload", "sha256": stored.sha256, "size": stored.size},
    )
    _commit_and_send([])
    return app


def attestation_expired(app: Application) -> bool:
    att = app.current_attestation
    if att is None:
        return True
    return att.created_at + _days("ATTESTATION_VALID_DAYS") <= utcnow()


def approve(app: Application, approver: User) -> User:
    """Approve an attested application: the candidate gets a trainee account and an invitation."""
    if app.submitted_by(approver):
        raise TransitionError("own_application", app)
    if app.state != S.ATTESTED:
        raise TransitionError("not_attested", app)
    if attestation_expired(app):
        raise TransitionError("attestation_expired", app)
    user = find_user(app.email)
    if user is None:
        user = create_user(app.email, app.name, {Role.TRAINEE}, organisation=app.organisation)
    else:
        grant_role(user, Role.TRAINEE, actor=approver)
    user.locale = user.locale or app.locale
    app.user_id = user.id
    app.decided_at, app.decided_by_id = utcnow(), approver.id
    _move(
        app,
        S.APPROVED,
        "enrolment.approved",
        actor=approver,
        details={"role_sought": app.role_sought, "user_id": user.id},
    )
    revoke_tokens(TokenPurpose.INVITATION, user_id=user.id)
    raw = issue_token(TokenPurpose.INVITATION, _days("INVITATION_TTL_DAYS"), user_id=user.id)
    _commit_and_send(
        [
            queue_mail(
                app.email,
                "application_approved",
                app.locale,
                application=app,
                token=raw,
                days=current_app.config["INVITATION_TTL_DAYS"],
                has_password=user.password_hash is not None,
            )
        ]
    )
    return user


def reject(app: Application, approver: User, reason: str) -> None:
    if app.submitted_by(approver):
        raise TransitionError("own_application", app)
    reason = reason.strip()  # the same text in the application, the audit log and the mail
    if not reason:
        raise ValueError("a reason is required")
    app.decided_at, app.decided_by_id, app.decision_reason = utcnow(), approver.id, reason
    _move(app, S.REJECTED, "enrolment.rejected", actor=approver, details={"reason": reason})
    revoke_tokens(TokenPurpose.ATTESTATION, application_id=app.id, reason="decided")
    _commit_and_send(
        [queue_mail(app.email, "application_rejected", app.locale, application=app, reason=reason)]
    )


def withdraw(app: Application, *, by: User | None = None, reason: str = "") -> None:
    """Withdrawn by the candidate (through their link) or by an approver on their request."""
    reason = reason.strip()  # the same text in the application, the audit log and the mail
    label = None if by else f"applicant:{app.email}"
    _move(
        app,
        S.WITHDRAWN,
        "enrolment.withdrawn",
        actor=by,
        actor_label=label,
        details={"reason": reason} if reason else None,
    )
    app.decided_at = utcnow()
    if by is not None:  # the team's record of why, shown on the application page
        app.decided_by_id, app.decision_reason = by.id, reason or None
    revoke_tokens(TokenPurpose.ATTESTATION, application_id=app.id, reason="withdrawn")
    _commit_and_send(
        [
            queue_mail(
                app.email,
                "application_withdrawn",
                app.locale,
                application=app,
                by_team=by is not None,
                reason=reason,
            )
        ]
    )


def application_for_applicant(raw_token: str) -> Application:
    token = check_token(raw_token, TokenPurpose.APPLICANT)
    app = db.session.get(Application, token.application_id)
    if app is None:
        raise TransitionError("unknown")
    return app


def queue_query(
    state: str | None = None,
    organisation: str | None = None,
    role: str | None = None,
    search: str | None = None,
):
    """The approvers' queue: open applications first, newest first within a state."""
    stmt = select(Application)
    if state:
        stmt = stmt.where(Application.state == state)
    # autoescape: "%" and "_" typed in a search field are characters, not wildcards
    if organisation:
        stmt = stmt.where(Application.organisation.icontains(organisation, autoescape=True))
    if role:
        stmt = stmt.where(Application.role_sought == role)
    if search:
        stmt = stmt.where(
            Application.name.icontains(search, autoescape=True)
            | Application.email.icontains(search, autoescape=True)
            | Application.hsa_id.icontains(search, autoescape=True)
        )
    return stmt.order_by(Application.created_at.desc())


def is_final(app: Application) -> bool:
    return ApplicationState(app.state) in FINAL_STATES
