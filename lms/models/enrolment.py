"""An application to become a card administrator, and the manager's suitability attestation."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.types import UTCDateTime, utcnow


class ApplicationState(enum.StrEnum):
    SUBMITTED = "submitted"
    AWAITING_ATTESTATION = "awaiting_attestation"
    ATTESTED = "attested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


FINAL_STATES = frozenset(
    {ApplicationState.APPROVED, ApplicationState.REJECTED, ApplicationState.WITHDRAWN}
)


class RoleSought(enum.StrEnum):
    BITRADANDE_UTGIVARE = "bitradande_utgivare"
    ID_ADMINISTRATOR = "id_administrator"


class AttestationMethod(enum.StrEnum):
    FORM = "form"  # the manager filled in the form behind the emailed link
    UPLOAD = "upload"  # the candidate uploaded a PDF signed by the manager


class Application(db.Model):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    organisation: Mapped[str] = mapped_column(String(200), index=True)
    hsa_id: Mapped[str] = mapped_column(String(31))
    role_sought: Mapped[str] = mapped_column(String(30))
    manager_name: Mapped[str] = mapped_column(String(200))
    manager_email: Mapped[str] = mapped_column(String(254))
    message: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(5), default="sv")
    state: Mapped[str] = mapped_column(String(30), default=ApplicationState.SUBMITTED, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # The trainee account created on approval.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    attestations: Mapped[list[Attestation]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="Attestation.created_at",
        lazy="selectin",
    )

    @property
    def current_attestation(self) -> Attestation | None:
        return self.attestations[-1] if self.attestations else None

    def submitted_by(self, user: Any) -> bool:
        """True if `user` is the applicant: the account made from the application, or the same
        email address (any case). Such a user may not decide on it (separation of duties)."""
        if user is None or getattr(user, "email", None) is None:
            return False
        same_account = self.user_id is not None and self.user_id == user.id
        return same_account or self.email.strip().casefold() == user.email.strip().casefold()


class Attestation(db.Model):
    __tablename__ = "attestations"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[str] = mapped_column(String(10))
    manager_name: Mapped[str] = mapped_column(String(200))
    manager_title: Mapped[str] = mapped_column(String(200))
    attested_on: Mapped[date] = mapped_column(Date)
    statements: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
    # Uploaded signed PDF: stored outside static under the instance folder.
    upload_name: Mapped[str | None] = mapped_column(String(255))
    upload_path: Mapped[str | None] = mapped_column(String(255))
    upload_size: Mapped[int | None]
    upload_sha256: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    application: Mapped[Application] = relationship(back_populates="attestations")
