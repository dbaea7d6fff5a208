"""The outbox: Actions in the graph, written in the same statement as the state change that
causes them, and moved through their states by single conditional statements.

    pending -> claimed -> (gated: sends that passed the people gate) -> sending -> sent
                                                                                -> failed
       ^           |                                                             -> skipped
       +-----------+ released (kill switch, quiet hours, a dead dispatcher)       -> cancelled

An action's uid and idempotency key are derived from (run, plan item, step), so planning the
same step again (after a crash, on resume) MERGEs onto the same node, and a channel sees the
same key however often the call is repeated. `sending` is entered together with the budget
reservation; an action found `sending` with its dispatcher dead was maybe seen by the channel,
so it keeps its reservation and is retried with the same key (the channel dedupes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stratagraph import cypher
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.store import GraphStore

PENDING = "pending"
CLAIMED = "claimed"
GATED = "gated"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"
CANCELLED = "cancelled"
IN_FLIGHT = (PENDING, CLAIMED, GATED, SENDING)
SETTLED = (SENT, FAILED, SKIPPED, CANCELLED)

# action kinds and the adapter call each makes
LAUNCH = "launch"
PAUSE = "pause"
SPEND = "spend"  # update_budget: the day's paced budget
SEND = "send"  # one message to one contact
MEASURE = "measure"  # fetch_metrics for one day
KINDS = (LAUNCH, PAUSE, SPEND, SEND, MEASURE)


def idempotency_key(run: str, plan_item: str, step: str) -> str:
    """sha256 of (run, plan item, step): the same effect always has the same key."""
    payload = json.dumps([run, plan_item, step], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40]


def action_uid(key: str) -> str:
    return f"act-{key}"


def action_row(
    *,
    run: str,
    plan_item: str,
    campaign: str,
    channel: str,
    kind: str,
    step: str,
    scheduled_for: str,
    amount: float = 0.0,
    day: str | None = None,
    contact: str | None = None,
    local_day: str | None = None,
    seq: int = 0,
) -> dict[str, Any]:
    key = idempotency_key(run, plan_item, step)
    row: dict[str, Any] = {
        "uid": action_uid(key),
        "idempotency_key": key,
        "kind": kind,
        "status": PENDING,
        "amount": round(float(amount), 2),
        "attempts": 0,
        "reserved": False,
        "scheduled_for": scheduled_for,
        "run_uid": run,
        "campaign_uid": campaign,
        "plan_item_uid": plan_item,
        "channel_uid": channel,
        "step": step,
        "seq": seq,
    }
    if day is not None:
        row["day"] = day
    if contact is not None:
        row["contact_uid"] = contact
    if local_day is not None:
        row["local_day"] = local_day
    return row


@dataclass(frozen=True)
class Claimed:
    """A claimed action as the dispatcher sees it."""

    uid: str
    key: str
    kind: str
    step: str
    amount: float
    campaign: str
    plan_item: str
    channel: str
    contact: str | None
    day: str | None
    local_day: str | None
    scheduled_for: str
    reserved: bool
    attempts: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Claimed:
        return cls(
            uid=str(row["uid"]),
            key=str(row["key"]),
            kind=str(row["kind"]),
            step=str(row.get("step") or ""),
            amount=float(row.get("amount") or 0.0),
            campaign=str(row.get("campaign") or ""),
            plan_item=str(row.get("plan_item") or ""),
            channel=str(row.get("channel") or ""),
            contact=str(row["contact"]) if row.get("contact") else None,
            day=str(row["day"]) if row.get("day") else None,
            local_day=str(row["local_day"]) if row.get("local_day") else None,
            scheduled_for=str(row.get("scheduled_for") or ""),
            reserved=bool(row.get("reserved")),
            attempts=int(row.get("attempts") or 0),
        )


def _slices(rows: Sequence[dict[str, Any]], size: int = 2000) -> Iterable[Sequence[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def start_campaigns(store: GraphStore, run: str, items: Sequence[dict[str, Any]]) -> int:
    """Create campaigns (REALIZES, RUNS_ON, TARGETS, USES) with their launch actions."""
    if not items:
        return 0
    rows = store.write(
        cypher.load("execution/start_campaigns"),
        {"run": run, "items": list(items), "now": now_iso()},
    )
    return int(rows[0]["actions"]) if rows else 0


def enqueue(
    store: GraphStore,
    run: str,
    actions: Sequence[dict[str, Any]],
    *,
    opened: str = "",
    closed: str = "",
) -> bool:
    """Move the run's day marker and write the actions it causes, in one statement. Returns
    False when the marker had already moved (the step was done before) or the run is not
    running. Very large days are written in slices: the marker moves with the last one, and
    the slices before it are idempotent MERGEs."""
    query = cypher.load("execution/enqueue")
    now = now_iso()
    chunks = list(_slices(actions)) or [[]]
    for chunk in chunks[:-1]:
        store.write(
            cypher.load("execution/add_actions"), {"run": run, "actions": list(chunk), "now": now}
        )
    rows = store.write(
        query,
        {"run": run, "actions": list(chunks[-1]), "opened": opened, "closed": closed, "now": now},
    )
    return bool(rows)


def add_actions(store: GraphStore, run: str, actions: Sequence[dict[str, Any]]) -> int:
    total = 0
    for chunk in _slices(actions):
        rows = store.write(
            cypher.load("execution/add_actions"),
            {"run": run, "actions": list(chunk), "now": now_iso()},
        )
        total += int(rows[0]["actions"]) if rows else 0
    return total


def cancel_actions(
    store: GraphStore,
    run: str,
    *,
    reason: str,
    campaign: str = "",
    contact: str = "",
    channel: str = "",
    keep: Sequence[str] = (PAUSE,),
) -> int:
    rows = store.write(
        cypher.load("execution/cancel_actions"),
        {
            "run": run,
            "campaign": campaign,
            "contact": contact,
            "channel": channel,
            "keep": list(keep),
            "reason": reason,
            "now": now_iso(),
        },
    )
    return int(rows[0]["cancelled"]) if rows else 0


def claim(
    store: GraphStore, run: str, worker: str, *, now: str, lease: str, limit: int
) -> list[Claimed]:
    rows = store.write(
        cypher.load("execution/claim"),
        {
            "run": run,
            "worker": worker,
            "now": now,
            "wall": now_iso(),
            "lease": lease,
            "limit": limit,
        },
    )
    return [Claimed.from_row(r) for r in rows]


def release(store: GraphStore, worker: str, rows: Sequence[dict[str, Any]]) -> int:
    if not rows:
        return 0
    out = store.write(
        cypher.load("execution/release_claims"),
        {"worker": worker, "rows": list(rows), "now": now_iso()},
    )
    return int(out[0]["released"]) if out else 0


def skip(store: GraphStore, worker: str, uids: Sequence[str], *, status: str, error: str) -> int:
    if not uids:
        return 0
    out = store.write(
        cypher.load("execution/skip_actions"),
        {"worker": worker, "uids": list(uids), "status": status, "error": error, "now": now_iso()},
    )
    return int(out[0]["skipped"]) if out else 0


def ack(store: GraphStore, run: str, worker: str, results: Sequence[dict[str, Any]]) -> int:
    if not results:
        return 0
    out = store.write(
        cypher.load("execution/ack"),
        {"run": run, "worker": worker, "results": list(results), "now": now_iso()},
    )
    return int(out[0]["actions"]) if out else 0


def stale_workers(store: GraphStore, run: str) -> list[dict[str, Any]]:
    return store.read(cypher.load("execution/stale_claims"), {"run": run})


def recover(store: GraphStore, run: str, dead: Sequence[str]) -> int:
    rows = store.write(
        cypher.load("execution/recover_claims"),
        {"run": run, "dead": list(dead), "now": now_iso()},
    )
    return int(rows[0]["recovered"]) if rows else 0
