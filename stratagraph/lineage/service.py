"""Point-in-time lineage: from a KPI back to the data behind it, from a source forward.

Traversal is iterative and bounded: each level is a few statements, one per label of the
frontier and direction (`lineage/expand_out`, `lineage/expand_in`), each following only the
relationship types that lead upstream (or downstream) from that label, only to nodes that
existed at `at`, and returning at most `fanout` neighbours per node and type (with the
total, so the cut is visible). Nothing reads the whole database. networkx finds the trail
on the fetched subgraph.

Upstream (provenance) steps, from the node being expanded:

    (KPIObservation)-[:FROM_ACTION]->(Action)-[:IN_RUN]->(Run)-[:EXECUTES]->(Strategy)
    (KPIObservation)-[:OF]->(Campaign)-[:REALIZES]->(PlanItem)<-[:PROPOSES]-(Strategy)
    (Action)-[:FOR_CAMPAIGN]->(Campaign)
    (Strategy)<-[:APPROVES]-(Approval), (Strategy)<-[:VALIDATES]-(ValidationReport)
    (Strategy)-[:DERIVED_FROM]->(evidence), -[:SUPERSEDES]->(Strategy), -[:FOR_GOAL]->(Goal)
    (node)-[:FROM_BATCH]->(IngestBatch)-[:FROM_SOURCE]->(DataSource)

Downstream steps are the same relationships walked the other way.

Point in time: nodes created after `at` are left out (their `created_at`, else `at`), and
so is every edge with such an end; strategies and runs get back the status they had then,
from the audit chain. Not recoverable: other property values as they were, and the batch
that wrote a node before a later batch re-wrote it (ingest keeps one FROM_BATCH per node).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dtime
from functools import cache
from itertools import pairwise
from typing import Any

import networkx as nx

from stratagraph import cypher
from stratagraph.errors import NotFound, UsageError
from stratagraph.graph_schema import SCHEMA
from stratagraph.graph_schema.row_models import format_time
from stratagraph.store import GraphStore

from .model import (
    BOTH,
    DIRECTIONS,
    DOWNSTREAM,
    UPSTREAM,
    Lineage,
    LineageEdge,
    LineageNode,
    node_id,
)

# labels the lineage never shows (secrets of the platform itself)
HIDDEN_LABELS = frozenset({"ApiToken", "AuditHead"})
MAX_DEPTH = 12
MAX_FANOUT = 5000
TRAIL_TARGETS = 25  # downstream: trails to at most this many KPI observations


@dataclass(frozen=True)
class Step:
    type: str
    out: bool  # follow (n)-[:TYPE]->(m); False: (n)<-[:TYPE]-(m)


UPSTREAM_STEPS: tuple[Step, ...] = (
    Step("FROM_ACTION", True),
    Step("FOR_CAMPAIGN", True),
    Step("IN_RUN", True),
    Step("EXECUTES", True),
    Step("OF", True),
    Step("REALIZES", True),
    Step("PROPOSES", False),
    Step("APPROVES", False),
    Step("VALIDATES", False),
    Step("DERIVED_FROM", True),
    Step("SUPERSEDES", True),
    Step("FOR_GOAL", True),
    Step("FROM_BATCH", True),
    Step("FROM_SOURCE", True),
)
DOWNSTREAM_STEPS: tuple[Step, ...] = tuple(Step(s.type, not s.out) for s in UPSTREAM_STEPS)


@cache
def steps_for(label: str, direction: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(outgoing types, incoming types) that lead `direction` from a node of `label`."""
    steps = UPSTREAM_STEPS if direction == UPSTREAM else DOWNSTREAM_STEPS
    outs: list[str] = []
    ins: list[str] = []
    for step in steps:
        rel = SCHEMA.rel(step.type)
        if step.out and label in rel.from_labels:
            outs.append(step.type)
        elif not step.out and label in rel.to_labels:
            ins.append(step.type)
    return tuple(outs), tuple(ins)


