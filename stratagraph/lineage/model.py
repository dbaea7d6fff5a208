"""What a lineage answer holds: nodes, edges, the trail, and how it was cut."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

UPSTREAM = "upstream"
DOWNSTREAM = "downstream"
BOTH = "both"
DIRECTIONS = (UPSTREAM, DOWNSTREAM, BOTH)


def node_id(label: str, uid: str) -> str:
    """Uids are unique per label, so a node is named by both."""
    return f"{label}:{uid}"


@dataclass
class LineageNode:
    id: str
    label: str
    uid: str
    props: dict[str, Any]
    depth: int
    # relationship types whose neighbours were cut by the fan-out limit: type -> how many
    omitted: dict[str, int] = field(default_factory=dict)
    # status now, when `props["status"]` was set back to the status it had at `at`
    current_status: str | None = None
    # the node it was reached from, and the edge it was reached by (None for the root)
    parent: str | None = None
    via: str | None = None
    side: str = "root"  # root, upstream or downstream: which walk reached it

    @property
    def name(self) -> str:
        value = self.props.get("name")
        return str(value) if value else self.uid

    @property
    def time(self) -> str | None:
        value = self.props.get("created_at") or self.props.get("at")
        return str(value) if value else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "uid": self.uid,
            "depth": self.depth,
            "props": self.props,
            "omitted": self.omitted,
            "current_status": self.current_status,
            "parent": self.parent,
            "via": self.via,
            "side": self.side,
        }


@dataclass(frozen=True)
class LineageEdge:
    type: str
    source: str  # node id of the relationship's start, as stored
    target: str  # node id of its end
    props: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.source}|{self.type}|{self.target}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "source": self.source,
            "target": self.target,
            "props": self.props,
        }


@dataclass
class Lineage:
    """A lineage subgraph around `root`, as it was at `at` (None: now).

    `trail` is the chain of node ids an auditor follows: upstream, from the root to every
    DataSource reached; downstream, from the root to the KPI observations reached.
    """

    root: str
    direction: str
    depth: int
    at: str | None
    nodes: dict[str, LineageNode] = field(default_factory=dict)
    edges: dict[str, LineageEdge] = field(default_factory=dict)
    trail: list[str] = field(default_factory=list)
    trail_edges: list[str] = field(default_factory=list)
    truncated: bool = False
    queries: int = 0
    seconds: float = 0.0

    @property
    def root_node(self) -> LineageNode:
        return self.nodes[self.root]

    def graph(self) -> nx.MultiDiGraph:
        """The subgraph for networkx, edges in their stored direction."""
        g: nx.MultiDiGraph = nx.MultiDiGraph()
        for n in self.nodes.values():
            g.add_node(n.id, label=n.label, uid=n.uid, depth=n.depth)
        for e in self.edges.values():
            g.add_edge(e.source, e.target, key=e.type, type=e.type)
        return g

    def sources(self) -> list[LineageNode]:
        return [n for n in self.nodes.values() if n.label == "DataSource"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "direction": self.direction,
            "depth": self.depth,
            "at": self.at,
            "truncated": self.truncated,
            "nodes": [n.as_dict() for n in self.nodes.values()],
            "edges": [e.as_dict() for e in self.edges.values()],
            "trail": self.trail,
            "trail_edges": self.trail_edges,
            "queries": self.queries,
            "seconds": round(self.seconds, 4),
        }
