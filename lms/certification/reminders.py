"""Reminder mails before a certification ends, and one notice when it has ended.

`send_reminders` is what `flask certs remind` runs; it is safe to run from cron as often as you
like. For each current certification (not revoked, not superseded):

* before its last valid day (`ends_on`: the end of validity or an earlier recertification due
  date), every configured point (CERT_REMINDER_DAYS, days before) that has been reached is
  recorded in `certification_reminders`. A point is recorded once, so it mails once. When cron
  was not run for a while and several points are reached at once, one mail goes out (the nearest
  point) and all of them are recorded.
* after `ends_on`, one "expired" notice, if it ended at most CERT_EXPIRED_NOTICE_WITHIN_DAYS ago.

The (certification, kind, point) unique constraint settles two runs racing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from lms.certification.service import local_date
from lms.extensions import db
from lms.mail import deliver, queue_mail
from lms.models.certification import Certification, CertificationReminder
from lms.models.mail import OutgoingMail
from lms.models.types import utcnow
from lms.models.user import User

EXPIRED = "expired"


@dataclass(frozen=True)
class DueReminder:
    certification: Certification
    kind: str  # "expiry", "recertification" or "expired"
    points: tuple[int, ...]  # the points reached and not yet recorded
    days_left: int


def _kind(cert: Certification) -> str:
    if cert.recertification_due and cert.recertification_due < cert.valid_until:
        return "recertification"
    return "expiry"


def due_reminders(today: date) -> list[DueReminder]:
    """What `send_reminders` would send today."""
    points = sorted(set(current_app.config["CERT_REMINDER_DAYS"]))
    horizon = today + timedelta(days=max(points, default=0))
    oldest = today - timedelta(days=current_app.config["CERT_EXPIRED_NOTICE_WITHIN_DAYS"])
    rows = db.session.scalars(
        select(Certification)
        .where(
            Certification.revoked_at.is_(None),
            Certification.superseded_by_id.is_(None),
            or_(Certification.valid_until <= horizon, Certification.recertification_due <= horizon),
        )
        .order_by(Certification.id)
    ).all()
    due: list[DueReminder] = []
    for cert in rows:
        ends_on = cert.ends_on
        if ends_on < oldest:
            continue
        days_left = (ends_on - today).days
        sent = {(r.kind, r.days_before) for r in cert.reminders}
        if days_left < 0:
            if (EXPIRED, 0) not in sent:
                due.append(DueReminder(cert, EXPIRED, (0,), days_left))
            continue
        kind = _kind(cert)
        reached = tuple(p for p in points if days_left <= p and (kind, p) not in sent)
        if reached:
            due.append(DueReminder(cert, kind, reached, days_left))
    return due


def _claim(item: DueReminder, now: datetime) -> bool:
    """Record the points; False when another run recorded one of them first."""
    try:
        with db.session.begin_nested():
            for point in item.points:
                db.session.add(
                    CertificationReminder(
                        certification_id=item.certification.id,
                        kind=item.kind,
                        days_before=point,
                        sent_at=now,
                    )
                )
            db.session.flush()
    except IntegrityError:
        return False
    return True


def send_reminders(now: datetime | None = None) -> int:
    """Queue and send every reminder that is due; returns how many mails were queued."""
    now = now or utcnow()
    today = local_date(now)
    mails: list[OutgoingMail] = []
    for item in due_reminders(today):
        cert = item.certification
        holder = db.session.get(User, cert.user_id)
        if holder is None or not _claim(item, now):
            continue
        template = "certification_expired" if item.kind == EXPIRED else "certification_reminder"
        mails.append(
            queue_mail(
                holder.email,
                template,
                holder.locale or "sv",
                user=holder,
                cert=cert,
                days_left=item.days_left,
                kind=item.kind,
                ends_on=cert.ends_on,
            )
        )
        db.session.commit()
    deliver(mails)
    return len(mails)
