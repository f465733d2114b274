"""Final approval, certificates, revocation and recertification as plain functions.

Each function is one business operation in one transaction: it changes the rows, records the
audit event and queues the mail, commits, then tries to deliver the mail (a failed delivery stays
queued for `flask mail retry`). Times default to `utcnow()`; tests pass `now`.

Reopening the knowledge test (after a send-back or for recertification) belongs to the quiz
feature: `lms.quiz.service.reopen_test` starts a new round in which earlier attempts no longer
count.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists, select

from lms.audit import record_event
from lms.certification.signing import RECORD_FORMAT, sign_record
from lms.extensions import db
from lms.mail import deliver, queue_mail
from lms.models.certification import Certification, CertificationStatus, SendBack
from lms.models.enrolment import Application, ApplicationState
from lms.models.mail import OutgoingMail
from lms.models.quiz import Attempt
from lms.models.types import utcnow
from lms.models.user import User

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Crockford base32: no I, L, O or U, so a code read aloud or typed is hard to get wrong.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits: guessing is hopeless, and the verification page is throttled
_TYPO_MAP = str.maketrans({"O": "0", "I": "1", "L": "1"})


class CertificationError(Exception):
    """The requested change is not possible; `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def local_date(moment: datetime) -> date:
    return moment.astimezone(STOCKHOLM).date()


def today(now: datetime | None = None) -> date:
    return local_date(now or utcnow())


def generate_code() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(CODE_LENGTH))


# Left around a code copied from a PDF, a mail or a word processor: quotes and a full stop.
_COPY_PASTE_EDGES = "\"'`.,;:“”„‘’‚«»‹›()[]<>"


def _without_separators(text: str) -> str:
    """`text` without spaces (also non-breaking and thin ones), any Unicode dash or minus sign,
    or invisible format characters (soft hyphen, zero-width space, BOM)."""
    text = unicodedata.normalize("NFKC", text).strip().strip(_COPY_PASTE_EDGES)
    return "".join(
        ch
        for ch in text
        if not ch.isspace() and unicodedata.category(ch) not in ("Pd", "Cf") and ch != "\u2212"
    )


def normalise_code(text: str) -> str | None:
    """The stored form of a typed code (case, hyphens and other dashes, spaces, copy-paste
    leftovers and O/I/L typos forgiven), or None when it cannot be a code."""
    cleaned = _without_separators(text).upper().translate(_TYPO_MAP)
    if len(cleaned) != CODE_LENGTH or any(ch not in CROCKFORD for ch in cleaned):
        return None
    return cleaned


def verification_url(cert: Certification) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/verify/{cert.display_code}"


def signed_record(cert: Certification) -> dict[str, Any]:
    """What the signature covers. Status is left out on purpose: it changes, the record does not;
    the verification URL gives the current status."""
    return {
        "format": RECORD_FORMAT,
        "name": cert.holder_name,
        "role": cert.role_granted,
        "organisation": cert.organisation,
        "approved_at": cert.approved_at.isoformat(timespec="seconds"),
        "valid_until": cert.valid_until.isoformat(),
        "course_version": cert.course_version,
        "bank_version": cert.bank_version,
        "code": cert.display_code,
        "issuer": current_app.config["CERT_ISSUER"],
        "verify_url": verification_url(cert),
    }


def _commit_and_send(mails: list[OutgoingMail]) -> None:
    db.session.commit()
    deliver(mails)


def _mail(user: User, template: str, **context: object) -> OutgoingMail:
    return queue_mail(user.email, template, user.locale or "sv", user=user, **context)


def _versions() -> tuple[str, str]:
    """(course content version, question bank version) in force now."""
    from lms.course.store import get_store
    from lms.quiz.quizset import load_quiz_set

    return get_store().course().version, load_quiz_set().version


def reopen_test(user: User, reason: str, actor: Any, now: datetime | None = None) -> bool:
    """Let the user take the test again (earlier attempts stop counting)."""
    from lms.quiz import service as quiz_service

    quiz_service.reopen_test(user, reason=reason, actor=actor, now=now)
    return True


# -- who is waiting ------------------------------------------------------------------------------


