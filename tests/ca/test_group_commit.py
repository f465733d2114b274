"""Group commit: concurrent issuers share commits, and nobody is answered before their commit."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from sandbox.ca import IssuedCertificate, MockCa, Person, issuance
from sandbox.ca.group_commit import GroupCommitter

from .helpers import make_csr

NOTES = Table(
    "gc_notes", MetaData(), Column("id", Integer, primary_key=True), Column("text", String)
)


@pytest.fixture
def notes_engine(engine):
    NOTES.create(engine, checkfirst=True)
    yield engine
    NOTES.drop(engine)


def texts(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.scalars(select(NOTES.c.text)))


def note(text: str, fail: bool = False):
    def step(session: Session) -> str:
        session.execute(insert(NOTES).values(text=text))
        if fail:
            raise ValueError(f"step {text} refused")
        return text

    return step


def run_in_threads(committer: GroupCommitter, steps) -> tuple[list, list]:
    """Queue steps[1:] while steps[0] holds the writer, so they form one group."""
    results, errors = [None] * len(steps), [None] * len(steps)

    def call(i: int) -> None:
        try:
            results[i] = committer.run(steps[i])
        except Exception as exc:  # the test inspects what each caller got
            errors[i] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(steps))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def holding_step(release: threading.Event, entered: threading.Event):
    def step(session: Session) -> str:
        session.execute(insert(NOTES).values(text="first"))
        entered.set()
        assert release.wait(timeout=10)
        return "first"

    return step


def grouped(committer: GroupCommitter, later_steps) -> tuple[list, list]:
    """Run a first step that blocks the writer until every later step is queued."""
    release, entered = threading.Event(), threading.Event()
    first = threading.Thread(target=committer.run, args=(holding_step(release, entered),))
    first.start()
    assert entered.wait(timeout=10)

    out: dict = {}

    def rest() -> None:
        out["value"] = run_in_threads(committer, later_steps)

    others = threading.Thread(target=rest)
    others.start()
    deadline = time.monotonic() + 10
    while committer.queued < len(later_steps):  # all queued behind the first
        assert time.monotonic() < deadline, "the later steps never reached the queue"
        time.sleep(0.005)
    release.set()
    first.join(timeout=10)
    others.join(timeout=30)
    return out["value"]


def test_waiting_steps_share_one_commit_and_each_caller_gets_its_own_result(notes_engine):
    committer = GroupCommitter(sessionmaker(notes_engine))
    try:
        results, errors = grouped(committer, [note(f"n{i}") for i in range(5)])
    finally:
        committer.close()
    assert errors == [None] * 5
    assert results == [f"n{i}" for i in range(5)]
    assert committer.groups == 2  # the first alone, the five queued behind it together
    assert committer.steps == 6
    assert texts(notes_engine) == ["first", "n0", "n1", "n2", "n3", "n4"]


def test_a_failing_step_costs_the_others_nothing_and_leaves_nothing_behind(notes_engine):
    committer = GroupCommitter(sessionmaker(notes_engine))
    try:
        results, errors = grouped(committer, [note("a"), note("b", fail=True), note("c")])
    finally:
        committer.close()
    assert results[0] == "a" and results[2] == "c"
    assert isinstance(errors[1], ValueError) and "step b refused" in str(errors[1])
    assert errors[0] is None and errors[2] is None
    assert texts(notes_engine) == ["a", "c", "first"]


def test_a_failed_commit_fails_every_caller_and_keeps_no_record(notes_engine):
    class FailingCommit(Session):
        def commit(self) -> None:
            raise OperationalError("COMMIT", {}, Exception("disk full"))

    committer = GroupCommitter(sessionmaker(notes_engine, class_=FailingCommit))
    try:
        results, errors = run_in_threads(committer, [note("x"), note("y")])
    finally:
        committer.close()
    assert results == [None, None]
    assert all(isinstance(e, OperationalError) and "disk full" in str(e) for e in errors)
    assert texts(notes_engine) == []


def test_the_writer_thread_ends_when_idle_and_comes_back_for_new_work(notes_engine):
    committer = GroupCommitter(sessionmaker(notes_engine), idle_seconds=0.05)
    assert committer.run(note("one")) == "one"
    deadline = time.monotonic() + 5
    while committer.running:
        assert time.monotonic() < deadline, "the idle writer did not stop"
        time.sleep(0.01)
    assert committer.run(note("two")) == "two"
    committer.close()
    assert texts(notes_engine) == ["one", "two"]
    with pytest.raises(RuntimeError, match="closed"):
        committer.run(note("three"))


# --- the CA with a group committer -----------------------------------------------------


@pytest.fixture
def shared(ca, settings, engine, events):
    committer = GroupCommitter(sessionmaker(engine))
    yield MockCa(settings, on_event=events, group_commit=committer)
    committer.close()


def visible_elsewhere(engine, serial: str) -> bool:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).where(IssuedCertificate.serial == serial)) == 1


def test_concurrent_issuers_are_answered_only_after_their_record_is_committed(
    shared, engine, card_keys, events
):
    csr = make_csr(card_keys["auth"])
    seen, failures = [], []

    def issuer(n: int) -> None:
        with Session(engine) as own:
            for i in range(4):
                person = Person(
                    "SE2321000016-12ZX", "Anna", f"Andersson{n}", f"975227890000000{n}{i}"
                )
                try:
                    record = shared.issue(own, csr, "loa3-auth", person)
                    # committed before issue() returned: another connection sees it
                    seen.append((record.serial, visible_elsewhere(engine, record.serial)))
                except Exception as exc:
                    failures.append(exc)
                assert not own.in_transaction()

    threads = [threading.Thread(target=issuer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(seen) == 24 and all(visible for _serial, visible in seen)
    assert len({serial for serial, _ in seen}) == 24
    assert shared.group_commit.steps == 24
    assert events.actions().count("ca.issue") == 24


def test_group_path_retries_a_serial_collision(shared, engine, card_keys, monkeypatch):
    csr = make_csr(card_keys["auth"])
    anna = Person("SE2321000016-12ZX", "Anna", "Andersson", "9752278900000000001")
    draws = iter([0xABCDEF0123456789, 0xABCDEF0123456789, 0x1234567890ABCDEF])
    monkeypatch.setattr(issuance, "new_serial", lambda: next(draws))
    with Session(engine) as own:
        first = shared.issue(own, csr, "loa3-auth", anna)
        second = shared.issue(own, csr, "loa3-auth", anna)
    assert (first.serial, second.serial) == ("abcdef0123456789", "1234567890abcdef")
    assert shared.group_commit.steps == 2


def test_a_session_inside_a_transaction_keeps_the_plain_path(shared, engine, card_keys):
    csr = make_csr(card_keys["auth"])
    anna = Person("SE2321000016-12ZX", "Anna", "Andersson", "9752278900000000001")
    with Session(engine) as own:
        own.execute(select(1))  # the caller has a transaction open
        record = shared.issue(own, csr, "loa3-auth", anna)
        assert visible_elsewhere(engine, record.serial)
        kept = shared.issue(own, csr, "loa3-auth", anna, commit=False)
        own.rollback()
    assert shared.group_commit.steps == 0
    assert not visible_elsewhere(engine, kept.serial)
    pair = None
    with Session(engine) as own:
        pair = shared.issue_card_pair(own, csr, make_csr(card_keys["sign"]), anna, loa=3)
    assert shared.group_commit.steps == 1  # the card's pair is one step: both or neither
    assert all(visible_elsewhere(engine, r.serial) for r in pair)
