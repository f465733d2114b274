"""Creating, checking and consuming the tokens behind emailed links."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from lms.extensions import db
from lms.models.token import Token, TokenPurpose
from lms.models.types import utcnow


class TokenError(Exception):
    """The link cannot be used. `reason` is one of: unknown, expired, used, or a reason it was
    revoked (see revoke_tokens)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(
    purpose: TokenPurpose,
    ttl: timedelta,
    *,
    user_id: int | None = None,
    application_id: int | None = None,
    single_use: bool = True,
) -> str:
    """Store a new token and return the raw value that goes into the link (shown only once)."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        Token(
            purpose=purpose.value,
            token_hash=_hash(raw),
            user_id=user_id,
            application_id=application_id,
            expires_at=utcnow() + ttl,
            single_use=single_use,
        )
    )
    return raw


def check_token(raw: str, purpose: TokenPurpose) -> Token:
    token = db.session.scalar(
        select(Token).where(Token.token_hash == _hash(raw), Token.purpose == purpose.value)
    )
    if token is None:
        raise TokenError("unknown")
    if token.used_at is not None:
        raise TokenError(token.revoked_reason or "used")
    if token.expires_at <= utcnow():
        raise TokenError("expired")
    return token


def consume_token(token: Token) -> None:
    """Mark a single-use token used; a conditional update, so two racing requests cannot both
    win."""
    if not token.single_use:
        return
    result = db.session.execute(
        update(Token)
        .where(Token.id == token.id, Token.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TokenError("used")
    db.session.refresh(token)


# Why a link was revoked before use; the "link no longer works" page explains each.
REVOKE_REASONS = frozenset({"replaced", "withdrawn", "attested", "decided"})


def revoke_tokens(
    purpose: TokenPurpose,
    *,
    application_id: int | None = None,
    user_id: int | None = None,
    reason: str = "replaced",
) -> None:
    """Expire every unused token of one purpose for an application or user. `reason`: a newer
    link was sent (replaced), the application was withdrawn, attested another way or decided."""
    if reason not in REVOKE_REASONS:
        raise ValueError(f"unknown revoke reason {reason!r}")
    stmt = update(Token).where(Token.purpose == purpose.value, Token.used_at.is_(None))
    if application_id is not None:
        stmt = stmt.where(Token.application_id == application_id)
    if user_id is not None:
        stmt = stmt.where(Token.user_id == user_id)
    db.session.execute(
        stmt.values(used_at=utcnow(), revoked_reason=reason).execution_options(
            synchronize_session=False
        )
    )
