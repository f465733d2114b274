"""Metadata of tables defined outside Flask-SQLAlchemy's model base, for Alembic."""

from __future__ import annotations

from sqlalchemy import MetaData


def extra_metadata() -> list[MetaData]:
    # The mock CA must not import Flask, so its tables hang off its own declarative base.
    from sandbox.ca import CaBase

    return [CaBase.metadata]
