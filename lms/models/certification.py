"""Certifications: the final approval of a card administrator, its validity and its end.

A certification is the platform's record that a person may act in a card-administration role
(the role sought in the application, not a platform role: the card-admin role is stored here as
`role_granted`). Its status is derived, never stored: revoked → superseded → expired → valid.
Dates of validity are calendar dates in Europe/Stockholm (inclusive).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.types import UTCDateTime, utcnow


class CertificationStatus(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class Certification(db.Model):
    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL")
    )
    # The passed attempt this decision was about (one decision per passed attempt).
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="SET NULL"), unique=True
    )
    # Snapshots as printed on the certificate (the account may change later).
    holder_name: Mapped[str] = mapped_column(String(200))
    role_granted: Mapped[str] = mapped_column(String(30))  # a RoleSought value
    organisation: Mapped[str] = mapped_column(String(200), index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_label: Mapped[str] = mapped_column(String(254))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    valid_until: Mapped[date] = mapped_column(Date, index=True)  # last valid day, inclusive
    course_version: Mapped[str] = mapped_column(String(64))
    bank_version: Mapped[str] = mapped_column(String(64))
    # 10 Crockford base32 characters without the hyphen (shown as XXXXX-XXXXX).
    code: Mapped[str] = mapped_column(String(10), unique=True)
    # Detached Ed25519 signature (base64) over the canonical JSON record, and the key's id.
    signature: Mapped[str] = mapped_column(String(100))
    key_id: Mapped[str] = mapped_column(String(32))

    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("certifications.id", ondelete="SET NULL")
    )
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A major change of the course or bank: the holder must pass again by this day (inclusive).
    recertification_due: Mapped[date | None] = mapped_column(Date)
    recertification_reason: Mapped[str | None] = mapped_column(Text)

    reminders: Mapped[list[CertificationReminder]] = relationship(
        back_populates="certification", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def ends_on(self) -> date:
        """The last valid day: the end of validity, or an earlier recertification due date."""
        if self.recertification_due and self.recertification_due < self.valid_until:
            return self.recertification_due
        return self.valid_until

    def status_on(self, today: date) -> CertificationStatus:
        if self.revoked_at is not None:
            return CertificationStatus.REVOKED
        if self.superseded_by_id is not None:
            return CertificationStatus.SUPERSEDED
        if today > self.ends_on:
            return CertificationStatus.EXPIRED
        return CertificationStatus.VALID

    @property
    def display_code(self) -> str:
        return f"{self.code[:5]}-{self.code[5:]}"


class CertificationReminder(db.Model):
    """One row per reminder sent: (certification, kind, point) is unique, so each configured
    point mails at most once however often `flask certs remind` runs."""

    __tablename__ = "certification_reminders"
    __table_args__ = (UniqueConstraint("certification_id", "kind", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(
        ForeignKey("certifications.id", ondelete="CASCADE"), index=True
    )
    # "expiry" (before valid_until), "recertification" (before the due date), "expired" (0).
    kind: Mapped[str] = mapped_column(String(20))
    days_before: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    certification: Mapped[Certification] = relationship(back_populates="reminders")


class SendBack(db.Model):
    """The approver sent a passed candidate back instead of approving (one per passed attempt)."""

    __tablename__ = "certification_send_backs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="SET NULL"), unique=True
    )
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Whether the quiz service reopened the test (False: it had no way to; recorded for follow-up).
    test_reopened: Mapped[bool] = mapped_column(default=False)
