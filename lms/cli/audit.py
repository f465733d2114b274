from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from lms.audit.chain import verify_chain
from lms.extensions import db
from lms.models.audit import AuditChainHead, AuditEvent

audit = AppGroup("audit", help="The tamper-evident audit log.")


@audit.command("verify")
def verify() -> None:
    """Check the hash chain; report the first entry changed, removed or out of order."""
    head = db.session.get(AuditChainHead, 1)
    if head is None:
        raise click.ClickException("the audit chain head is missing (was the table emptied?)")
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000)
    problem = verify_chain(events, head.seq, head.last_hash)
    if problem is not None:
        click.echo(f"audit log broken at {problem}", err=True)
        raise SystemExit(1)
    click.echo(f"audit log intact: {head.seq} entries")
