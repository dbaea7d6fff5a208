# mypy: disable-error-code="untyped-decorator"
# (strawberry's decorators are untyped for mypy; its types are read at runtime)
"""GraphQL view of a lineage answer (stratagraph.lineage): nodes, edges, the trail."""

from enum import Enum
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from stratagraph.api.auth import Principal
from stratagraph.graph_schema import SCHEMA
from stratagraph.lineage import Lineage as LineageResult


@strawberry.enum(description="Which way to walk from the node.")
class Direction(Enum):
    UPSTREAM = "upstream"  # where it came from: action, plan, approvals, evidence, data
    DOWNSTREAM = "downstream"  # what it influenced
    BOTH = "both"


def visible_props(label: str, props: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """Properties a caller may see: personal data only for roles allowed to."""
    if principal.sees_pii or not SCHEMA.has_node(label):
        return props
    hidden = set(SCHEMA.node(label).pii_props)
    return {k: v for k, v in props.items() if k not in hidden}


@strawberry.type(description="A node of a lineage answer.")
class LineageNode:
    id: str = strawberry.field(description="label:uid")
    label: str
    uid: str
    name: str
    depth: int = strawberry.field(description="relationships away from the root")
    created_at: str | None
    properties: JSON = strawberry.field(description="stored properties (status as it was at `at`)")
    omitted: JSON = strawberry.field(
        description="relationship type -> neighbours left out by the fan-out or node limit"
    )
    current_status: str | None = strawberry.field(
        description="the status now, when `properties.status` is the status at `at`"
    )
    parent: str | None = strawberry.field(description="the node it was reached from")
    side: str = strawberry.field(description="root, upstream or downstream")
    on_trail: bool = strawberry.field(description="on the trail from the root to the data")


@strawberry.type(description="A relationship of a lineage answer, in its stored direction.")
class LineageEdge:
    id: str
    type: str
    source: str
    target: str
    properties: JSON
    on_trail: bool


@strawberry.type(description="The lineage of a node as the graph was at a point in time.")
class LineageGraph:
    root: str
    direction: Direction
    depth: int
    at: str | None = strawberry.field(description="the point in time; null: now")
    truncated: bool = strawberry.field(description="a fan-out or node limit cut the answer")
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    trail: list[str] = strawberry.field(
        description="node ids from the root to the data sources (upstream) or to the KPI "
        "observations (downstream)"
    )
    statements: int
    milliseconds: float


def to_graphql(result: LineageResult, principal: Principal) -> LineageGraph:
    trail = set(result.trail)
    trail_edges = set(result.trail_edges)
    return LineageGraph(
        root=result.root,
        direction=Direction(result.direction),
        depth=result.depth,
        at=result.at,
        truncated=result.truncated,
        nodes=[
            LineageNode(
                id=n.id,
                label=n.label,
                uid=n.uid,
                name=n.uid if n.label == "Contact" and not principal.sees_pii else n.name,
                depth=n.depth,
                created_at=n.time,
                properties=cast(JSON, visible_props(n.label, n.props, principal)),
                omitted=cast(JSON, n.omitted),
                current_status=n.current_status,
                parent=n.parent,
                side=n.side,
                on_trail=n.id in trail,
            )
            for n in result.nodes.values()
        ],
        edges=[
            LineageEdge(
                id=e.id,
                type=e.type,
                source=e.source,
                target=e.target,
                properties=cast(JSON, e.props),
                on_trail=e.id in trail_edges,
            )
            for e in result.edges.values()
        ],
        trail=result.trail,
        statements=result.queries,
        milliseconds=round(result.seconds * 1000, 2),
    )
