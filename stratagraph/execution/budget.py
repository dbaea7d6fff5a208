"""Money: a hard reservation before every spend.

`commit` is one conditional statement. It first takes the run's write lock (it bumps
`Run.lock_n`, so on Neo4j every later read in the statement sees the latest committed
figures and concurrent reservations queue; FalkorDB runs write statements one at a time),
then adds the unreserved amounts of the claimed actions per campaign and checks, for every
plan item touched and for the run (whose budget is the strategy's approved spend):

    reserved + spent + amount <= budget

Only if all hold does it reserve and mark the actions `sending`; otherwise nothing changes.
The dispatcher then retries the batch one action at a time, and an action that still does not
fit is skipped with reason `budget`. Acknowledging a call moves the amount from reserved to
spent (the cost, never more than reserved) in one statement as well. So reserved + spent
never exceeds an item's or the run's budget, with any number of dispatchers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stratagraph import cypher
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.store import GraphStore

EPS = 1e-6


@dataclass(frozen=True)
class Reservation:
    ok: bool
    total: float
    actions: int


def commit(store: GraphStore, run: str, worker: str, uids: Sequence[str]) -> Reservation:
    """Reserve and mark `sending`, all or nothing (see the module doc)."""
    if not uids:
        return Reservation(True, 0.0, 0)
    rows = store.write(
        cypher.load("execution/commit"),
        {"run": run, "worker": worker, "actions": list(uids), "eps": EPS, "now": now_iso()},
    )
    if not rows:  # none of them is still claimed by this worker
        return Reservation(True, 0.0, 0)
    row = rows[0]
    return Reservation(bool(row["ok"]), float(row["total"] or 0.0), int(row["actions"] or 0))


def headroom(budget: float | None, reserved: float | None, spent: float | None) -> float:
    return float(budget or 0.0) - float(reserved or 0.0) - float(spent or 0.0)
