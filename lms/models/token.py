"""Single-use, expiring tokens sent by mail (password reset, invitation, attestation link).

Only a SHA-256 hash of the token is stored, so a database leak does not leak usable links.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models.types import UTCDateTime, utcnow


class TokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose name, not a secret
    INVITATION = "invitation"
    ATTESTATION = "attestation"
    # The candidate's own link to follow, upload to or withdraw an application.
    APPLICANT = "applicant"


class Token(db.Model):
    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(30))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when the link was used, and also when it was revoked before use; then
    # revoked_reason says why (replaced, withdrawn, attested, decided), so the page can say so.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(20))
    # Reusable tokens (the applicant's link) are not consumed on use.
    single_use: Mapped[bool] = mapped_column(default=True)
