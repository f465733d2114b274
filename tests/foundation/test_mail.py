"""Mail goes over real SMTP, is kept when SMTP is down, and exists in Swedish and English."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.extensions import db
from lms.mail import deliver, queue_mail, retry_pending
from lms.mail.service import MAIL_TEMPLATES
from lms.models import MailStatus
from tests.conftest import free_port


class _User:
    name, email = "Erik", "erik@example.se"


def _queue(app, locale="sv"):
    mail = queue_mail(
        "erik@example.se", "password_reset", locale, user=_User(), token="tok", hours=2
    )
    db.session.commit()
    return mail


def _use_smtp(app, port):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=3)


def test_mail_is_delivered_to_a_real_smtp_server(app, smtp_server):
    _use_smtp(app, smtp_server.port)
    mail = _queue(app)
    assert deliver([mail]) == 1
    assert mail.status == MailStatus.SENT
    (envelope,) = smtp_server.messages
    assert envelope.rcpt_tos == ["erik@example.se"]
    body = envelope.content.decode()
    assert "Subject: =?utf-8?q?" in body or "Återställ" in body
    assert "http://localhost/password/reset/tok" in body


def test_mail_is_kept_when_smtp_is_down_and_sent_by_retry(app, smtp_server):
    _use_smtp(app, free_port())  # nothing listens there
    mail = _queue(app)
    assert deliver([mail]) == 0
    assert mail.status == MailStatus.PENDING and mail.attempts == 1 and mail.last_error
    _use_smtp(app, smtp_server.port)
    assert retry_pending() == (1, [])
    assert mail.status == MailStatus.SENT and len(smtp_server.messages) == 1


def test_mail_retry_cli_reports_and_fails_while_smtp_is_down(app, runner, smtp_server):
    _use_smtp(app, free_port())
    deliver([_queue(app)])
    result = runner.invoke(args=["mail", "retry"])
    assert result.exit_code == 1 and "still waiting 1" in result.output
    _use_smtp(app, smtp_server.port)
    result = runner.invoke(args=["mail", "retry"])
    assert result.exit_code == 0 and "Sent 1" in result.output


def test_mail_gives_up_after_max_attempts_but_keeps_the_message(app):
    _use_smtp(app, free_port())
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    mail = _queue(app)
    deliver([mail])
    retry_pending()
    assert mail.status == MailStatus.FAILED
    assert retry_pending() == (0, [])  # failed ones wait for --all
    assert len(retry_pending(include_failed=True)[1]) == 1


def test_outbox_backend_writes_eml_files(app):
    mail = _queue(app)
    deliver([mail])
    files = list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
    assert len(files) == 1 and b"erik@example.se" in files[0].read_bytes()


@pytest.mark.parametrize("template", MAIL_TEMPLATES)
def test_every_mail_template_exists_in_swedish_and_english(app, template):
    for locale in ("sv", "en"):
        path = Path(app.root_path) / "templates" / "email" / f"{template}.{locale}.txt"
        text = path.read_text(encoding="utf-8")
        assert "{% block subject %}" in text and "{% block body %}" in text


def test_mail_is_written_in_the_recipients_language(app):
    sv = _queue(app, "sv")
    en = _queue(app, "en")
    assert sv.subject == "Återställ ditt lösenord"
    assert en.subject == "Reset your password"


def test_dev_outbox_page_is_gone_when_mail_goes_over_smtp(app, client):
    assert client.get("/dev/outbox").status_code == 200
    app.config["MAIL_BACKEND"] = "smtp"
    assert client.get("/dev/outbox").status_code == 404


def test_dev_outbox_page_is_off_by_default_outside_debug_and_testing(app, client):
    """It lists reset and invitation links: a deployment that kept the outbox backend must not
    publish them. ./run turns the page on explicitly for its local demo."""
    _queue(app, "sv")
    app.testing = False
    try:
        assert not app.debug and app.config["DEV_OUTBOX_PAGE"] is False
        assert client.get("/dev/outbox").status_code == 404
        app.config["DEV_OUTBOX_PAGE"] = True
        assert client.get("/dev/outbox").status_code == 200
    finally:
        app.testing = True


class _Application:
    name = "Nisse\r\nBcc: evil@example.se"
    manager_name, organisation, role_sought = "Maria", "Vårdcentralen", "id_administrator"


def _queue_with_name_from_a_form(app):
    mail = queue_mail(
        "maria@example.se",
        "attestation_request",
        "sv",
        application=_Application(),
        token="t",
        days=3,
    )
    db.session.commit()
    return mail


def test_a_line_break_in_a_name_never_reaches_a_mail_header(app, smtp_server):
    _use_smtp(app, smtp_server.port)
    mail = _queue_with_name_from_a_form(app)
    assert mail.subject == "Lämplighetsintyg för Nisse Bcc: evil@example.se"
    assert deliver([mail]) == 1
    (envelope,) = smtp_server.messages
    assert envelope.rcpt_tos == ["maria@example.se"]
    headers = envelope.content.decode().split("\r\n\r\n")[0]
    assert not any(line.lower().startswith("bcc:") for line in headers.splitlines())


def test_a_stored_subject_with_a_line_break_is_still_sent_on_one_line(app):
    mail = _queue(app)
    mail.subject = "Hej\r\nBcc: evil@example.se"  # queued before subjects were cleaned
    db.session.commit()
    assert retry_pending() == (1, [])
    (eml,) = Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml")
    assert b"Subject: Hej Bcc: evil@example.se\n" in eml.read_bytes()


def test_mail_retry_records_a_failing_message_and_sends_the_rest(app, runner, monkeypatch):
    from lms.mail import service as mail_service

    broken, fine = _queue(app), _queue(app)
    build = mail_service._build_message

    def build_or_fail(mail):
        if mail.id == broken.id:
            raise ValueError("Header values may not contain linefeed or carriage return")
        return build(mail)

    monkeypatch.setattr(mail_service, "_build_message", build_or_fail)
    result = runner.invoke(args=["mail", "retry"])
    assert result.exit_code == 1
    assert f"Mail {broken.id} not sent: ValueError: Header values" in result.output
    assert "Sent 1; still waiting 1." in result.output
    assert fine.status == MailStatus.SENT
    assert broken.status == MailStatus.FAILED and "linefeed" in broken.last_error
    # The broken one is given up on, so the next run has nothing left and succeeds.
    result = runner.invoke(args=["mail", "retry"])
    assert result.exit_code == 0 and "Sent 0; still waiting 0." in result.output
