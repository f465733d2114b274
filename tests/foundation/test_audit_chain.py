"""The audit log is append-only and hash-chained; `audit verify` finds tampering."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from lms.audit import record_event
from lms.audit.triggers import create_statements, drop_statements
from lms.extensions import db


def _write(n: int) -> None:
    for i in range(n):
        record_event("test.event", target_type="thing", target_id=i, details={"n": i})
    db.session.commit()


@pytest.fixture(autouse=True)
def _restore_triggers(app):
    """Tampering tests drop the triggers; put them back for the tests that follow."""
    yield
    db.session.remove()  # an open read transaction would block the DDL on PostgreSQL
    with db.engine.begin() as conn:
        for statement in drop_statements(conn.dialect.name) + create_statements(conn.dialect.name):
            conn.execute(text(statement))


def _drop_triggers() -> None:
    """What an attacker with database rights would do first."""
    db.session.remove()
    with db.engine.begin() as conn:
        for statement in drop_statements(conn.dialect.name):
            conn.execute(text(statement))


def _tamper(sql: str) -> None:
    _drop_triggers()
    with db.engine.begin() as conn:
        conn.execute(text(sql))
    db.session.expire_all()


def test_intact_log_verifies(runner):
    _write(5)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact: 5 entries" in result.output


def test_database_refuses_update_and_delete_of_audit_rows(app):
    _write(1)
    for sql in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DatabaseError), db.engine.begin() as conn:
            conn.execute(text(sql))


def test_verify_reports_an_edited_row(runner):
    _write(5)
    _tamper("UPDATE audit_events SET actor_label = 'someone else' WHERE seq = 3")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "entry 3" in result.output and "changed" in result.output


def test_verify_reports_a_deleted_row(runner):
    _write(5)
    _tamper("DELETE FROM audit_events WHERE seq = 2")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "entry 2" in result.output


def test_verify_reports_a_deleted_last_row(runner):
    _write(5)
    _tamper("DELETE FROM audit_events WHERE seq = 5")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "removed from the end" in result.output


def test_verify_reports_reordered_rows(runner):
    _write(5)
    # Swap the positions of entries 2 and 3 (their ids), keeping their contents and hashes.
    _tamper("UPDATE audit_events SET id = id + 1000 WHERE seq IN (2, 3)")
    _tamper("UPDATE audit_events SET id = CASE seq WHEN 2 THEN 3 ELSE 2 END WHERE seq IN (2, 3)")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "entry 2" in result.output


def test_verify_reports_a_forged_row_inserted_with_recomputed_hash_elsewhere(runner):
    _write(3)
    _tamper("UPDATE audit_events SET prev_hash = entry_hash WHERE seq = 3")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "entry 3" in result.output


def test_concurrent_writers_keep_one_unbroken_chain(app, runner):
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                for i in range(10):
                    record_event("test.concurrent", details={"i": i})
                    db.session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # SQLite may refuse a concurrent writer ("database is locked"); nothing may fork the chain.
    assert all("locked" in str(e) for e in errors), errors
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
