"""Write planned options as versioned Strategy subgraphs with their evidence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stratagraph import cypher
from stratagraph.governance.workflow import transition
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.reasoning.plan import PlannedOption, Planning
from stratagraph.store import GraphStore

ContentHash = Callable[[GraphStore, str], str]


@dataclass(frozen=True)
class WrittenStrategy:
    uid: str
    version: int
    supersedes: str | None
    superseded_status: str | None


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in text)


def write_option(
    store: GraphStore,
    planning: Planning,
    option: PlannedOption,
    *,
    maker: str,
    seed: int,
    scenario: str,
    content_hash: ContentHash,
) -> WrittenStrategy:
    """Draft first, then items and evidence, then `proposed` with its hash: an interrupted
    write leaves a draft, which governance never lets run."""
    goal = planning.goal
    lineage = f"{goal.uid}:{option.objective}" + (f":{scenario}" if scenario else "")
    version = int(
        store.read(cypher.load("reasoning/next_version"), {"lineage_key": lineage})[0]["version"]
    )
    uid = _slug(
        f"str-{goal.uid}-{option.objective}" + (f"-{scenario}" if scenario else "") + f"-v{version}"
    )
    now = now_iso()
    props: dict[str, Any] = {
        "uid": uid,
        "name": f"{goal.name}: {option.objective.replace('_', ' ')}",
        "version": version,
        "lineage_key": lineage,
        "objective": option.objective,
        "rank": option.rank,
        "spend": round(option.spend, 2),
        **option.forecast.as_props(),
        "risk_score": option.risk.score,
        "risk_factor_names": option.risk.names,
        "risk_factor_values": option.risk.values,
        "rationale": option.rationale,
        "maker": maker,
        "seed": seed,
        "scenario": scenario,
    }
    store.write(
        cypher.load("reasoning/create_strategy"), {"goal": goal.uid, "props": props, "now": now}
    )
    items = []
    for n, item in enumerate(option.items, start=1):
        cap = goal.constraints.frequency_cap
        items.append(
            {
                "audience": item.tactic.audience,
                "channel": item.tactic.channel,
                "asset": item.tactic.asset,
                "props": {
                    "uid": f"{uid}-item-{n:02d}",
                    "budget": round(item.budget, 2),
                    "start": goal.window_start.isoformat(),
                    "end": goal.window_end.isoformat(),
                    "pacing": "even",
                    "daily_budget": round(item.budget / goal.days, 2),
                    **({"frequency_cap": int(cap)} if cap else {}),
                    "brief": item.brief.text,
                    **item.forecast.as_props(),
                    **(item.weekly.as_props() if item.weekly else {}),
                },
            }
        )
    if items:
        store.write(
            cypher.load("reasoning/create_plan_items"),
            {"strategy": uid, "items": items, "now": now},
        )
    _link_evidence(store, uid, planning, option)
    previous = store.write(
        cypher.load("reasoning/supersede"),
        {"strategy": uid, "lineage_key": lineage, "previous": version - 1},
    )
    digest = content_hash(store, uid)
    store.write(
        cypher.load("reasoning/finish_strategy"),
        {"strategy": uid, "content_hash": digest, "now": now_iso()},
    )
    # status changes go through governance: allowed transitions only, each one audited
    transition(
        store,
        uid,
        "proposed",
        actor=maker,
        expected="draft",
        details={"goal": goal.uid, "objective": option.objective, "version": version},
    )
    if previous and previous[0]["status"] in ("draft", "proposed", "validated"):
        transition(store, previous[0]["uid"], "superseded", actor=maker, details={"by": uid})
    return WrittenStrategy(
        uid,
        version,
        previous[0]["uid"] if previous else None,
        previous[0]["status"] if previous else None,
    )


def _link_evidence(store: GraphStore, uid: str, planning: Planning, option: PlannedOption) -> None:
    """DERIVED_FROM: the observations behind each item's curve and the path that made it
    lawful (audience, channel, creative) plus the signals its brief used."""
    groups: dict[tuple[str, str], set[str]] = {}
    for item in option.items:
        t = item.tactic
        pair = planning.history.pairs.get(t.key)
        if pair:
            groups.setdefault(("KPIObservation", "history"), set()).update(pair.observations)
        groups.setdefault(("Audience", "path"), set()).add(t.audience)
        groups.setdefault(("Channel", "path"), set()).add(t.channel)
        groups.setdefault(("Asset", "path"), set()).add(t.asset)
        groups.setdefault(("Signal", "brief"), set()).update(s.uid for s in t.signals[:3])
    for (label, role), uids in sorted(groups.items()):
        ordered = sorted(uids)
        query = cypher.render("reasoning/link_evidence", label=label)
        for i in range(0, len(ordered), 5000):
            store.write(query, {"strategy": uid, "uids": ordered[i : i + 5000], "role": role})
