"""Recording audit events. Callers add the event to the current transaction; they commit."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import update

from lms.audit.chain import entry_hash
from lms.extensions import db
from lms.models.audit import AuditChainHead, AuditEvent
from lms.models.types import utcnow


def _current_actor() -> tuple[int | None, str]:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    return None, "anonymous" if has_request_context() else "system"


def record_event(
    action: str,
    *,
    target_type: str | None = None,
    target_id: object | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    details: dict[str, Any] | None = None,
    actor: Any | None = None,
    actor_label: str | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Add one audit event to the session. `actor` is a User; `actor_label` names a non-user."""
    if actor is not None:
        actor_id, label = actor.id, actor.email
    else:
        actor_id, label = _current_actor()
    # Taking the next sequence number updates the head row first: that write lock serialises
    # concurrent writers, so each entry links to the one truly before it.
    seq, prev_hash = db.session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .values(seq=AuditChainHead.seq + 1)
        .returning(AuditChainHead.seq, AuditChainHead.last_hash)
    ).one()
    event = AuditEvent(
        seq=seq,
        at=utcnow(),
        actor_id=actor_id,
        actor_label=actor_label or label,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        from_state=from_state,
        to_state=to_state,
        ip=ip or (request.remote_addr if has_request_context() else None),
        details=details or {},
        prev_hash=prev_hash,
    )
    event.entry_hash = entry_hash(event, prev_hash)
    db.session.execute(
        update(AuditChainHead).where(AuditChainHead.id == 1).values(last_hash=event.entry_hash)
    )
    db.session.add(event)
    return event