def _undecided():
    """Passed attempts that no approval or send-back has answered yet."""
    return (
        Attempt.passed.is_(True)
        & ~exists().where(Certification.attempt_id == Attempt.id)
        & ~exists().where(SendBack.attempt_id == Attempt.id)
    )


def candidates() -> list[tuple[User, Attempt]]:
    """Everyone awaiting final approval with the passed attempt, oldest pass first (1 query)."""
    rows = db.session.execute(
        select(User, Attempt)
        .join(Attempt, Attempt.user_id == User.id)
        .where(_undecided())
        .order_by(Attempt.graded_at, Attempt.id)
    ).all()
    return [(user, attempt) for user, attempt in rows]


def pending_attempt(user: User) -> Attempt | None:
    return db.session.scalar(
        select(Attempt)
        .where(Attempt.user_id == user.id, _undecided())
        .order_by(Attempt.graded_at.desc())
        .limit(1)
    )


def application_of(user: User) -> Application | None:
    """The approved application that made the user a trainee (the newest one)."""
    return db.session.scalar(
        select(Application)
        .where(Application.user_id == user.id, Application.state == ApplicationState.APPROVED)
        .order_by(Application.created_at.desc())
        .limit(1)
    )


def certifications_of(user: User) -> list[Certification]:
    return list(
        db.session.scalars(
            select(Certification)
            .where(Certification.user_id == user.id)
            .order_by(Certification.approved_at.desc(), Certification.id.desc())
        )
    )


def find_by_code(code: str) -> Certification | None:
    return db.session.scalar(select(Certification).where(Certification.code == code))


# -- decisions ----------------------------------------------------------------------------------


def _refuse_own_record(holder_id: int, approver: Any) -> None:
    """Separation of duties: nobody approves, sends back or revokes their own certification."""
    if approver is not None and getattr(approver, "id", None) == holder_id:
        raise CertificationError("own_record")


def _new_code() -> str:
    while True:
        code = generate_code()
        if find_by_code(code) is None:
            return code


def approve(user: User, approver: User, now: datetime | None = None) -> Certification:
    """Grant the role sought: a new certification (signed), superseding the user's current one
    for the same role; the holder is mailed."""
    from lms.quiz import service as quiz_service

    _refuse_own_record(user.id, approver)
    now = now or utcnow()
    attempt = pending_attempt(user)
    if attempt is None or not quiz_service.awaiting_final_approval(user):
        raise CertificationError("not_awaiting_approval")
    application = application_of(user)
    if application is None:
        raise CertificationError("no_application")
    course_version, bank_version = _versions()
    cert = Certification(
        user_id=user.id,
        application_id=application.id,
        attempt_id=attempt.id,
        holder_name=user.name,
        role_granted=application.role_sought,
        organisation=user.organisation or application.organisation,
        approved_by_id=approver.id,
        approved_by_label=approver.email,
        approved_at=now,
        valid_until=local_date(now) + timedelta(days=current_app.config["CERT_VALIDITY_DAYS"]),
        course_version=course_version,
        bank_version=attempt.bank_version or bank_version,
        code=_new_code(),
        signature="",
        key_id="",
    )
    cert.signature, cert.key_id = sign_record(signed_record(cert))
    db.session.add(cert)
    db.session.flush()
    superseded = _supersede_previous(cert, now)
    record_event(
        "certification.role_granted",
        actor=approver,
        target_type="certification",
        target_id=cert.id,
        to_state=CertificationStatus.VALID.value,
        details={
            "user_id": user.id,
            "role_granted": cert.role_granted,
            "organisation": cert.organisation,
            "attempt_id": attempt.id,
            "valid_until": cert.valid_until.isoformat(),
            "code": cert.code,
            "course_version": course_version,
            "bank_version": cert.bank_version,
            "supersedes": superseded,
        },
    )
    _commit_and_send([_mail(user, "certification_approved", cert=cert)])
    return cert


