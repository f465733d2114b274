"""The schema comes from the migrations, which apply cleanly and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from lms.extensions import db
from lms.migration_metadata import extra_metadata


def test_migrations_downgrade_to_empty_and_upgrade_again(app):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "users",
        "applications",
        "attestations",
        "audit_events",
        "outgoing_mail",
        "tokens",
    } <= tables


def test_models_match_the_migrations(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, [db.metadata, *extra_metadata()])
    assert diff == []
