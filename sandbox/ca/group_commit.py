"""Group commit: concurrent issuers share one durable commit, each still waits for its own.

A durable commit costs a disk flush (fsync), and on the machines measured here that flush
costs about as much as an RSA-2048 signature. One issuer after another pays it once per
certificate. Databases solve this with group commit (PostgreSQL does it inside the server
for concurrent sessions; SQLite has none): transactions that arrive while a flush is under
way are committed together by the next one. `GroupCommitter` does the same in front of any
SQLAlchemy database:

* a caller signs its certificate in its own thread, then hands the *store step* (a function
  of a `Session`) to `run()` and blocks;
* one writer thread takes every store step that is waiting, runs them in one transaction
  and commits it (one flush);
* only then does each `run()` return, with that caller's result. Nothing is acknowledged
  before it is on disk, and a single caller gets no batching at all: it waits for its own
  commit exactly as before.

If one store step fails, the transaction is rolled back and every step of that group is run
again alone, in its own transaction, so one bad request never costs the others their
certificates and a failed step has left nothing behind. A failed commit fails every caller of
the group; none of their records exists.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

T = TypeVar("T")
StoreStep = Callable[[Session], T]

_STOP = object()


class _Pending(Generic[T]):
    __slots__ = ("step", "done", "result", "error")

    def __init__(self, step: StoreStep) -> None:
        self.step = step
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None


class GroupCommitter:
    """One writer thread that commits the store steps of concurrent callers together.

    The thread starts with the first `run()` and ends after `idle_seconds` without work (an
    app that never issues, or a test app, keeps no thread).

    `session_factory` gives the writer's session (a plain `sessionmaker`, or, in the Flask
    app, the scoped `db.session` under `context`, an app context the writer thread enters
    once). `max_group` bounds how many steps share one transaction, so a transaction stays
    short whatever the load.
    """

    def __init__(
        self,
        session_factory: Callable[[], Session],
        *,
        context: Callable[[], AbstractContextManager] | None = None,
        max_group: int = 64,
        idle_seconds: float = 5.0,
        name: str = "ca-group-commit",
    ) -> None:
        if max_group < 1:
            raise ValueError("max_group must be at least 1")
        self._session_factory = session_factory
        self._context = context or nullcontext
        self._max_group = max_group
        self._idle_seconds = idle_seconds
        self._name = name
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = False
        self.groups = 0  # transactions committed (for tests and the benchmark)
        self.steps = 0  # store steps committed

    @property
    def running(self) -> bool:
        """Whether the writer thread is up (it ends after `idle_seconds` without work)."""
        return self._thread is not None

    @property
    def queued(self) -> int:
        """Store steps waiting for the writer."""
        return self._queue.qsize()

    # --- callers ---------------------------------------------------------------------
    def run(self, step: StoreStep[T]) -> T:
        """Run `step(session)` in the next group transaction; return once it is committed."""
        if self._closed:
            raise RuntimeError("the group committer is closed")
        pending = _Pending(step)
        self._queue.put(pending)
        self._ensure_started()  # after put: see `_writer` for why this order matters
        pending.done.wait()
        if pending.error is not None:
            raise pending.error
        return pending.result

    def close(self) -> None:
        """Commit what is queued, then stop the writer thread."""
        with self._start_lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(_STOP)
            thread.join()

    # --- the writer thread -----------------------------------------------------------
    def _ensure_started(self) -> None:
        with self._start_lock:
            if self._thread is None:
                thread = threading.Thread(target=self._writer, name=self._name, daemon=True)
                thread.start()
                self._thread = thread

    def _writer(self) -> None:
        with self._context():
            while True:
                try:
                    first = self._queue.get(timeout=self._idle_seconds)
                except queue.Empty:
                    # Idle: end the thread, unless a step arrived in the meantime. A caller
                    # puts its step before taking the lock to start a writer, so it either
                    # sees this thread gone and starts another, or its step is seen here.
                    with self._start_lock:
                        if self._queue.empty():
                            self._thread = None
                            return
                    continue
                if first is _STOP:
                    return
                group = [first]
                stop = False
                while len(group) < self._max_group:
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is _STOP:
                        stop = True
                        break
                    group.append(item)
                self._commit_group(group)
                if stop:
                    return

    def _commit_group(self, group: list[_Pending]) -> None:
        try:
            self._run_together(group)
        except _StepFailed:
            for pending in group:  # one step failed: every step alone, in its own transaction
                pending.error = None
                self._run_together([pending], alone=True)
        except BaseException as exc:  # the commit itself failed: nobody's record exists
            log.error("group commit of %d store steps failed: %s", len(group), exc)
            for pending in group:
                pending.error = exc
        for pending in group:
            pending.done.set()

    def _run_together(self, group: list[_Pending], alone: bool = False) -> None:
        session = self._session_factory()
        try:
            for pending in group:
                try:
                    pending.result = pending.step(session)
                except BaseException as exc:
                    session.rollback()
                    if alone:
                        pending.error = exc
                        return
                    raise _StepFailed from exc
            try:
                session.commit()
            except BaseException as exc:
                session.rollback()
                if alone:
                    group[0].error = exc
                    return
                raise
            self.groups += 1
            self.steps += len(group)
        finally:
            session.close()


class _StepFailed(Exception):
    """A store step raised inside a group: rerun the group one step at a time."""
