"""Control of runs: pause, resume, rollback, completion, kill switches; all audited.

Each control step is one statement that changes the run's status and writes the channel
actions the change causes (pause every live campaign; relaunch them on resume), followed by
the strategy's status transition through governance (`transition`, which appends the audit
event) and, for execution-only changes, an `execution.*` event in the same hash chain.

Kill switches stop channel calls, not runs: the global one (`KillSwitch {uid: 'global'}`) and
one per run (`Run.kill_switch`). Dispatchers check them before every call with a view at most
`kill_switch_poll_s` (0.25 s by default) old, and claim nothing while one is on, so every new
channel call stops within a second of the switch; actions already claimed go back to the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stratagraph import cypher
from stratagraph.errors import NotFound
from stratagraph.governance import approval_status, audit, transition
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.settings import Settings
from stratagraph.store import GraphStore

from . import outbox
from .errors import ExecutionRefused


@dataclass
class ControlOutcome:
    run: str
    status: str
    changed: bool
    strategy: str | None = None
    restored: str | None = None  # rollback: the run of the version put back in place
    restored_strategy: str | None = None
    cancelled: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def get_run(store: GraphStore, run: str) -> dict[str, Any]:
    rows = store.read(cypher.load("execution/get_run"), {"uid": run})
    if not rows:
        raise NotFound(f"no run {run!r}; list runs with `stratagraph runs`", details={"run": run})
    return {
        **dict(rows[0]["run"]),
        "_strategy_status": rows[0]["strategy_status"],
        "_lineage_key": rows[0]["lineage_key"],
    }


def _campaign_actions(
    store: GraphStore, run: str, kind: str, step: str, statuses: tuple[str, ...] = ("live",)
) -> list[dict[str, Any]]:
    rows = store.read(cypher.load("execution/campaigns"), {"run": run})
    info = get_run(store, run)
    # due at once on the run's own clock
    at = str(info["now"]) if info.get("clock") == "simulated" and info.get("now") else now_iso()
    return [
        outbox.action_row(
            run=run,
            plan_item=str(r["plan_item"]),
            campaign=str(r["campaign"]),
            channel=str(r["channel"] or ""),
            kind=kind,
            step=step,
            scheduled_for="",
            seq=0,
        )
        | {"scheduled_for": at}
        for r in rows
        if r["status"] in statuses
    ]


def _set_status(
    store: GraphStore,
    run: str,
    *,
    allowed: tuple[str, ...],
    to: str,
    reason: str,
    actions: list[dict[str, Any]],
    finished: bool = False,
) -> bool:
    now = now_iso()
    rows = store.write(
        cypher.load("execution/set_run_status"),
        {
            "run": run,
            "from": list(allowed),
            "to": to,
            "reason": reason,
            "finished": now if finished else "",
            "actions": actions,
            "now": now,
        },
    )
    return bool(rows and rows[0]["ok"])


def _strategy_to(
    store: GraphStore, strategy: str, target: str, *, actor: str, details: dict[str, Any]
) -> bool:
    rows = store.read(cypher.load("governance/strategy_status"), {"uid": strategy})
    if not rows or rows[0]["status"] == target:
        return False
    from stratagraph.governance import states

    if not states.allowed(str(rows[0]["status"]), target):
        return False
    transition(
        store, strategy, target, actor=actor, details=details, expected=str(rows[0]["status"])
    )
    return True


def flush(store: GraphStore, settings: Settings, run: str, *, max_batches: int = 100) -> int:
    """Send a stopped run's pending pause actions now (nobody drives a paused run)."""
    from .dispatcher import Dispatcher

    info = get_run(store, run)
    now = str(info["now"]) if info.get("clock") == "simulated" and info.get("now") else now_iso()
    dispatcher = Dispatcher(store, settings, seed=int(info.get("seed") or 0))
    sent = 0
    try:
        for _ in range(max_batches):
            stats = dispatcher.step(run, now)
            sent += stats.sent
            if not stats.claimed or stats.killed:
                break
    finally:
        dispatcher.close()
    return sent


def pause_run(store: GraphStore, run: str, *, actor: str, reason: str = "paused") -> ControlOutcome:
    """Stop a running run: its campaigns are paused on their channels; nothing new is sent
    until `resume_run`."""
    info = get_run(store, run)
    step = f"pause:{now_iso()}"
    changed = _set_status(
        store,
        run,
        allowed=("running",),
        to="paused",
        reason=reason,
        actions=_campaign_actions(store, run, outbox.PAUSE, step),
    )
    strategy = str(info.get("strategy_uid"))
    if changed:
        _strategy_to(store, strategy, "paused", actor=actor, details={"run": run, "reason": reason})
        audit.record(store, actor, "execution.pause", run, {"reason": reason})
    return ControlOutcome(run, "paused" if changed else str(info.get("status")), changed, strategy)


def resume_run(
    store: GraphStore, run: str, *, actor: str, reason: str = "resumed"
) -> ControlOutcome:
    """Continue a paused run, after checking the strategy may still run (approval bound to
    the current content, conforming validation)."""
    info = get_run(store, run)
    strategy = str(info.get("strategy_uid"))
    if info.get("status") == "running":
        return ControlOutcome(run, "running", False, strategy)
    if info.get("status") != "paused":
        raise ExecutionRefused(
            f"run {run} is {info.get('status')}; only a paused run can be resumed",
            details={"run": run, "status": info.get("status")},
        )
    state = approval_status(store, strategy)
    if not state.approved:
        raise ExecutionRefused(
            f"run {run} cannot resume: strategy {strategy} may not run: "
            + "; ".join(state.reasons),
            details=state.as_dict(),
        )
    _strategy_to(store, strategy, "running", actor=actor, details={"run": run, "reason": reason})
    changed = _set_status(
        store,
        run,
        allowed=("paused",),
        to="running",
        reason=reason,
        actions=_campaign_actions(store, run, outbox.LAUNCH, f"resume:{now_iso()}"),
    )
    if changed:
        audit.record(store, actor, "execution.resume", run, {"reason": reason})
    return ControlOutcome(run, "running", changed, strategy)


