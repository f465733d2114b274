"""The development outbox page speaks the interface's language and Stockholm time."""

from __future__ import annotations

from datetime import UTC, datetime

from lms.extensions import db
from lms.mail import deliver
from tests.foundation.test_mail import _queue


def test_outbox_statuses_are_translated_and_times_are_stockholm_time(app, client):
    sent, waiting = _queue(app), _queue(app)
    deliver([sent])
    sent.created_at = datetime(2026, 7, 1, 10, 5, tzinfo=UTC)  # summer time: 12.05 in Stockholm
    waiting.created_at = datetime(2026, 1, 1, 10, 5, tzinfo=UTC)  # winter time: 11.05
    db.session.commit()
    page = client.get("/dev/outbox").get_data(as_text=True)
    assert "· Skickat ·" in page and "· Väntar på att skickas ·" in page
    assert "· sent ·" not in page and "· pending ·" not in page
    assert "2026-07-01 12:05" in page and "2026-01-01 11:05" in page
    assert "2026-07-01 10:05" not in page
