"""Persistence for the mock CA: its own typed declarative base, tables prefixed ``ca_``.

The lead includes ``CaBase.metadata`` in the Alembic migrations; tests create the tables
with ``CaBase.metadata.create_all``. Serial numbers are stored as lower-case hex strings
(they are up to 159 bits, wider than any SQL integer type).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class CaBase(DeclarativeBase):
    """Declarative base for the CA tables only (kept apart from the LMS models)."""


class CertificateAuthority(CaBase):
    """A root CA, an issuing CA or a delegated OCSP responder (kind tells which)."""

    __tablename__ = "ca_authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # root | issuing | ocsp
    subject: Mapped[str] = mapped_column(String(512))
    serial: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("ca_authorities.id"))
    loa: Mapped[int | None] = mapped_column(Integer)
    key_file: Mapped[str] = mapped_column(String(255))
    not_before: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    not_after: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    der: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    parent: Mapped[CertificateAuthority | None] = relationship(remote_side=[id])


class IssuedCertificate(CaBase):
    """An end-entity certificate issued by an issuing CA."""

    __tablename__ = "ca_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("ca_authorities.id"), index=True)
    profile: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(512))
    hsa_id: Mapped[str] = mapped_column(String(31), index=True)
    card_number: Mapped[str] = mapped_column(String(20), index=True)
    not_before: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    not_after: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    der: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="good")  # good | revoked
    renewed_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("ca_certificates.id"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    issuer: Mapped[CertificateAuthority] = relationship()
    revocation: Mapped[Revocation | None] = relationship(back_populates="certificate")


class Revocation(CaBase):
    """A final revocation of one certificate (there is no un-revoke)."""

    __tablename__ = "ca_revocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("ca_certificates.id"), unique=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("ca_authorities.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    revoked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    certificate: Mapped[IssuedCertificate] = relationship(back_populates="revocation")


class CrlState(CaBase):
    """The latest CRL of one CA and its monotonically increasing CRL number."""

    __tablename__ = "ca_crls"
    __table_args__ = (UniqueConstraint("issuer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("ca_authorities.id"))
    crl_number: Mapped[int] = mapped_column(Integer)
    this_update: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    next_update: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    der: Mapped[bytes] = mapped_column(LargeBinary)


CA_TABLES_IN_DELETE_ORDER = ("ca_crls", "ca_revocations", "ca_certificates", "ca_authorities")
