"""The plan the executor walks: a strategy's items in DEPENDS_ON order, with their flights."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from stratagraph import cypher
from stratagraph.store import GraphStore

from . import clock
from .adapters.registry import adapter_name
from .errors import ExecutionRefused
from .people import is_message_kind


@dataclass
class Item:
    uid: str
    props: dict[str, Any]
    channel: dict[str, Any]
    audience: str | None
    asset: dict[str, Any]
    market: dict[str, Any]
    depends_on: list[str]
    order: int = 0
    flight: list[date] = field(default_factory=list)

    @property
    def campaign(self) -> str:
        return f"cmp-{self.uid}"

    @property
    def channel_uid(self) -> str:
        return str(self.channel.get("uid") or "")

    @property
    def budget(self) -> float:
        return float(self.props.get("budget") or 0.0)

    @property
    def pacing(self) -> str | None:
        value = self.props.get("pacing")
        return str(value) if value else None

    @property
    def is_message(self) -> bool:
        return is_message_kind(str(self.channel.get("kind") or ""))

    @property
    def adapter(self) -> str:
        return adapter_name(self.channel)

    @property
    def unit_cost(self) -> float:
        value = self.channel.get("unit_cost")
        return float(value) if isinstance(value, int | float) else 0.0


@dataclass
class Plan:
    strategy: str
    items: list[Item]  # in dependency order
    timezone: str
    budget: float

    @property
    def first_day(self) -> date:
        return min(i.flight[0] for i in self.items if i.flight)

    @property
    def last_day(self) -> date:
        return max(i.flight[-1] for i in self.items if i.flight)

    def trim(self, first: date) -> None:
        """Drop flight days before `first` (a real-clock run starting mid-flight)."""
        for item in self.items:
            item.flight = [d for d in item.flight if d >= first]
        self.items = [i for i in self.items if i.flight] or self.items

    def item(self, uid: str) -> Item:
        return next(i for i in self.items if i.uid == uid)


def load_plan(store: GraphStore, strategy: str, strategy_props: dict[str, Any]) -> Plan:
    rows = store.read(cypher.load("execution/plan_context"), {"uid": strategy})
    if not rows:
        raise ExecutionRefused(
            f"strategy {strategy} has no plan items: there is nothing to execute",
            details={"strategy": strategy},
        )
    items: dict[str, Item] = {}
    for r in rows:
        props = dict(r["item"])
        uid = str(props["uid"])
        if uid in items:
            continue
        if not r["channel"]:
            raise ExecutionRefused(
                f"plan item {uid} has no channel (ON); fix the plan and approve it again",
                details={"plan_item": uid},
            )
        items[uid] = Item(
            uid=uid,
            props=props,
            channel=dict(r["channel"]),
            audience=str(r["audience"]) if r["audience"] else None,
            asset=dict(r["asset"] or {}),
            market=dict(r["market"] or {}),
            depends_on=sorted(str(d) for d in r["depends_on"] or [] if str(d) != uid),
        )
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(items)
    for item in items.values():
        for dep in item.depends_on:
            if dep in items:
                graph.add_edge(dep, item.uid)
    try:
        order = list(nx.lexicographical_topological_sort(graph))
    except nx.NetworkXUnfeasible:
        cycle = nx.find_cycle(graph)
        raise ExecutionRefused(
            "the plan's DEPENDS_ON links form a cycle ("
            + " -> ".join(a for a, _ in cycle)
            + "); no order can satisfy it. Fix the plan and approve it again.",
            details={"cycle": [list(e) for e in cycle]},
        ) from None
    ordered = [items[u] for u in order]
    for n, item in enumerate(ordered):
        item.order = n
        start, end = item.props.get("start"), item.props.get("end")
        if not start or not end:
            raise ExecutionRefused(
                f"plan item {item.uid} has no flight (start and end dates); fix the plan",
                details={"plan_item": item.uid},
            )
        item.flight = clock.days(date.fromisoformat(str(start)), date.fromisoformat(str(end)))
    # an item never starts before the items it depends on
    for item in ordered:
        for dep in item.depends_on:
            if dep in items and items[dep].flight and item.flight:
                item.flight = [d for d in item.flight if d >= items[dep].flight[0]]
    timezone = next(
        (str(i.market.get("timezone")) for i in ordered if i.market.get("timezone")), "UTC"
    )
    declared = strategy_props.get("spend")
    total = sum(i.budget for i in ordered)
    budget = float(declared) if isinstance(declared, int | float) and declared > 0 else total
    return Plan(strategy, ordered, timezone, round(min(budget, total) if total else budget, 2))
