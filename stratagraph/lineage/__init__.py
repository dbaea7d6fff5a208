"""Point-in-time lineage, shared by the CLI (`stratagraph lineage`) and the API.

from stratagraph.lineage import lineage
result = lineage(store, "kpi-...", direction="upstream", depth=6, at="2026-11-01")
result.trail            # node ids from the KPI to its DataSource(s)
result.as_dict()        # nodes, edges, trail, truncated
"""

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
from .render import lineage_tree, print_lineage
from .service import HIDDEN_LABELS, find_node, lineage, parse_at, steps_for

__all__ = [
    "BOTH",
    "DIRECTIONS",
    "DOWNSTREAM",
    "HIDDEN_LABELS",
    "UPSTREAM",
    "Lineage",
    "LineageEdge",
    "LineageNode",
    "find_node",
    "lineage",
    "lineage_tree",
    "node_id",
    "parse_at",
    "print_lineage",
    "steps_for",
]
