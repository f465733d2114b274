"""Hashing and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from lms.models.audit import GENESIS_HASH, AuditEvent

# actor_id is left out: it is SET NULL when an account is deleted, which is not tampering;
# actor_label keeps who acted.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "from_state",
    "to_state",
    "ip",
    "details",
)


def entry_hash(event: AuditEvent, prev_hash: str) -> str:
    record = {name: getattr(event, name) for name in HASHED_FIELDS}
    record["at"] = event.at.isoformat(timespec="microseconds")
    canonical = json.dumps(
        record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: int | None
    message: str

    def __str__(self) -> str:
        where = f"entry {self.seq}" + (f" (id {self.event_id})" if self.event_id else "")
        return f"{where}: {self.message}"


def verify_chain(
    events: Iterable[AuditEvent], head_seq: int, head_hash: str
) -> ChainProblem | None:
    """The first problem in the chain, or None when it is intact. `events` in id order."""
    expected_seq, prev = 1, GENESIS_HASH
    for event in events:
        if event.seq != expected_seq:
            return ChainProblem(
                expected_seq,
                event.id,
                f"expected sequence {expected_seq}, found {event.seq} "
                "(an entry was removed, inserted or moved)",
            )
        if event.prev_hash != prev:
            return ChainProblem(
                event.seq, event.id, "does not link to the entry before it (removed or reordered)"
            )
        if entry_hash(event, prev) != event.entry_hash:
            return ChainProblem(event.seq, event.id, "content was changed after it was written")
        prev = event.entry_hash
        expected_seq += 1
    if expected_seq - 1 != head_seq or prev != head_hash:
        return ChainProblem(
            expected_seq,
            None,
            f"the chain ends at {expected_seq - 1} but {head_seq} entries were "
            "written (entries removed from the end)",
        )
    return None
