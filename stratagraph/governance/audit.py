"""The audit trail: AuditEvents in a hash chain, written in the same statement as the change.

Each event has a gapless `seq`, its uid derived from it (`audit-000000000042`), the hash of
the previous event and its own hash over (seq, actor, verb, subject, at, details, prev_hash).
An `AuditHead` node holds the last seq and hash and moves with every append, so removing the
newest events is detected as well as altering, removing or reordering any other.

Appending is safe with several processes writing at once: the writer reads the head, hashes
the new event, and sends ONE statement that checks the head is still where it was, makes the
change it is auditing (a status, an approval, a setting...) and appends the event. When
another writer got there first the check fails, or the unique uid constraint refuses the
second `audit-...42`; either way that statement changed nothing and is retried from a fresh
read of the head.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from stratagraph import cypher
from stratagraph.cypher import Query
from stratagraph.errors import QueryError, StratagraphError
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.store import GraphStore

GENESIS = "0" * 64
HEAD_UID = "audit-head"
MAX_ATTEMPTS = 200


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    actor: str
    verb: str
    subject: str
    at: str
    details: str  # canonical JSON text, as stored
    prev_hash: str
    hash: str

    @property
    def uid(self) -> str:
        return event_uid(self.seq)

    @property
    def details_dict(self) -> dict[str, Any]:
        try:
            value = json.loads(self.details) if self.details else {}
        except json.JSONDecodeError:
            return {"_raw": self.details}
        return value if isinstance(value, dict) else {"value": value}

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "uid": self.uid,
            "actor": self.actor,
            "verb": self.verb,
            "subject": self.subject,
            "at": self.at,
            "details": self.details_dict,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str


@dataclass(frozen=True)
class Attempt:
    """One try at a change with its audit event: the statement, its own parameters, the
    event to append, and what `commit` returns when it lands (default: the statement's row).

    The statement must contain the audit fragment (see `cypher/governance/record_event`) and
    return `chain_ok` and `ok` (its own condition: false when the change no longer applies,
    so `commit` builds the attempt again and `build` can refuse with a clear message)."""

    query: Query
    params: Mapping[str, Any]
    event: AuditEvent
    result: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    events: int
    head_seq: int | None
    broken_seq: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "head_seq": self.head_seq,
            "broken_seq": self.broken_seq,
            "reason": self.reason,
        }


def event_uid(seq: int) -> str:
    return f"audit-{seq:012d}"


def canonical_details(details: Mapping[str, Any] | None) -> str:
    return json.dumps(
        dict(details or {}), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def event_hash(
    seq: int, actor: str, verb: str, subject: str, at: str, details: str, prev_hash: str
) -> str:
    payload = json.dumps(
        [seq, actor, verb, subject, at, details, prev_hash],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def next_event(
    head: ChainHead,
    *,
    actor: str,
    verb: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
    at: str | None = None,
) -> AuditEvent:
    seq = head.seq + 1
    when = at or now_iso()
    text = canonical_details(details)
    return AuditEvent(
        seq=seq,
        actor=actor,
        verb=verb,
        subject=subject,
        at=when,
        details=text,
        prev_hash=head.hash,
        hash=event_hash(seq, actor, verb, subject, when, text, head.hash),
    )


def read_head(store: GraphStore) -> ChainHead:
    rows = store.read(cypher.load("governance/audit_head"), {"head": HEAD_UID})
    row = rows[0] if rows else {}
    if row.get("seq") is not None:
        return ChainHead(int(row["seq"]), str(row["hash"]))
    if row.get("any_seq") is not None:
        raise StratagraphError(
            "the audit chain has events but no AuditHead node: it was tampered with. Run "
            "`stratagraph audit verify` and restore the graph from a backup."
        )
    return ChainHead(0, GENESIS)


def event_params(event: AuditEvent) -> dict[str, Any]:
    return {
        "e_uid": event.uid,
        "e_seq": event.seq,
        "e_actor": event.actor,
        "e_verb": event.verb,
        "e_subject": event.subject,
        "e_at": event.at,
        "e_details": event.details,
        "e_prev_hash": event.prev_hash,
        "e_hash": event.hash,
        "e_genesis": GENESIS,
        "e_head": HEAD_UID,
    }


def _is_conflict(exc: QueryError) -> bool:
    text = str(exc).lower()
    return "already exists" in text or "unique constraint" in text or "deadlock" in text


def commit(store: GraphStore, build: Callable[[ChainHead], Attempt]) -> Any:
    """Run `build(head)` and its statement until it lands on the current chain head."""
    for attempt_no in range(MAX_ATTEMPTS):
        head = read_head(store)
        attempt = build(head)
        params = {**attempt.params, **event_params(attempt.event)}
        try:
            rows = store.write(attempt.query, params)
        except QueryError as exc:
            if not _is_conflict(exc):
                raise
            _pause(attempt_no)
            continue
        if not rows:
            raise StratagraphError(
                f"{attempt.query.name} matched nothing: a node it needs was deleted meanwhile"
            )
        row = rows[0]
        if not row.get("chain_ok") or not row.get("ok", True):
            _pause(attempt_no)
            continue
        return row if attempt.result is None else attempt.result
    raise StratagraphError(
        f"could not append to the audit chain after {MAX_ATTEMPTS} tries: too many writers at "
        "once, or the chain head is damaged (`stratagraph audit verify`). Try again."
    )


def _pause(attempt_no: int) -> None:
    time.sleep(random.uniform(0, 0.002 * min(attempt_no + 1, 20)))


def record(
    store: GraphStore,
    actor: str,
    verb: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event (e.g. an execution event) to the chain and return it."""

    def build(head: ChainHead) -> Attempt:
        event = next_event(head, actor=actor, verb=verb, subject=subject, details=details)
        return Attempt(cypher.load("governance/record_event"), {}, event, result=event)

    event: AuditEvent = commit(store, build)
    return event


def _event(row: Mapping[str, Any]) -> AuditEvent:
    return AuditEvent(
        seq=int(row["seq"]) if row.get("seq") is not None else -1,
        actor=str(row.get("actor") or ""),
        verb=str(row.get("verb") or ""),
        subject=str(row.get("subject") or ""),
        at=str(row.get("at") or ""),
        details=str(row.get("details") or ""),
        prev_hash=str(row.get("prev_hash") or ""),
        hash=str(row.get("hash") or ""),
    )


def events(
    store: GraphStore, *, subject: str | None = None, limit: int | None = None
) -> list[AuditEvent]:
    """Events in chain order, optionally only those about one subject (the newest `limit`)."""
    rows = store.read(cypher.load("governance/audit_events"), {"subject": subject or ""})
    found = [_event(r) for r in rows]
    return found[-limit:] if limit else found


def verify(store: GraphStore) -> AuditVerification:
    """Recompute the chain: ok, or the first broken seq and why."""
    chain = events(store)
    head_rows = store.read(cypher.load("governance/audit_head"), {"head": HEAD_UID})
    head = head_rows[0] if head_rows else {}
    head_seq = int(head["seq"]) if head.get("seq") is not None else None
    prev_hash = GENESIS
    seen: set[int] = set()
    for position, event in enumerate(chain, start=1):
        if event.seq in seen:
            return AuditVerification(
                False, len(chain), head_seq, event.seq, f"two events have seq {event.seq}"
            )
        seen.add(event.seq)
        if event.seq != position:
            missing = position if event.seq > position else event.seq
            return AuditVerification(
                False,
                len(chain),
                head_seq,
                missing,
                f"event {missing} is missing: the chain jumps from {position - 1} to {event.seq}",
            )
        expected = event_hash(
            event.seq,
            event.actor,
            event.verb,
            event.subject,
            event.at,
            event.details,
            event.prev_hash,
        )
        if expected != event.hash:
            return AuditVerification(
                False,
                len(chain),
                head_seq,
                event.seq,
                f"event {event.seq} ({event.verb} {event.subject}) does not match its hash: "
                "it was altered or moved",
            )
        if event.prev_hash != prev_hash:
            return AuditVerification(
                False,
                len(chain),
                head_seq,
                event.seq,
                f"event {event.seq} does not follow event {event.seq - 1}: its prev_hash "
                "differs, so events were removed, inserted or reordered before it",
            )
        prev_hash = event.hash
    last = chain[-1] if chain else None
    if last is None and head_seq is None:
        return AuditVerification(True, 0, None)
    if head_seq is None:
        return AuditVerification(
            False, len(chain), None, None, "the AuditHead node is missing: it was deleted"
        )
    if last is None or head_seq != last.seq or head.get("hash") != last.hash:
        at = (last.seq + 1) if last else 1
        if last is not None and head_seq == last.seq:
            reason = f"the head's hash does not match event {last.seq}: it was altered"
            at = last.seq
        else:
            reason = (
                f"the head says the chain ends at event {head_seq}, but the last stored event "
                f"is {last.seq if last else 'none'}: the newest events were removed"
            )
        return AuditVerification(False, len(chain), head_seq, at, reason)
    return AuditVerification(True, len(chain), head_seq)