def parse_at(value: str | datetime | date | None) -> str | None:
    """A point in time as the stored fixed-width UTC text. A date means the end of that day
    (UTC); a time without a zone is UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return format_time(datetime.combine(value, dtime.max, tzinfo=UTC))
    text = value.strip()
    try:
        if len(text) == 10:
            return format_time(datetime.combine(date.fromisoformat(text), dtime.max, tzinfo=UTC))
        return format_time(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise UsageError(
            f"not a point in time: {value!r}; use ISO-8601, e.g. 2026-11-01 (end of that day, "
            "UTC) or 2026-11-01T09:30:00Z"
        ) from None


def find_node(store: GraphStore, uid: str, label: str | None = None) -> tuple[str, dict[str, Any]]:
    """The label and properties of the node `uid` (of `label`, when given)."""
    if label is not None:
        if not SCHEMA.has_node(label) or label in HIDDEN_LABELS:
            known = ", ".join(sorted(set(SCHEMA.labels) - HIDDEN_LABELS))
            raise UsageError(f"unknown label {label!r}; known: {known}")
        rows = store.read(cypher.render("lineage/get_node", label=label), {"uid": uid})
        if not rows:
            raise NotFound(
                f"no {label} with uid {uid!r}; search by name in the explorer, or list them "
                f'with `stratagraph cypher "MATCH (n:{label}) RETURN n.uid LIMIT 20"`',
                details={"uid": uid, "label": label},
            )
        return label, dict(rows[0]["props"])
    rows = store.read(cypher.load("lineage/find_uid"), {"uid": uid})
    if not rows:
        raise NotFound(
            f"no node with uid {uid!r}; uids are case-sensitive. Search in the explorer, or "
            "try `stratagraph cypher \"MATCH (n) WHERE n.uid STARTS WITH '...' RETURN n.uid\"`",
            details={"uid": uid},
        )
    if len(rows) > 1:
        found = ", ".join(str(r["label"]) for r in rows)
        raise UsageError(
            f"uid {uid!r} names nodes of several labels ({found}); say which with --label "
            "(or the `label` argument)",
            details={"uid": uid, "labels": [r["label"] for r in rows]},
        )
    return str(rows[0]["label"]), dict(rows[0]["props"])


def _node_time(props: dict[str, Any]) -> str:
    return str(props.get("created_at") or props.get("at") or "")


class _Walk:
    """One traversal in one direction, adding to a shared Lineage."""

    def __init__(
        self,
        store: GraphStore,
        result: Lineage,
        *,
        direction: str,
        at: str | None,
        fanout: int,
        max_nodes: int,
        deadline: float | None,
    ) -> None:
        self.store = store
        self.result = result
        self.direction = direction
        self.at = at
        self.fanout = fanout
        self.max_nodes = max_nodes
        self.deadline = deadline
        self.trail_graph: nx.DiGraph = nx.DiGraph()

    def _timeout_ms(self) -> int | None:
        if self.deadline is None:
            return None
        left = int((self.deadline - time.monotonic()) * 1000)
        if left <= 0:
            from stratagraph.errors import QueryError

            raise QueryError(
                "the lineage took longer than its time limit; ask for less depth, a smaller "
                "fan-out, or start from a node closer to what you look for"
            )
        return left

    def run(self, depth: int) -> None:
        root = self.result.root
        self.trail_graph.add_node(root)
        frontier = [root]
        for level in range(1, depth + 1):
            by_label: dict[str, list[str]] = {}
            for nid in frontier:
                n = self.result.nodes[nid]
                by_label.setdefault(n.label, []).append(n.uid)
            frontier = []
            for label, uids in sorted(by_label.items()):
                outs, ins = steps_for(label, self.direction)
                for types, name, out in ((outs, "expand_out", True), (ins, "expand_in", False)):
                    if types:
                        frontier += self._expand(label, uids, types, name, out, level)
            if not frontier:
                break

    def _expand(
        self, label: str, uids: list[str], types: Iterable[str], name: str, out: bool, level: int
    ) -> list[str]:
        query = cypher.render(f"lineage/{name}", label=label)
        params = {"uids": uids, "types": list(types), "at": self.at or "", "fanout": self.fanout}
        rows = self.store.execute(query, params, write=False, timeout_ms=self._timeout_ms())
        self.result.queries += 1
        added: list[str] = []
        nodes = self.result.nodes
        for row in rows:
            here = node_id(label, str(row["uid"]))
            rel_type = str(row["type"])
            found = row["found"] or []
            cut = int(row["total"]) - len(found)
            for item in found:
                other_label = str(item["label"])
                if other_label in HIDDEN_LABELS or item.get("uid") is None:
                    continue
                other = node_id(other_label, str(item["uid"]))
                edge = LineageEdge(
                    rel_type,
                    here if out else other,
                    other if out else here,
                    dict(item["rel"] or {}),
                )
                if other not in nodes:
                    if len(nodes) >= self.max_nodes:
                        self.result.truncated = True
                        cut += 1
                        continue
                    nodes[other] = LineageNode(
                        other,
                        other_label,
                        str(item["uid"]),
                        {},
                        level,
                        parent=here,
                        via=edge.id,
                        side=self.direction,
                    )
                    added.append(other)
                self.result.edges[edge.id] = edge
                self.trail_graph.add_edge(here, other, id=edge.id)
            if cut > 0:
                omitted = nodes[here].omitted
                omitted[rel_type] = omitted.get(rel_type, 0) + cut
                self.result.truncated = True
        self._load(added)
        return added

    def _load(self, ids: list[str]) -> None:
        """Properties of newly reached nodes, one statement per label."""
        by_label: dict[str, list[str]] = {}
        for nid in ids:
            n = self.result.nodes[nid]
            by_label.setdefault(n.label, []).append(n.uid)
        for label, uids in by_label.items():
            rows = self.store.execute(
                cypher.render("lineage/get_nodes", label=label),
                {"uids": uids},
                write=False,
                timeout_ms=self._timeout_ms(),
            )
            self.result.queries += 1
            for row in rows:
                props = dict(row["props"])
                self.result.nodes[node_id(label, str(props["uid"]))].props = props

    def trail(self) -> tuple[list[str], list[str]]:
        root = self.result.root
        nodes = self.result.nodes
        if self.direction == UPSTREAM:
            targets = [n for n in self.trail_graph if nodes[n].label == "DataSource"]
        else:
            targets = [
                n for n in self.trail_graph if n != root and nodes[n].label == "KPIObservation"
            ]
            targets.sort(key=lambda n: (nodes[n].depth, n))
            targets = targets[:TRAIL_TARGETS]
        on_trail: dict[str, None] = {}
        edges: dict[str, None] = {}
        for target in targets:
            try:
                path = nx.shortest_path(self.trail_graph, root, target)
            except nx.NetworkXNoPath:
                continue
            for a, b in pairwise(path):
                on_trail.setdefault(a)
                on_trail.setdefault(b)
                edges.setdefault(self.trail_graph.edges[a, b]["id"])
        return list(on_trail), list(edges)


def lineage(
    store: GraphStore,
    uid: str,
    *,
    label: str | None = None,
    direction: str = UPSTREAM,
    depth: int = 6,
    at: str | datetime | date | None = None,
    fanout: int = 50,
    max_nodes: int = 2000,
    timeout_ms: int | None = None,
) -> Lineage:
    """The lineage of one node, as the graph was at `at` (None: now).

    `direction`: upstream (where it came from), downstream (what it influenced) or both.
    `depth`: relationships away from the root; `fanout`: most neighbours per node and
    relationship type (the rest are counted in `LineageNode.omitted`); `max_nodes`: the
    whole answer (`truncated` says when a limit cut it)."""
    started = time.monotonic()
    if direction not in DIRECTIONS:
        raise UsageError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    if not 0 <= depth <= MAX_DEPTH:
        raise UsageError(f"depth must be between 0 and {MAX_DEPTH}, not {depth}")
    if not 1 <= fanout <= MAX_FANOUT:
        raise UsageError(f"fanout must be between 1 and {MAX_FANOUT}, not {fanout}")
    if max_nodes < 1:
        raise UsageError("max_nodes must be at least 1")
    when = parse_at(at)
    root_label, props = find_node(store, uid, label)
    if when is not None and _node_time(props) > when:
        raise NotFound(
            f"{root_label} {uid} did not exist at {when}: it was created at "
            f"{_node_time(props)}. Pick a later time.",
            details={"uid": uid, "created_at": _node_time(props), "at": when},
        )
    root = node_id(root_label, uid)
    result = Lineage(root=root, direction=direction, depth=depth, at=when)
    result.nodes[root] = LineageNode(root, root_label, uid, props, 0)
    deadline = started + timeout_ms / 1000 if timeout_ms else None
    trail: dict[str, None] = {}
    trail_edges: dict[str, None] = {}
    for side in (UPSTREAM, DOWNSTREAM) if direction == BOTH else (direction,):
        walk = _Walk(
            store,
            result,
            direction=side,
            at=when,
            fanout=fanout,
            max_nodes=max_nodes,
            deadline=deadline,
        )
        walk.run(depth)
        found, found_edges = walk.trail()
        trail.update(dict.fromkeys(found))
        trail_edges.update(dict.fromkeys(found_edges))
    result.trail = list(trail)
    result.trail_edges = list(trail_edges)
    if when is not None:
        _statuses_as_of(store, result, when)
    result.seconds = time.monotonic() - started
    return result


def _statuses_as_of(store: GraphStore, result: Lineage, at: str) -> None:
    """Give strategies and runs back the status they had at `at`, from the audit chain."""
    subjects = [n for n in result.nodes.values() if n.label in ("Strategy", "Run")]
    if not subjects:
        return
    rows = store.read(cypher.load("lineage/status_history"), {"uids": [n.uid for n in subjects]})
    result.queries += 1
    changes: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for row in rows:
        try:
            details = json.loads(row["details"]) if row["details"] else {}
        except (TypeError, json.JSONDecodeError):
            continue
        if not isinstance(details, dict):
            continue
        pair = details.get("status")
        if "to" in details:
            before, after = details.get("from"), details["to"]
        elif isinstance(pair, list) and len(pair) == 2:
            before, after = pair
        else:
            continue
        changes.setdefault(str(row["subject"]), []).append(
            (str(row["at"]), str(before) if before else None, str(after))
        )
    for n in subjects:
        history = changes.get(n.uid)
        if not history:
            continue
        then = [to for when, _, to in history if when <= at]
        later = [before for when, before, _ in history if when > at]
        status = then[-1] if then else later[0] if later else None
        current = n.props.get("status")
        if status and status != current:
            n.current_status = str(current) if current is not None else None
            n.props = {**n.props, "status": status}
