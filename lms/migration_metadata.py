"""Metadata of tables defined outside Flask-SQLAlchemy's model base, for Alembic."""

from __future__ import annotations

from sqlalchemy import MetaData


def extra_metadata() -> list[MetaData]:
    return []
