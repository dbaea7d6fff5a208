"""The dispatcher: claims due actions from the outbox and makes the channel calls.

One step handles one batch:

1. claim up to `dispatch_batch` due actions (one statement; nothing while a kill switch is on);
2. sends: hold those inside the contact's quiet hours to the next allowed window; pass the
   rest through the people gate (consent not withdrawn, frequency cap) - one statement;
3. reserve the budget and mark the batch `sending`, all or nothing (one statement; one
   action at a time when the batch as a whole does not fit);
4. call the adapters, checking before every call that no kill switch is on and the run is
   still running (a view at most `kill_switch_poll_s` old);
5. write the KPI observations of measure actions (idempotent), then acknowledge the batch:
   cost charged, reservation released, actions settled (one statement).

Several dispatchers (threads or processes) may work on one run at once.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from stratagraph import cypher
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.settings import Settings
from stratagraph.store import GraphStore

from . import budget, outbox
from .adapters.base import FAILED, RETRY, SENT, CallResult, ChannelCall, Metrics
from .adapters.registry import AdapterPool
from .clock import iso, parse_time, wall_now
from .outbox import Claimed
from .people import MESSAGE_BASES, frequency_cap, local_day, quiet_hours


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def is_alive(worker: str | None) -> bool | None:
    """True/False for a worker of this host, None when it lives elsewhere (unknown)."""
    if not worker:
        return False
    parts = worker.split(":")
    if len(parts) < 2 or parts[0] != socket.gethostname():
        return None
    try:
        pid = int(parts[1])
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    held: int = 0
    retried: int = 0
    released: int = 0
    killed: bool = False
    by_kind: dict[str, int] = field(default_factory=dict)

    def add(self, other: DispatchStats) -> None:
        for name in ("claimed", "sent", "failed", "skipped", "held", "retried", "released"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.killed = self.killed or other.killed
        for k, v in other.by_kind.items():
            self.by_kind[k] = self.by_kind.get(k, 0) + v


@dataclass
class _KillView:
    at: float = -1.0
    stopped: bool = False
    killed: bool = False
    reason: str = ""


class Dispatcher:
    """Sends the due actions of runs. `now` is the run's clock (simulated or wall)."""

    def __init__(
        self,
        store: GraphStore,
        settings: Settings,
        *,
        worker: str | None = None,
        pool: AdapterPool | None = None,
        seed: int = 0,
        on_call: Callable[[Claimed], None] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.worker = worker or worker_id()
        self.pool = pool or AdapterPool(settings)
        self.seed = seed
        self.on_call = on_call  # test hook: runs before every channel call
        self._context: dict[tuple[str, str], dict[str, Any]] = {}
        self._kill: dict[str, _KillView] = {}

    def close(self) -> None:
        self.pool.close()

    # ------------------------------------------------------------------------ kill switch

    def stopped(self, run: str, kind: str, *, fresh: bool = False) -> str:
        """Why channel calls must stop now ('' when they may go on)."""
        view = self._kill.setdefault(run, _KillView())
        if fresh or time.monotonic() - view.at > self.settings.kill_switch_poll_s:
            row = self.store.read(cypher.load("execution/kill_state"), {"run": run})[0]
            view.at = time.monotonic()
            view.killed = bool(row["global_on"] or row["run_on"])
            if row["global_on"]:
                view.stopped, view.reason = True, "global kill switch"
            elif row["run_on"]:
                view.stopped, view.reason = True, "kill switch of the run"
            elif row["run_status"] != "running":
                view.stopped, view.reason = True, f"run is {row['run_status']}"
            else:
                view.stopped, view.reason = False, ""
        if not view.stopped:
            return ""
        if not view.killed and kind == outbox.PAUSE:
            return ""  # pausing a channel is always allowed unless a kill switch is on
        return view.reason

    # ------------------------------------------------------------------------ context

    def _load_context(self, claimed: Sequence[Claimed]) -> None:
        want_channels = {a.channel for a in claimed if ("channel", a.channel) not in self._context}
        want_contacts = {
            a.contact for a in claimed if a.contact and ("contact", a.contact) not in self._context
        }
        want_campaigns = {
            a.campaign for a in claimed if ("campaign", a.campaign) not in self._context
        }
        if not (want_channels or want_contacts or want_campaigns):
            return
        rows = self.store.read(
            cypher.load("execution/dispatch_context"),
            {
                "channels": sorted(want_channels),
                "contacts": sorted(want_contacts),
                "campaigns": sorted(want_campaigns),
            },
        )
        for c in want_campaigns:
            self._context[("campaign", c)] = {}
        for row in rows:
            kind, uid, props = str(row["kind"]), str(row["uid"]), dict(row["props"] or {})
            if kind in ("asset", "audience", "plan"):
                self._context[("campaign", uid)][kind] = props
            else:
                self._context[(kind, uid)] = props
        for c in want_channels:
            self._context.setdefault(("channel", c), {"uid": c})

    def channel(self, uid: str) -> dict[str, Any]:
        return self._context.get(("channel", uid), {"uid": uid})

    def contact(self, uid: str | None) -> dict[str, Any] | None:
        return self._context.get(("contact", uid)) if uid else None

    def campaign(self, uid: str) -> dict[str, Any]:
        return self._context.get(("campaign", uid), {})

    # ------------------------------------------------------------------------ one batch

    def step(self, run: str, now: str, *, limit: int | None = None) -> DispatchStats:
        stats = DispatchStats()
        if self.stopped(run, outbox.PAUSE, fresh=True):  # a kill switch is on
            stats.killed = True
            return stats
        lease = iso(wall_now() + timedelta(seconds=self.settings.action_lease_s))
        claimed = outbox.claim(
            self.store,
            run,
            self.worker,
            now=now,
            lease=lease,
            limit=limit or self.settings.dispatch_batch,
        )
        stats.claimed = len(claimed)
        if not claimed:
            return stats
        self._load_context(claimed)
        ready = self._people(claimed, now, stats)
        ready = self._reserve(run, ready, stats)
        results, observations = self._call(run, ready, stats)
        if observations:
            self.store.write(
                cypher.load("execution/record_observations"),
                {"rows": observations, "now": now_iso()},
            )
        outbox.ack(self.store, run, self.worker, results)
        return stats

    def _people(self, claimed: list[Claimed], now: str, stats: DispatchStats) -> list[Claimed]:
        moment = parse_time(now)
        sends = [a for a in claimed if a.kind == outbox.SEND]
        if not sends:
            return claimed
        held: list[dict[str, Any]] = []
        gate: list[dict[str, Any]] = []
        later: list[dict[str, Any]] = []
        groups: set[tuple[str, str, str]] = set()
        for a in sends:
            channel = self.channel(a.channel)
            contact = self.contact(a.contact) or {}
            tz = str(contact.get("timezone") or "UTC")
            quiet = quiet_hours(channel)
            allowed = quiet.next_allowed(moment, tz)
            if allowed > moment:
                held.append({"uid": a.uid, "scheduled_for": iso(allowed), "error": "quiet_hours"})
                continue
            group = (str(a.contact), a.channel, a.local_day or local_day(moment, tz).isoformat())
            if group in groups:
                later.append({"uid": a.uid, "scheduled_for": None, "error": None})
                continue
            groups.add(group)
            plan = self.campaign(a.campaign).get("plan", {})
            gate.append(
                {
                    "uid": a.uid,
                    "contact": a.contact,
                    "channel": a.channel,
                    "local_day": group[2],
                    "cap": frequency_cap(plan, channel),
                    "retry": a.reserved,
                }
            )
        stats.held += len(held)
        stats.released += outbox.release(self.store, self.worker, held + later)
        verdicts: dict[str, str] = {}
        if gate:
            rows = self.store.write(
                cypher.load("execution/gate_sends"),
                {
                    "worker": self.worker,
                    "sends": gate,
                    "bases": list(MESSAGE_BASES),
                    "now": now_iso(),
                },
            )
            verdicts = {str(r["uid"]): str(r["verdict"]) for r in rows}
        stats.skipped += sum(1 for v in verdicts.values() if v != "ok")
        return [a for a in claimed if a.kind != outbox.SEND or verdicts.get(a.uid) == "ok"]

    def _reserve(self, run: str, ready: list[Claimed], stats: DispatchStats) -> list[Claimed]:
        if not ready:
            return []
        whole = budget.commit(self.store, run, self.worker, [a.uid for a in ready])
        if whole.ok:
            return ready
        fitted: list[Claimed] = []
        refused: list[str] = []
        for a in ready:
            if budget.commit(self.store, run, self.worker, [a.uid]).ok:
                fitted.append(a)
            else:
                refused.append(a.uid)
        stats.skipped += outbox.skip(
            self.store, self.worker, refused, status=outbox.SKIPPED, error="budget"
        )
        return fitted

    def _call(
        self, run: str, ready: list[Claimed], stats: DispatchStats
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        results: list[dict[str, Any]] = []
        observations: list[dict[str, Any]] = []
        unsent: list[dict[str, Any]] = []
        for n, a in enumerate(ready):
            reason = self.stopped(run, a.kind)
            if reason:
                stats.killed = True
                unsent = [{"uid": b.uid, "scheduled_for": None, "error": reason} for b in ready[n:]]
                break
            if self.on_call is not None:
                self.on_call(a)
            result, metrics = self._invoke(run, a)
            if metrics is not None:
                observations.append(self._observation(a, metrics))
            if result.status == RETRY:
                stats.retried += 1
                due = parse_time(a.scheduled_for) + timedelta(seconds=max(result.retry_after_s, 1))
                results.append(self._result(a, result, scheduled_for=iso(due)))
                continue
            stats.sent += result.status == SENT
            stats.failed += result.status == FAILED
            stats.by_kind[a.kind] = stats.by_kind.get(a.kind, 0) + 1
            results.append(self._result(a, result))
        if unsent:
            stats.released += outbox.release(self.store, self.worker, unsent)
        return results, observations

    def _result(
        self, a: Claimed, result: CallResult, *, scheduled_for: str | None = None
    ) -> dict[str, Any]:
        cost = max(0.0, min(float(result.cost), a.amount))
        detail = json.dumps(result.detail, default=str, sort_keys=True)[:2000]
        return {
            "uid": a.uid,
            "status": result.status,
            "cost": round(cost, 4),
            "result": detail,
            "error": result.error,
            "scheduled_for": scheduled_for,
        }

    def _invoke(self, run: str, a: Claimed) -> tuple[CallResult, Metrics | None]:
        channel = self.channel(a.channel)
        campaign = self.campaign(a.campaign)
        adapter = self.pool.get(channel)
        call = ChannelCall(
            key=a.key,
            kind=a.kind,
            run=run,
            campaign=a.campaign,
            plan_item=a.plan_item,
            channel=channel,
            amount=a.amount,
            day=a.day,
            scheduled_for=a.scheduled_for,
            contact=self.contact(a.contact),
            asset=campaign.get("asset"),
            audience=campaign.get("audience"),
            plan=campaign.get("plan", {}),
            seed=self.seed,
        )
        if a.kind == outbox.LAUNCH:
            return adapter.launch(call), None
        if a.kind == outbox.PAUSE:
            return adapter.pause(call), None
        if a.kind == outbox.SPEND:
            return adapter.update_budget(call), None
        if a.kind == outbox.SEND:
            return adapter.send(call), None
        if a.kind == outbox.MEASURE:
            rows = self.store.read(
                cypher.load("execution/campaign_spend"),
                {"campaign": a.campaign, "through": a.day or ""},
            )
            spend = {str(r["day"]): float(r["cost"] or 0.0) for r in rows}
            messages = {str(r["day"]): int(r["messages"] or 0) for r in rows}
            call = ChannelCall(
                **{**call.__dict__, "spend_by_day": spend, "messages_by_day": messages}
            )
            metrics = adapter.fetch_metrics(call)
            return CallResult(SENT, 0.0, {"measured": a.day}), metrics
        return CallResult(FAILED, error=f"unknown action kind {a.kind!r}"), None

    def _observation(self, a: Claimed, metrics: Metrics) -> dict[str, Any]:
        campaign = self.campaign(a.campaign)
        geo = str((campaign.get("audience") or {}).get("market") or "")
        props: dict[str, Any] = {
            "uid": f"kpi-{a.campaign}-{a.day}",
            "kind": "campaign",
            "period_start": a.day,
            "period_end": a.day,
            **metrics.as_props(),
        }
        if geo:
            props["geo"] = geo
        return {"uid": props["uid"], "action": a.uid, "campaign": a.campaign, "props": props}


def drain(
    store: GraphStore,
    settings: Settings,
    run: str,
    *,
    until_idle: bool = True,
    worker: str | None = None,
    idle_s: float = 1.0,
    max_s: float | None = None,
    progress: Callable[[DispatchStats], None] | None = None,
) -> DispatchStats:
    """A standalone dispatcher (`stratagraph dispatch`): send what is due at the run's clock
    until nothing is (`until_idle`), or keep polling until the run finishes."""
    total = DispatchStats()
    dispatcher = Dispatcher(store, settings, worker=worker)
    started = time.monotonic()
    idle_since: float | None = None
    try:
        while max_s is None or time.monotonic() - started < max_s:
            row = store.read(cypher.load("execution/get_run"), {"uid": run})
            if not row:
                break
            info = row[0]["run"]
            if info.get("status") in ("completed", "rolled_back", "superseded"):
                break
            now = str(info.get("now")) if info.get("clock") == "simulated" else now_iso()
            stats = dispatcher.step(run, now)
            total.add(stats)
            if progress is not None:
                progress(total)
            if stats.claimed:
                idle_since = None
                continue
            idle_since = idle_since or time.monotonic()
            if until_idle and time.monotonic() - idle_since >= idle_s:
                break
            time.sleep(0.05)
    finally:
        dispatcher.close()
    return total
