"""Fixed-window throttling in the database, shared by all app processes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms.extensions import db
from lms.models.throttle import ThrottleCounter
from lms.models.types import utcnow


def _counter(scope: str, key: str, window: timedelta) -> ThrottleCounter:
    now = utcnow()
    counter = db.session.scalar(
        select(ThrottleCounter).where(ThrottleCounter.scope == scope, ThrottleCounter.key == key)
    )
    if counter is None:
        counter = ThrottleCounter(scope=scope, key=key, window_start=now, count=0)
        db.session.add(counter)
    elif counter.window_start + window <= now:
        counter.window_start, counter.count = now, 0
    return counter


def is_throttled(scope: str, key: str, limit: int, window: timedelta) -> bool:
    return _counter(scope, key, window).count >= limit


def hit(scope: str, key: str, window: timedelta) -> int:
    counter = _counter(scope, key, window)
    counter.count += 1
    return counter.count
