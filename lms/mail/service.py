"""Queue, render and deliver mail. A message is committed before it is sent, so an SMTP failure
leaves it pending for `flask mail retry` instead of losing it."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from lms.extensions import db
from lms.models.mail import MailStatus, OutgoingMail
from lms.models.types import utcnow
from lms.plaintext import one_line

log = logging.getLogger(__name__)

MAIL_TEMPLATES = (
    "attestation_request",
    "application_received",
    "application_link",
    "application_attested",
    "application_approved",
    "application_rejected",
    "application_withdrawn",
    "password_reset",
    "certification_approved",
    "certification_sent_back",
    "certification_revoked",
    "certification_reminder",
    "certification_expired",
    "recertification_required",
)


def _render(template: str, locale: str, context: dict) -> tuple[str, str]:
    tmpl = current_app.jinja_env.get_template(f"email/{template}.{locale}.txt")
    with force_locale(locale):
        ctx = tmpl.new_context(dict(context, base_url=current_app.config["BASE_URL"]))
        # The subject may hold a name someone typed: never let it break or add a header.
        subject = one_line("".join(tmpl.blocks["subject"](ctx)))[:300]
        body = "".join(tmpl.blocks["body"](ctx)).strip() + "\n"
    return subject, body


def queue_mail(to: str, template: str, locale: str, **context: object) -> OutgoingMail:
    """Render the message in the recipient's language and add it to the session (unsent)."""
    if template not in MAIL_TEMPLATES:
        raise ValueError(f"unknown mail template {template!r}")
    if locale not in current_app.config["LANGUAGES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    subject, body = _render(template, locale, context)
    mail = OutgoingMail(
        to_address=to, subject=subject, body_text=body, template=template, locale=locale
    )
    db.session.add(mail)
    return mail


def _build_message(mail: OutgoingMail) -> EmailMessage:
    msg = EmailMessage()
    # one_line again here: rows queued before subjects were cleaned may still hold a line break.
    msg["From"] = one_line(current_app.config["MAIL_SENDER"])
    msg["To"] = one_line(mail.to_address)
    msg["Subject"] = one_line(mail.subject)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="sakerid-academy")
    msg["Content-Language"] = mail.locale
    msg.set_content(mail.body_text)
    return msg


def _send_smtp(msg: EmailMessage) -> None:
    cfg = current_app.config
    timeout = cfg["MAIL_TIMEOUT"]
    if cfg["MAIL_USE_TLS"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            cfg["MAIL_SERVER"],
            cfg["MAIL_PORT"],
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout)
    with smtp:
        if cfg["MAIL_USE_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(msg)


def outbox_dir() -> Path:
    configured = current_app.config.get("MAIL_OUTBOX_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


def _write_outbox(mail: OutgoingMail, msg: EmailMessage) -> None:
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    (folder / f"{stamp}-{mail.id:06d}.eml").write_bytes(bytes(msg))


def _record_failure(mail: OutgoingMail, exc: Exception, *, give_up: bool) -> None:
    mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
    if give_up or mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        mail.status = MailStatus.FAILED
    # The recipient address is personal data; the id is enough to find the row.
    log.warning("mail %s not sent (attempt %s): %s", mail.id, mail.attempts, mail.last_error)


def _deliver_one(mail: OutgoingMail) -> bool:
    """Try one message; a failure is recorded on the row and never stops the messages after it."""
    mail.attempts += 1
    try:
        msg = _build_message(mail)
    except Exception as exc:
        # A message that cannot be built fails the same way every time: give up at once
        # (`mail retry --all` tries again once the cause is fixed).
        log.exception("mail %s cannot be built", mail.id)
        _record_failure(mail, exc, give_up=True)
        return False
    try:
        if current_app.config["MAIL_BACKEND"] == "smtp":
            _send_smtp(msg)
        else:
            _write_outbox(mail, msg)
    except (OSError, smtplib.SMTPException) as exc:
        _record_failure(mail, exc, give_up=False)
        return False
    except Exception as exc:
        log.exception("mail %s failed unexpectedly", mail.id)
        _record_failure(mail, exc, give_up=False)
        return False
    mail.status = MailStatus.SENT
    mail.sent_at = utcnow()
    mail.last_error = None
    return True


def deliver(mails: Iterable[OutgoingMail]) -> int:
    """Try to send already committed messages now; returns how many went out."""
    sent = 0
    for mail in mails:
        if mail.status == MailStatus.SENT:
            continue
        sent += _deliver_one(mail)
        db.session.commit()
    return sent


def pending_mail(include_failed: bool = False) -> list[OutgoingMail]:
    """Messages still waiting, oldest first; with `include_failed` also those given up on (they
    are put back to pending)."""
    states = [MailStatus.PENDING] + ([MailStatus.FAILED] if include_failed else [])
    mails = list(
        db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.status.in_(states)).order_by(OutgoingMail.id)
        )
    )
    for mail in mails:
        mail.status = MailStatus.PENDING
    return mails


def retry_pending(include_failed: bool = False) -> tuple[int, list[OutgoingMail]]:
    """Send every message still waiting; returns (how many were sent, the ones that were not)."""
    mails = pending_mail(include_failed)
    sent = deliver(mails)
    return sent, [m for m in mails if m.status != MailStatus.SENT]
