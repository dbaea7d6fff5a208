"""Plan documents: strategy subgraphs written as data (tests, demo, benchmark).

A document is JSON:

    {"nodes": {"Strategy": [{"uid": "s1", ...}], "PlanItem": [...], ...},
     "rels": [["PROPOSES", "s1", "i1"], ["REACHABLE_VIA", "a1", "c1", {"basis": "consent"}]]}

Relationship endpoints are uids of the document's nodes (or `Label:uid` for nodes already in
the graph). A document may extend another: `"base": "file.json"` loads that first; then its
`nodes` update nodes by uid (a null value removes a property), `rels` add relationships,
`drop_rels` and `drop_nodes` remove them. An Approval whose `plan_hash` is `$CONTENT_HASH`
gets the strategy's content hash once the plan is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stratagraph import cypher
from stratagraph.errors import UsageError
from stratagraph.graph_schema import SCHEMA
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.store import GraphStore

CONTENT_HASH = "$CONTENT_HASH"


@dataclass(frozen=True)
class Rel:
    type: str
    from_label: str
    from_uid: str
    to_label: str
    to_uid: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class PlanDocument:
    nodes: dict[str, dict[str, dict[str, Any]]]  # label -> uid -> props
    rels: list[tuple[str, str, str, dict[str, Any]]]  # type, from, to, props
    meta: dict[str, Any] = field(default_factory=dict)

    def label_of(self, ref: str) -> tuple[str, str]:
        if ":" in ref and SCHEMA.has_node(ref.split(":", 1)[0]):
            label, uid = ref.split(":", 1)
            return label, uid
        for label, nodes in self.nodes.items():
            if ref in nodes:
                return label, ref
        raise UsageError(
            f"plan document: no node with uid {ref!r} (write Label:uid for nodes "
            "already in the graph)"
        )

    def resolved_rels(self) -> list[Rel]:
        out = []
        for rel_type, a, b, props in self.rels:
            if not SCHEMA.has_rel(rel_type):
                raise UsageError(f"plan document: unknown relationship type {rel_type!r}")
            fl, fu = self.label_of(a)
            tl, tu = self.label_of(b)
            if (fl, tl) not in SCHEMA.rel(rel_type).endpoints:
                raise UsageError(f"plan document: {rel_type} cannot link {fl} to {tl}")
            out.append(Rel(rel_type, fl, fu, tl, tu, dict(props)))
        return out

    @property
    def strategy_uids(self) -> list[str]:
        return sorted(self.nodes.get("Strategy", {}))


def _merge(doc: PlanDocument, data: Mapping[str, Any]) -> None:
    for label, rows in (data.get("nodes") or {}).items():
        if not SCHEMA.has_node(label):
            raise UsageError(f"plan document: unknown label {label!r}")
        bucket = doc.nodes.setdefault(label, {})
        for row in rows:
            uid = str(row["uid"])
            merged = {**bucket.get(uid, {}), **row}
            bucket[uid] = {k: v for k, v in merged.items() if v is not None}
    dropped = set(data.get("drop_nodes") or ())
    if dropped:
        for bucket in doc.nodes.values():
            for uid in dropped & set(bucket):
                del bucket[uid]
        doc.rels = [r for r in doc.rels if r[1] not in dropped and r[2] not in dropped]
    drop = {tuple(r[:3]) for r in data.get("drop_rels") or ()}
    if drop:
        doc.rels = [r for r in doc.rels if (r[0], r[1], r[2]) not in drop]
    for rel in data.get("rels") or ():
        rel_type, a, b = str(rel[0]), str(rel[1]), str(rel[2])
        props = dict(rel[3]) if len(rel) > 3 else {}
        doc.rels = [r for r in doc.rels if (r[0], r[1], r[2]) != (rel_type, a, b)]
        doc.rels.append((rel_type, a, b, props))
    for key, value in data.items():
        if key not in ("nodes", "rels", "drop_rels", "drop_nodes", "base"):
            doc.meta[key] = value


def plan_document(data: Mapping[str, Any], base: PlanDocument | None = None) -> PlanDocument:
    doc = PlanDocument(
        nodes={
            k: {u: dict(p) for u, p in v.items()} for k, v in (base.nodes if base else {}).items()
        },
        rels=list(base.rels) if base else [],
    )
    _merge(doc, data)
    return doc


def load_plan(path: Path) -> PlanDocument:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a readable plan document: {exc}") from exc
    base = load_plan(path.parent / data["base"]) if data.get("base") else None
    return plan_document(data, base)


def write_plan(store: GraphStore, doc: PlanDocument, *, now: str | None = None) -> None:
    """MERGE the document's nodes and relationships (idempotent), then bind placeholder
    approvals to the strategy's content hash."""
    when = now or now_iso()
    pending: list[tuple[str, dict[str, Any]]] = []
    for label, nodes in doc.nodes.items():
        rows = []
        for uid, props in nodes.items():
            clean = {k: v for k, v in props.items() if k != "uid"}
            if label == "Approval" and clean.get("plan_hash") == CONTENT_HASH:
                pending.append((uid, clean))
                clean = {k: v for k, v in clean.items() if k != "plan_hash"}
            rows.append({"uid": uid, "props": clean})
        for i in range(0, len(rows), 2000):
            store.write(
                cypher.render("governance/put_nodes", label=label),
                {"rows": rows[i : i + 2000], "now": when},
            )
    by_kind: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for rel in doc.resolved_rels():
        by_kind.setdefault((rel.type, rel.from_label, rel.to_label), []).append(
            {"from": rel.from_uid, "to": rel.to_uid, "props": rel.props}
        )
    for (rel_type, a, b), rows in by_kind.items():
        query = cypher.render("governance/put_rels", type=rel_type, **{"from": a, "to": b})
        for i in range(0, len(rows), 2000):
            store.write(query, {"rows": rows[i : i + 2000], "now": when})
    if pending:
        from .hashing import content_hash

        hashes: dict[str, str] = {}
        rows = []
        for uid, _ in pending:
            target = next(
                (
                    r.to_uid
                    for r in doc.resolved_rels()
                    if r.type == "APPROVES" and r.from_uid == uid
                ),
                None,
            )
            if target is None:
                raise UsageError(f"plan document: approval {uid} approves no strategy")
            if target not in hashes:
                hashes[target] = content_hash(store, target)
            rows.append({"uid": uid, "props": {"plan_hash": hashes[target]}})
        store.write(
            cypher.render("governance/put_nodes", label="Approval"), {"rows": rows, "now": when}
        )