def complete_run(store: GraphStore, run: str, *, actor: str) -> ControlOutcome:
    info = get_run(store, run)
    strategy = str(info.get("strategy_uid"))
    changed = _set_status(
        store,
        run,
        allowed=("running",),
        to="completed",
        reason="every flight day done",
        actions=[],
        finished=True,
    )
    if changed:
        _strategy_to(store, strategy, "completed", actor=actor, details={"run": run})
        audit.record(
            store,
            actor,
            "execution.complete",
            run,
            {"spent": info.get("spent"), "budget": info.get("budget")},
        )
    return ControlOutcome(run, "completed", changed, strategy)


def stop_run(store: GraphStore, run: str, *, to: str, actor: str, reason: str) -> ControlOutcome:
    """End a run for good (rolled_back or superseded): campaigns paused on their channels,
    actions no channel has seen cancelled, reservations released."""
    info = get_run(store, run)
    strategy = str(info.get("strategy_uid"))
    changed = _set_status(
        store,
        run,
        allowed=("running", "paused", "completed"),
        to=to,
        reason=reason,
        actions=_campaign_actions(store, run, outbox.PAUSE, f"{to}:{now_iso()}"),
        finished=True,
    )
    cancelled = outbox.cancel_actions(store, run, reason=to)
    return ControlOutcome(
        run, to if changed else str(info.get("status")), changed, strategy, cancelled=cancelled
    )


def supersede_lineage(store: GraphStore, strategy: str, run: str, *, actor: str) -> list[str]:
    """A new version started: pause the runs of older versions of the same lineage."""
    rows = store.read("MATCH (s:Strategy {uid: $uid}) RETURN s.lineage_key AS k", {"uid": strategy})
    key = rows[0]["k"] if rows else None
    if not key:
        return []
    paused = []
    for r in store.read(
        cypher.load("execution/lineage_runs"), {"lineage_key": key, "strategy": strategy}
    ):
        if r["status"] == "running":
            pause_run(store, str(r["run"]), actor=actor, reason=f"superseded by {run}")
            paused.append(str(r["run"]))
    return paused


def rollback_run(store: GraphStore, run: str, *, actor: str, reason: str = "") -> ControlOutcome:
    """Stop the run and put the previous approved version of its strategy back in place: its
    paused run is resumed, or, when it never ran, a run of it is started (the caller drives
    it). Without such a version everything stays stopped."""
    info = get_run(store, run)
    strategy = str(info.get("strategy_uid"))
    why = reason or "rollback"
    outcome = stop_run(store, run, to="rolled_back", actor=actor, reason=why)
    _strategy_to(store, strategy, "rolled_back", actor=actor, details={"run": run, "reason": why})
    for prev in store.read(cypher.load("execution/previous_versions"), {"uid": strategy}):
        uid = str(prev["uid"])
        if prev["status"] not in ("approved", "paused", "running"):
            outcome.notes.append(f"{uid} is {prev['status']}: not restored")
            continue
        state = approval_status(store, uid)
        if not state.approved:
            outcome.notes.append(f"{uid} may not run: {'; '.join(state.reasons)}")
            continue
        runs = store.read(cypher.load("execution/strategy_runs"), {"strategy": uid})
        live = [r for r in runs if r["status"] in ("paused", "running")]
        if live:
            if live[0]["status"] == "paused":
                resume_run(
                    store, str(live[0]["run"]), actor=actor, reason=f"restored by rollback of {run}"
                )
            outcome.restored = str(live[0]["run"])
        else:
            outcome.restored = f"run-{uid}"  # started by the caller (Executor.execute)
        outcome.restored_strategy = uid
        break
    audit.record(
        store,
        actor,
        "execution.rollback",
        run,
        {
            "strategy": strategy,
            "reason": why,
            "restored_strategy": outcome.restored_strategy,
            "restored_run": outcome.restored,
            "cancelled": outcome.cancelled,
            "notes": outcome.notes,
        },
    )
    if outcome.restored_strategy is None:
        outcome.notes.append("no earlier approved version: everything stays stopped")
    return outcome


def set_kill_switch(
    store: GraphStore, on: bool, *, actor: str, reason: str = "", run: str | None = None
) -> dict[str, Any]:
    """Turn the global (or one run's) kill switch on or off."""
    now = now_iso()
    if run is not None:
        get_run(store, run)
        store.write(
            cypher.load("execution/set_run_kill_switch"), {"run": run, "on": on, "now": now}
        )
    else:
        store.write(
            cypher.load("execution/set_kill_switch"),
            {"on": on, "actor": actor, "reason": reason, "now": now},
        )
    verb = "execution.kill_switch." + ("on" if on else "off")
    audit.record(store, actor, verb, run or "global", {"reason": reason})
    return {"scope": run or "global", "on": on, "at": now}


def kill_state(store: GraphStore, run: str = "") -> dict[str, Any]:
    return dict(store.read(cypher.load("execution/kill_state"), {"run": run})[0])
