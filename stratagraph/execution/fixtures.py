"""Small approved strategies for tests, benchmarks and examples: a market, one audience with
contacts (consent, time zones), channels with adapters, and plan items over a flight, written
as a plan document and approved through the real governance workflow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from stratagraph.governance import add_actor, approval_status, submit
from stratagraph.governance.plans import plan_document, write_plan
from stratagraph.store import GraphStore

TIMEZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/Lisbon")


@dataclass
class ChannelSpec:
    uid: str
    kind: str = "email"
    adapter: str = "simulator"
    endpoint: str | None = None
    unit_cost: float = 0.01
    frequency_cap: int | None = 2
    quiet_hours: tuple[int, int] | None = (22, 8)
    max_daily_budget: float = 5000.0


@dataclass
class ItemSpec:
    uid: str
    channel: str
    budget: float
    days: int = 7
    start_offset: int = 0
    pacing: str = "even"
    depends_on: list[str] = field(default_factory=list)
    forecast: dict[str, float] = field(default_factory=dict)


def build_strategy(
    store: GraphStore,
    *,
    uid: str = "s-exec",
    channels: list[ChannelSpec],
    items: list[ItemSpec],
    contacts: int = 10,
    start: date = date(2027, 3, 1),
    timezones: tuple[str, ...] = TIMEZONES,
    approve: bool = True,
    version: int = 1,
    lineage: str | None = None,
    supersedes: str | None = None,
    spend: float | None = None,
) -> str:
    """Write the strategy (status proposed) and, with `approve`, submit it; it is approved
    automatically when small and low-risk (the default thresholds), as the tests need."""
    p = uid
    total = sum(i.budget for i in items)
    last = max(start + timedelta(days=i.start_offset + i.days - 1) for i in items)
    nodes: dict[str, list[dict[str, Any]]] = {
        "Market": [
            {
                "uid": "m-x",
                "code": "XX",
                "name": "Test market",
                "currency": "EUR",
                "locale": "de-DE",
                "timezone": "Europe/Berlin",
                "spend_cap": 1e9,
            }
        ],
        "Goal": [
            {
                "uid": f"{p}-goal",
                "name": "test goal",
                "kpi": "conversions",
                "target": 100.0,
                "budget": max(total, spend or 0) * 2,
                "window_start": start.isoformat(),
                "window_end": last.isoformat(),
                "market": "XX",
            }
        ],
        "Strategy": [
            {
                "uid": uid,
                "name": f"{uid} test",
                "version": version,
                "lineage_key": lineage or uid,
                "status": "proposed",
                "objective": "max_outcome",
                "spend": spend if spend is not None else total,
                "risk_score": 10.0,
                "maker": "planner",
            }
        ],
        "Audience": [
            {"uid": "a-x", "name": "Test audience", "size": 50000, "market": "XX", "pii_free": True}
        ],
        "Channel": [],
        "Asset": [],
        "PlanItem": [],
        "Contact": [
            {
                "uid": f"ctc-{n:04d}",
                "email": f"person{n}@example.com",
                "name": f"Person {n}",
                "timezone": timezones[n % len(timezones)],
                "market": "XX",
            }
            for n in range(contacts)
        ],
    }
    rels: list[list[Any]] = [
        ["IN_MARKET", f"{p}-goal", "m-x"],
        ["IN_MARKET", "a-x", "m-x"],
        ["FOR_GOAL", uid, f"{p}-goal"],
    ]
    if supersedes:
        rels.append(["SUPERSEDES", uid, f"Strategy:{supersedes}"])
    for ch in channels:
        props: dict[str, Any] = {
            "uid": ch.uid,
            "name": ch.uid,
            "kind": ch.kind,
            "cost_model": "per_message" if ch.kind in ("email", "sms", "push") else "cpm",
            "unit_cost": ch.unit_cost,
            "adapter": ch.adapter,
            "max_daily_budget": ch.max_daily_budget,
            "currency": "EUR",
        }
        if ch.endpoint:
            props["endpoint"] = ch.endpoint
        if ch.frequency_cap is not None:
            props["frequency_cap"] = ch.frequency_cap
        if ch.quiet_hours is not None:
            props["quiet_hours_start"], props["quiet_hours_end"] = ch.quiet_hours
        nodes["Channel"].append(props)
        asset = f"x-{ch.uid}"
        nodes["Asset"].append(
            {
                "uid": asset,
                "name": f"creative for {ch.uid}",
                "kind": "email_template" if ch.kind == "email" else "copy",
                "locale": "de-DE",
                "brand_approved": True,
                "version": 1,
                "subject": "Hello {first_name}",
                "body": "Spring news.",
            }
        )
        rels += [
            ["LOCALIZED_FOR", asset, "m-x"],
            ["FITS", asset, ch.uid],
            [
                "REACHABLE_VIA",
                "a-x",
                ch.uid,
                {"basis": "consent", "consented_at": "2026-01-01T00:00:00.000000Z"},
            ],
        ]
        if ch.kind in ("email", "sms", "push"):
            for n in range(contacts):
                rels.append(
                    [
                        "CONSENTS_TO",
                        f"ctc-{n:04d}",
                        ch.uid,
                        {"basis": "consent", "consented_at": "2026-01-01T00:00:00.000000Z"},
                    ]
                )
    for n in range(contacts):
        rels.append(["MEMBER_OF", f"ctc-{n:04d}", "a-x"])
    for it in items:
        first = start + timedelta(days=it.start_offset)
        nodes["PlanItem"].append(
            {
                "uid": it.uid,
                "budget": it.budget,
                "daily_budget": round(it.budget / it.days, 2),
                "start": first.isoformat(),
                "end": (first + timedelta(days=it.days - 1)).isoformat(),
                "pacing": it.pacing,
                **it.forecast,
            }
        )
        rels += [
            ["PROPOSES", uid, it.uid],
            ["TARGETS", it.uid, "a-x"],
            ["ON", it.uid, it.channel],
            ["USES", it.uid, f"x-{it.channel}"],
        ]
        rels += [["DEPENDS_ON", it.uid, d] for d in it.depends_on]
    write_plan(store, plan_document({"nodes": nodes, "rels": rels}))
    if approve:
        add_actor(store, "planner", [])
        submit(store, uid, actor="planner")
        state = approval_status(store, uid)
        if not state.may_execute:
            raise RuntimeError(f"fixture strategy {uid} was not approved: {state.reasons}")
    return uid