def synthetic_plan(
    items: int,
    *,
    strategy_uid: str = "bench-strategy",
    market: str = "DE",
    prefix: str = "bench",
    status: str = "proposed",
    maker: str = "planner",
) -> PlanDocument:
    """A conforming strategy with `items` plan items over a few audiences, channels and assets
    (benchmark and demo input)."""
    p = prefix
    n_aud, n_ch = max(1, items // 10), 4
    nodes: dict[str, list[dict[str, Any]]] = {
        "Market": [
            {
                "uid": f"{p}-m",
                "code": market,
                "currency": "EUR",
                "locale": "de-DE",
                "timezone": "Europe/Berlin",
                "spend_cap": 1e9,
            }
        ],
        "Goal": [
            {
                "uid": f"{p}-g",
                "kpi": "conversions",
                "budget": 1e9,
                "market": market,
                "window_start": "2027-03-01",
                "window_end": "2027-03-31",
            }
        ],
        "Strategy": [
            {
                "uid": strategy_uid,
                "status": status,
                "version": 1,
                "maker": maker,
                "lineage_key": strategy_uid,
                "objective": "max_outcome",
                "spend": 1000.0 * items,
                "risk_score": 20.0,
            }
        ],
        "Audience": [
            {"uid": f"{p}-a{i}", "size": 10_000 + i, "market": market, "pii_free": True}
            for i in range(n_aud)
        ],
        "Channel": [
            {
                "uid": f"{p}-c0",
                "kind": "email",
                "frequency_cap": 2,
                "quiet_hours_start": 21,
                "quiet_hours_end": 8,
                "max_daily_budget": 10_000.0,
            },
            {"uid": f"{p}-c1", "kind": "paid_social", "max_daily_budget": 10_000.0},
            {"uid": f"{p}-c2", "kind": "search", "max_daily_budget": 10_000.0},
            {"uid": f"{p}-c3", "kind": "display", "max_daily_budget": 10_000.0},
        ],
        "Asset": [
            {
                "uid": f"{p}-x{c}",
                "kind": "image",
                "locale": "de-DE",
                "brand_approved": True,
                "expires_at": "2028-01-01T00:00:00.000000Z",
            }
            for c in range(n_ch)
        ],
        "PlanItem": [],
    }
    rels: list[list[Any]] = [
        ["FOR_GOAL", strategy_uid, f"{p}-g"],
        ["IN_MARKET", f"{p}-g", f"{p}-m"],
    ]
    for c in range(n_ch):
        rels += [["LOCALIZED_FOR", f"{p}-x{c}", f"{p}-m"], ["FITS", f"{p}-x{c}", f"{p}-c{c}"]]
        for a in range(n_aud):
            rels.append(
                [
                    "REACHABLE_VIA",
                    f"{p}-a{a}",
                    f"{p}-c{c}",
                    {"basis": "consent", "valid_until": "2028-01-01T00:00:00.000000Z"},
                ]
            )
    for a in range(n_aud):
        rels.append(["IN_MARKET", f"{p}-a{a}", f"{p}-m"])
    for i in range(items):
        uid = f"{p}-i{i:04d}"
        nodes["PlanItem"].append(
            {
                "uid": uid,
                "budget": 1000.0,
                "daily_budget": 100.0,
                "start": "2027-03-01",
                "end": "2027-03-10",
                "pacing": "even",
            }
        )
        c = i % n_ch
        rels += [
            ["PROPOSES", strategy_uid, uid],
            ["TARGETS", uid, f"{p}-a{i % n_aud}"],
            ["ON", uid, f"{p}-c{c}"],
            ["USES", uid, f"{p}-x{c}"],
        ]
        if i and i % 5:
            rels.append(["DEPENDS_ON", uid, f"{p}-i{i - 1:04d}"])
    return plan_document({"nodes": nodes, "rels": rels})