def _supersede_previous(cert: Certification, now: datetime) -> list[int]:
    previous = db.session.scalars(
        select(Certification).where(
            Certification.user_id == cert.user_id,
            Certification.id != cert.id,
            Certification.role_granted == cert.role_granted,
            Certification.revoked_at.is_(None),
            Certification.superseded_by_id.is_(None),
        )
    ).all()
    for old in previous:
        old.superseded_by_id, old.superseded_at = cert.id, now
        record_event(
            "certification.superseded",
            target_type="certification",
            target_id=old.id,
            from_state=old.status_on(local_date(now)).value,
            to_state=CertificationStatus.SUPERSEDED.value,
            details={"superseded_by": cert.id},
        )
    return [old.id for old in previous]


def send_back(user: User, approver: User, reason: str, now: datetime | None = None) -> SendBack:
    """Do not approve this time: the candidate is told why and the test reopens (if the quiz
    feature offers it)."""
    if not reason.strip():
        raise ValueError("a reason is required")
    _refuse_own_record(user.id, approver)
    attempt = pending_attempt(user)
    if attempt is None:
        raise CertificationError("not_awaiting_approval")
    row = SendBack(
        user_id=user.id,
        attempt_id=attempt.id,
        reason=reason.strip(),
        decided_by_id=approver.id,
        decided_at=now or utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    record_event(
        "certification.sent_back",
        actor=approver,
        target_type="user",
        target_id=user.id,
        from_state="awaiting_final_approval",
        to_state="sent_back",
        details={"reason": row.reason, "attempt_id": attempt.id},
    )
    row.test_reopened = reopen_test(user, row.reason, approver, now)
    _commit_and_send(
        [_mail(user, "certification_sent_back", reason=row.reason, test_reopened=row.test_reopened)]
    )
    return row


def revoke(cert: Certification, approver: User, reason: str, now: datetime | None = None) -> None:
    if not reason.strip():
        raise ValueError("a reason is required")
    _refuse_own_record(cert.user_id, approver)
    now = now or utcnow()
    if cert.revoked_at is not None:
        raise CertificationError("already_revoked")
    before = cert.status_on(local_date(now))
    cert.revoked_at, cert.revoked_by_id, cert.revocation_reason = now, approver.id, reason.strip()
    record_event(
        "certification.revoked",
        actor=approver,
        target_type="certification",
        target_id=cert.id,
        from_state=before.value,
        to_state=CertificationStatus.REVOKED.value,
        details={"reason": reason.strip()},
    )
    holder = db.session.get(User, cert.user_id)
    mails = (
        [_mail(holder, "certification_revoked", cert=cert, reason=reason.strip())] if holder else []
    )
    _commit_and_send(mails)


@dataclass(frozen=True)
class RecertificationResult:
    marked: int
    reopened: int


def require_recertification(
    due: date, reason: str | None = None, actor: Any | None = None, now: datetime | None = None
) -> RecertificationResult:
    """A major change of the course or bank: every current certification must be renewed by
    `due` (inclusive). The holders are mailed and their test reopens. Without a `reason` none is
    stored: the mail gives a general one in each holder's own language."""
    reason = (reason or "").strip() or None
    now = now or utcnow()
    day = local_date(now)
    if due < day:
        raise ValueError("the due date has passed")
    current = db.session.scalars(
        select(Certification)
        .where(
            Certification.revoked_at.is_(None),
            Certification.superseded_by_id.is_(None),
            Certification.valid_until >= day,
        )
        .order_by(Certification.id)
    ).all()
    mails: list[OutgoingMail] = []
    marked = reopened = 0
    for cert in current:
        if cert.status_on(day) != CertificationStatus.VALID:
            continue
        if cert.recertification_due is not None and cert.recertification_due <= due:
            continue  # already due earlier (or the same day): idempotent
        cert.recertification_due, cert.recertification_reason = due, reason
        marked += 1
        record_event(
            "certification.recertification_required",
            actor=actor,
            target_type="certification",
            target_id=cert.id,
            details={"due": due.isoformat(), "reason": reason},
        )
        holder = db.session.get(User, cert.user_id)
        if holder is not None:
            reopened += reopen_test(holder, reason or "", actor, now)
            mails.append(
                _mail(holder, "recertification_required", cert=cert, due=due, reason=reason)
            )
    _commit_and_send(mails)
    return RecertificationResult(marked, reopened)
