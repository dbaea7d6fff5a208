"""Counts per label and relationship type."""

from __future__ import annotations

from dataclasses import dataclass

from stratagraph import cypher
from stratagraph.store import GraphStore


@dataclass
class GraphStats:
    labels: dict[str, int]
    relationships: dict[str, int]

    @property
    def nodes(self) -> int:
        return sum(self.labels.values())

    @property
    def edges(self) -> int:
        return sum(self.relationships.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "nodes": self.nodes,
            "relationships": self.edges,
            "labels": self.labels,
            "relationship_types": self.relationships,
        }


def graph_stats(store: GraphStore) -> GraphStats:
    labels = {r["label"]: int(r["count"]) for r in store.read(cypher.load("admin/label_counts"))}
    rels = {
        r["type"]: int(r["count"]) for r in store.read(cypher.load("admin/relationship_counts"))
    }
    return GraphStats(dict(sorted(labels.items())), dict(sorted(rels.items())))
