"""The executor: starts a run of an approved strategy and drives it to the end.

`execute(strategy)` checks the governance gate (approved, content hash still bound to the
approval, latest validation conforming), moves the strategy to `running`, creates the Run and
drives it; `resume(run)` (and `execute` of a strategy whose run exists) takes over a run
after a crash. Driving is a loop of idempotent steps, each one statement that records a state
change together with the actions it causes:

- open day D: campaigns for items whose flight starts (with their launch actions), then the
  day's spend and send actions, marker `opened_through = D`;
- dispatch everything due at the run's clock (an in-process dispatcher; more may run in other
  processes: `stratagraph dispatch RUN`);
- close day D when its actions are settled and the day is over: measure actions (and end-of-
  flight pauses), marker `closed_through = D`; the measurements land as KPIObservations;
- guardrails at the end of each period; completion when every day is closed and settled;
- move the simulated clock to the next moment something is due (real runs sleep instead).

A process killed anywhere leaves the graph in a state one of these steps continues from;
actions keep their idempotency keys, so nothing is sent twice and nothing is lost.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from stratagraph import cypher
from stratagraph.governance import approval_status, audit, transition
from stratagraph.governance.errors import Refused
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.settings import Settings
from stratagraph.store import GraphStore

from . import clock, control, guardrails, outbox, pacing
from .adapters.registry import AdapterPool, create
from .clock import SIMULATED, iso, parse_time, wall_now
from .dispatcher import Dispatcher, DispatchStats, is_alive, worker_id
from .errors import ExecutionRefused
from .people import MESSAGE_BASES, local_day, quiet_hours, send_time
from .plan import Item, Plan, load_plan

ACTOR = "executor"
LEASE_S = 15.0
SPEND_OFFSET_S = 60  # spends go out a minute after the day's launches


def run_uid(strategy: str) -> str:
    return f"run-{strategy}"


@dataclass
class Progress:
    run: str
    status: str
    day: str | None
    days_closed: int
    days_total: int
    budget: float
    spent: float
    reserved: float
    dispatched: DispatchStats = field(default_factory=DispatchStats)


@dataclass
class RunOutcome:
    run: str
    strategy: str
    status: str
    created: bool = False
    resumed: bool = False
    dry_run: bool = False
    planned: list[dict[str, Any]] = field(default_factory=list)
    dispatched: DispatchStats = field(default_factory=DispatchStats)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "strategy": self.strategy,
            "status": self.status,
            "created": self.created,
            "resumed": self.resumed,
            "dry_run": self.dry_run,
            "planned_actions": len(self.planned),
            "dispatched": self.dispatched.__dict__,
            "seconds": round(self.seconds, 3),
        }


def _day_end(day: date, tz: str) -> datetime:
    return clock.day_start(day + timedelta(days=1), tz)


class Executor:
    def __init__(
        self,
        store: GraphStore,
        settings: Settings,
        *,
        actor: str = ACTOR,
        progress: Callable[[Progress], None] | None = None,
        worker: str | None = None,
        on_call: Callable[[outbox.Claimed], None] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.actor = actor
        self.progress = progress
        self.worker = worker or worker_id()
        self.on_call = on_call

    # ------------------------------------------------------------------------ starting

    def execute(
        self,
        strategy: str,
        *,
        dry_run: bool = False,
        clock_mode: str = "auto",
        seed: int = 0,
        drive: bool = True,
    ) -> RunOutcome:
        """Start (or continue) the run of an approved strategy; see the module doc."""
        started = time.monotonic()
        uid = run_uid(strategy)
        existing = self.store.read(cypher.load("execution/get_run"), {"uid": uid})
        if existing and not dry_run:
            status = str(existing[0]["run"].get("status"))
            if status == "running":
                outcome = self.resume(uid, drive=drive)
                outcome.seconds = time.monotonic() - started
                return outcome
            raise ExecutionRefused(
                f"strategy {strategy} already has run {uid}, which is {status}. "
                + (
                    f"Continue it with: stratagraph resume {uid}"
                    if status == "paused"
                    else "A finished run is not started again; propose and approve a new "
                    "version to run again."
                ),
                details={"run": uid, "status": status},
            )
        state = approval_status(self.store, strategy)
        if not state.may_execute:
            raise ExecutionRefused(
                f"strategy {strategy} may not run: "
                + "; ".join(state.reasons or (f"its status is {state.status}",)),
                details=state.as_dict(),
            )
        props = self.store.read(
            "MATCH (s:Strategy {uid: $uid}) RETURN properties(s) AS s", {"uid": strategy}
        )[0]["s"]
        plan = load_plan(self.store, strategy, dict(props))
        mode = self._clock_mode(plan, clock_mode)
        first = plan.first_day
        if mode == clock.REAL:
            today = clock.local_date(wall_now(), plan.timezone)
            first = max(first, today)
            if first > plan.last_day:
                raise ExecutionRefused(
                    f"every flight of strategy {strategy} ended before today "
                    f"({today.isoformat()}, {plan.timezone}); a real-clock run cannot go back "
                    "in time. Run it on the simulated clock (--clock simulated) or plan new "
                    "dates."
                )
            plan.trim(first)
        if dry_run:
            planned = self.preview(plan, mode, first)
            return RunOutcome(
                uid,
                strategy,
                "dry-run",
                dry_run=True,
                planned=planned,
                seconds=time.monotonic() - started,
            )
        if state.status != "running":
            transition(
                self.store,
                strategy,
                "running",
                actor=self.actor,
                details={"run": uid, "content_hash": state.content_hash},
                expected=state.status,
            )
        run_props = {
            "uid": uid,
            "status": "running",
            "strategy_uid": strategy,
            "budget": plan.budget,
            "reserved": 0.0,
            "spent": 0.0,
            "started_at": now_iso(),
            "content_hash": state.content_hash,
            "clock": mode,
            "now": iso(clock.day_start(first, plan.timezone)) if mode == SIMULATED else now_iso(),
            "first_day": first.isoformat(),
            "last_day": plan.last_day.isoformat(),
            "market_timezone": plan.timezone,
            "kill_switch": False,
            "seed": seed,
            "actor": self.actor,
            "lock_n": 0,
        }
        self.store.write(
            cypher.load("execution/create_run"),
            {"strategy": strategy, "uid": uid, "props": run_props, "now": now_iso()},
        )
        audit.record(
            self.store,
            self.actor,
            "execution.start",
            uid,
            {
                "strategy": strategy,
                "budget": plan.budget,
                "clock": mode,
                "items": len(plan.items),
                "content_hash": state.content_hash,
            },
        )
        control.supersede_lineage(self.store, strategy, uid, actor=self.actor)
        outcome = RunOutcome(uid, strategy, "running", created=True)
        if drive:
            outcome = self.drive(uid, outcome)
        outcome.seconds = time.monotonic() - started
        return outcome

    def _clock_mode(self, plan: Plan, requested: str) -> str:
        if requested in (clock.SIMULATED, clock.REAL):
            return requested
        if requested != "auto":
            raise ExecutionRefused(f"--clock must be auto, simulated or real, not {requested!r}")
        adapters = {i.adapter for i in plan.items}
        return SIMULATED if adapters <= {"simulator"} else clock.REAL

    def resume(self, run: str, *, drive: bool = True) -> RunOutcome:
        """Take over a run (after a crash, or to drive it from another process)."""
        row = self._run(run)
        status = str(row.get("status"))
        strategy = str(row.get("strategy_uid"))
        if status == "paused":
            control.resume_run(self.store, run, actor=self.actor)
        elif status != "running":
            raise ExecutionRefused(
                f"run {run} is {status}; only running or paused runs can be resumed",
                details={"run": run, "status": status},
            )
        outcome = RunOutcome(run, strategy, "running", resumed=True)
        return self.drive(run, outcome) if drive else outcome

    # ------------------------------------------------------------------------ driving

    def _run(self, run: str) -> dict[str, Any]:
        rows = self.store.read(cypher.load("execution/get_run"), {"uid": run})
        if not rows:
            from stratagraph.errors import NotFound

            raise NotFound(f"no run {run!r}; list runs with `stratagraph runs`")
        return dict(rows[0]["run"])

    def _take_lease(self, run: str, holder: str | None) -> None:
        dead = [holder] if holder and is_alive(holder) is False else []
        rows = self.store.write(
            cypher.load("execution/take_executor"),
            {
                "run": run,
                "me": self.worker,
                "until": iso(wall_now() + timedelta(seconds=LEASE_S)),
                "now": now_iso(),
                "dead": dead,
            },
        )
        if not rows or not rows[0]["ok"]:
            other = rows[0]["executor"] if rows else "?"
            raise ExecutionRefused(
                f"run {run} is being driven by {other} (lease until "
                f"{rows[0]['until'] if rows else '?'}); stop that process or wait for its lease "
                "to run out",
                details={"run": run, "executor": other},
            )

    def recover(self, run: str) -> int:
        """Hand the in-flight actions of dead dispatchers back to the queue."""
        dead = [
            str(r["worker"])
            for r in outbox.stale_workers(self.store, run)
            if r["worker"] and r["worker"] != self.worker and is_alive(str(r["worker"])) is False
        ]
        return outbox.recover(self.store, run, dead)

    def drive(self, run: str, outcome: RunOutcome | None = None) -> RunOutcome:
        row = self._run(run)
        strategy = str(row.get("strategy_uid"))
        outcome = outcome or RunOutcome(run, strategy, str(row.get("status")))
        self._take_lease(run, row.get("executor"))
        props = self.store.read(
            "MATCH (s:Strategy {uid: $uid}) RETURN properties(s) AS s", {"uid": strategy}
        )[0]["s"]
        plan = load_plan(self.store, strategy, dict(props))
        plan.trim(date.fromisoformat(str(row["first_day"])))
        dispatcher = Dispatcher(
            self.store,
            self.settings,
            worker=self.worker,
            pool=AdapterPool(self.settings),
            seed=int(row.get("seed") or 0),
            on_call=self.on_call,
        )
        self.recover(run)
        last_lease = time.monotonic()
        last_recover = time.monotonic()
        try:
            while True:
                if time.monotonic() - last_lease > LEASE_S / 3:
                    self._take_lease(run, None)
                    last_lease = time.monotonic()
                if time.monotonic() - last_recover > 5.0:
                    self.recover(run)
                    last_recover = time.monotonic()
                row = self._run(run)
                status = str(row.get("status"))
                if status != "running":
                    outcome.status = status
                    break
                now = self._now(row)
                self._open_days(plan, row, now)
                stats = self._dispatch(dispatcher, run, now)
                outcome.dispatched.add(stats)
                row = self._run(run)
                unsettled = self._unsettled(run)
                self._close_days(plan, row, now, unsettled)
                row = self._run(run)
                guardrails.check_run(
                    self.store, self.settings, run, row, unsettled, actor=self.actor
                )
                if self._finished(row, unsettled):
                    control.complete_run(self.store, run, actor=self.actor)
                    outcome.status = "completed"
                    self._report(run, row, outcome.dispatched)
                    break
                self._report(run, row, outcome.dispatched)
                if stats.killed or (stats.retried and not stats.sent):
                    time.sleep(0.1)
                    continue
                self._advance(plan, row, now)
        finally:
            dispatcher.close()
            self.store.write(
                cypher.load("execution/release_executor"), {"run": run, "me": self.worker}
            )
        return outcome

    def _now(self, row: dict[str, Any]) -> datetime:
        if row.get("clock") == SIMULATED and row.get("now"):
            return parse_time(str(row["now"]))
        return wall_now()

    def _dispatch(self, dispatcher: Dispatcher, run: str, now: datetime) -> DispatchStats:
        total = DispatchStats()
        while True:
            stats = dispatcher.step(run, iso(now))
            total.add(stats)
            if stats.killed or not stats.claimed:
                return total
            if stats.retried and not stats.sent:
                return total

    def _unsettled(self, run: str) -> dict[str, dict[bool, int]]:
        out: dict[str, dict[bool, int]] = {}
        for r in self.store.read(cypher.load("execution/unsettled_days"), {"run": run}):
            out.setdefault(str(r["day"]), {})[bool(r["measure"])] = int(r["actions"])
        return out

    def _finished(self, row: dict[str, Any], unsettled: dict[str, dict[bool, int]]) -> bool:
        last = str(row.get("last_day"))
        if row.get("closed_through") != last:
            return False
        if unsettled:
            return False
        nxt = self.store.read(cypher.load("execution/next_due"), {"run": str(row["uid"])})
        return not (nxt and int(nxt[0]["pending"] or 0))

    def _report(self, run: str, row: dict[str, Any], stats: DispatchStats) -> None:
        if self.progress is None:
            return
        first = date.fromisoformat(str(row["first_day"]))
        last = date.fromisoformat(str(row["last_day"]))
        closed = row.get("closed_through")
        done = (date.fromisoformat(str(closed)) - first).days + 1 if closed else 0
        self.progress(
            Progress(
                run=run,
                status=str(row.get("status")),
                day=str(row.get("opened_through") or ""),
                days_closed=done,
                days_total=(last - first).days + 1,
                budget=float(row.get("budget") or 0.0),
                spent=float(row.get("spent") or 0.0),
                reserved=float(row.get("reserved") or 0.0),
                dispatched=stats,
            )
        )

    # ------------------------------------------------------------------------ days

    def _day_actions(
        self,
        plan: Plan,
        run: str,
        day: date,
        committed: dict[str, float],
        campaigns: dict[str, str],
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(campaigns to start with their launch, the day's spend and send actions)."""
        tz = plan.timezone
        start = clock.day_start(day, tz)
        starts: list[dict[str, Any]] = []
        actions: list[dict[str, Any]] = []
        base_seq = ((day - plan.first_day).days + 1) * 1_000_000
        for item in plan.items:
            if day not in item.flight:
                continue
            status = campaigns.get(item.campaign)
            if status is None:
                if day != item.flight[0]:
                    continue  # it should have started earlier; a late start keeps its pacing
                starts.append(self._launch(run, item, start, base_seq))
            elif status != "live":
                continue  # paused by a guardrail or ended
            free = item.budget - committed.get(item.campaign, 0.0)
            amount = pacing.day_amount(free, item.flight, day, item.pacing)
            actions += self._item_day(run, item, day, amount, start, base_seq)
        return starts, actions

    def _launch(self, run: str, item: Item, start: datetime, base_seq: int) -> dict[str, Any]:
        return {
            "item": item.uid,
            "campaign": item.campaign,
            "campaign_props": {
                "uid": item.campaign,
                "name": f"{item.uid} on {item.channel_uid}",
                "channel": item.channel_uid,
                "status": "live",
                "budget": item.budget,
                "spend": 0.0,
                "reserved": 0.0,
                "start": item.flight[0].isoformat(),
                "end": item.flight[-1].isoformat(),
                "run_uid": run,
                "plan_item_uid": item.uid,
                "drift_periods": 0,
            },
            "action": _item_action(
                run,
                item,
                kind=outbox.LAUNCH,
                step="launch",
                scheduled_for=iso(start + timedelta(seconds=item.order)),
                day=item.flight[0].isoformat(),
                seq=base_seq + item.order,
            ),
        }

    def _item_day(
        self, run: str, item: Item, day: date, amount: float, start: datetime, base_seq: int
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        seq = base_seq + 1000 + item.order * 1000
        remaining = amount
        adapter = create(item.channel, self.settings) if item.is_message else None
        if item.is_message and adapter is not None and adapter.individual_sends:
            contacts = self.store.read(
                cypher.load("execution/eligible_contacts"),
                {
                    "audience": item.audience or "",
                    "channel": item.channel_uid,
                    "bases": list(MESSAGE_BASES),
                },
            )
            quiet = quiet_hours(item.channel)
            unit = item.unit_cost
            for c in contacts:
                if unit > 0 and remaining + 1e-9 < unit:
                    break
                tz = str(c["timezone"] or plan_tz(item))
                at = send_time(day, tz, self.settings.send_hour, quiet)
                seq += 1
                rows.append(
                    _item_action(
                        run,
                        item,
                        kind=outbox.SEND,
                        step=f"send:{day.isoformat()}:{c['uid']}",
                        scheduled_for=iso(at),
                        amount=unit,
                        day=day.isoformat(),
                        contact=str(c["uid"]),
                        local_day=local_day(at, tz).isoformat(),
                        seq=seq,
                    )
                )
                remaining = round(remaining - unit, 4)
        bulk = adapter.bulk_budget if adapter is not None else True
        if bulk and remaining >= 0.01:
            rows.append(
                _item_action(
                    run,
                    item,
                    kind=outbox.SPEND,
                    step=f"spend:{day.isoformat()}",
                    scheduled_for=iso(start + timedelta(seconds=SPEND_OFFSET_S)),
                    amount=math.floor(remaining * 100 + 1e-6) / 100,
                    day=day.isoformat(),
                    seq=base_seq + 500 + item.order,
                )
            )
        if adapter is not None:
            adapter.close()
        return rows

    def _campaigns(self, run: str) -> dict[str, str]:
        rows = self.store.read(cypher.load("execution/campaigns"), {"run": run})
        return {str(r["campaign"]): str(r["status"]) for r in rows}

    def _committed(self, run: str) -> dict[str, float]:
        rows = self.store.read(cypher.load("execution/campaign_commitments"), {"run": run})
        return {str(r["campaign"]): float(r["committed"] or 0.0) for r in rows}

    def _open_days(self, plan: Plan, row: dict[str, Any], now: datetime) -> None:
        run = str(row["uid"])
        last = date.fromisoformat(str(row["last_day"]))
        opened = row.get("opened_through")
        day = (
            date.fromisoformat(str(opened)) + timedelta(days=1)
            if opened
            else date.fromisoformat(str(row["first_day"]))
        )
        while day <= last and clock.day_start(day, plan.timezone) <= now:
            campaigns = self._campaigns(run)
            committed = self._committed(run)
            starts, actions = self._day_actions(plan, run, day, committed, campaigns)
            outbox.start_campaigns(self.store, run, starts)
            if not outbox.enqueue(self.store, run, actions, opened=day.isoformat()):
                return  # the run stopped meanwhile (or another process opened the day)
            day += timedelta(days=1)

    def _close_days(
        self,
        plan: Plan,
        row: dict[str, Any],
        now: datetime,
        unsettled: dict[str, dict[bool, int]],
    ) -> None:
        run = str(row["uid"])
        opened = row.get("opened_through")
        if not opened:
            return
        closed = row.get("closed_through")
        day = (
            date.fromisoformat(str(closed)) + timedelta(days=1)
            if closed
            else date.fromisoformat(str(row["first_day"]))
        )
        campaigns = self._campaigns(run)
        while day <= date.fromisoformat(str(opened)):
            if _day_end(day, plan.timezone) > now or unsettled.get(day.isoformat(), {}).get(False):
                return
            end = _day_end(day, plan.timezone)
            actions: list[dict[str, Any]] = []
            ended: list[str] = []
            for item in plan.items:
                status = campaigns.get(item.campaign)
                if status is None or day not in item.flight or day < item.flight[0]:
                    continue
                if status == "live" or (status == "paused" and day == item.flight[-1]):
                    actions.append(_measure_action(run, item, day, end))
                if day == item.flight[-1] and status == "live":
                    ended.append(item.campaign)
                    actions.append(_end_action(run, item, end))
            if not outbox.enqueue(self.store, run, actions, closed=day.isoformat()):
                return
            if ended:
                self.store.write(
                    cypher.load("execution/set_campaign_status"),
                    {"campaigns": ended, "from": ["live"], "to": "ended", "now": now_iso()},
                )
            day += timedelta(days=1)

    def _advance(self, plan: Plan, row: dict[str, Any], now: datetime) -> None:
        """Simulated runs: move the clock to the next moment something is due. Real runs:
        sleep until then (at most a second, so control changes are seen)."""
        run = str(row["uid"])
        row = self._run(run)
        candidates: list[datetime] = []
        nxt = self.store.read(cypher.load("execution/next_due"), {"run": run})
        if nxt and nxt[0]["next_due"]:
            due = parse_time(str(nxt[0]["next_due"]))
            if due <= now:
                return  # written after this round's dispatch: send it before time moves
            candidates.append(due)
        last = date.fromisoformat(str(row["last_day"]))
        opened = row.get("opened_through")
        next_open = date.fromisoformat(str(opened)) + timedelta(days=1) if opened else None
        if next_open and next_open <= last:
            candidates.append(clock.day_start(next_open, plan.timezone))
        closed = row.get("closed_through")
        next_close = (
            date.fromisoformat(str(closed)) + timedelta(days=1)
            if closed
            else date.fromisoformat(str(row["first_day"]))
        )
        if opened and next_close <= date.fromisoformat(str(opened)):
            candidates.append(_day_end(next_close, plan.timezone))
        future = [c for c in candidates if c > now]
        if row.get("clock") != SIMULATED:
            wait = (min(future) - wall_now()).total_seconds() if future else 1.0
            time.sleep(min(max(wait, 0.01), 1.0))
            return
        if not future:
            time.sleep(0.02)  # waiting for actions in flight elsewhere: let them settle
            return
        target = min(future)
        self.store.write(
            cypher.load("execution/advance_clock"),
            {"run": run, "from": iso(now), "to": iso(target)},
        )

    # ------------------------------------------------------------------------ dry run

    def preview(self, plan: Plan, mode: str, first: date) -> list[dict[str, Any]]:
        """Every action the run would take if every call succeeded, in order."""
        run = run_uid(plan.strategy)
        out: list[dict[str, Any]] = []
        committed: dict[str, float] = {}
        campaigns: dict[str, str] = {}
        for day in clock.days(first, plan.last_day):
            starts, actions = self._day_actions(plan, run, day, committed, campaigns)
            for s in starts:
                campaigns[s["campaign"]] = "live"
                out.append(s["action"])
            for a in actions:
                committed[a["campaign_uid"]] = committed.get(a["campaign_uid"], 0.0) + a["amount"]
            out += actions
            end = _day_end(day, plan.timezone)
            for item in plan.items:
                if item.campaign in campaigns and day in item.flight:
                    out.append(_measure_action(run, item, day, end))
                    if day == item.flight[-1]:
                        out.append(_end_action(run, item, end))
        out.sort(key=lambda a: (a["scheduled_for"], a["seq"]))
        return out


def _item_action(run: str, item: Item, **fields: Any) -> dict[str, Any]:
    """An outbox action of one plan item's campaign on its channel."""
    return outbox.action_row(
        run=run, plan_item=item.uid, campaign=item.campaign, channel=item.channel_uid, **fields
    )


def _measure_action(run: str, item: Item, day: date, end: datetime) -> dict[str, Any]:
    """The day's measurement of one campaign, due when the day ends in the plan's zone."""
    return _item_action(
        run,
        item,
        kind=outbox.MEASURE,
        step=f"measure:{day.isoformat()}",
        scheduled_for=iso(end),
        day=day.isoformat(),
        seq=0,
    )


def _end_action(run: str, item: Item, end: datetime) -> dict[str, Any]:
    """Ends a campaign a second after its last day's measurement."""
    return _item_action(
        run,
        item,
        kind=outbox.PAUSE,
        step="end",
        scheduled_for=iso(end + timedelta(seconds=1)),
        seq=1,
    )


def plan_tz(item: Item) -> str:
    return str(item.market.get("timezone") or "UTC")


__all__ = ["Executor", "Progress", "Refused", "RunOutcome", "run_uid"]
