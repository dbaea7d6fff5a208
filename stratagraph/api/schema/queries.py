# mypy: disable-error-code="untyped-decorator"
# (strawberry's decorators are untyped for mypy; its types are read at runtime)
"""The Query root: one getter and one cursor-paginated list per label (generated), and
me, node, search, lineage, approvalStatus, auditVerify, killSwitchState."""

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from stratagraph import cypher
from stratagraph.api.auth import Op
from stratagraph.api.errors import BAD_USER_INPUT, ApiError
from stratagraph.execution import kill_state
from stratagraph.governance import approval_status, verify
from stratagraph.graph_schema import SCHEMA, NodeType
from stratagraph.lineage import find_node, lineage

from .context import Context
from .lineage import Direction, LineageGraph, to_graphql
from .nodes import (
    EXPOSED,
    EXPOSED_LABELS,
    NodeBase,
    PropertyFilter,
    Registry,
    connection,
    decode_cursor,
    lower_camel,
    page_size,
    plural,
)

# labels searched by default, small reference labels first (exact uids of any label
# are found first anyway)
SEARCH_LABELS = (
    "DataSource",
    "Market",
    "Channel",
    "Goal",
    "Audience",
    "Strategy",
    "Asset",
    "Run",
    "Approval",
    "Campaign",
    "IngestBatch",
    "KPIObservation",
)


def _registry(info: Info) -> Registry:
    ctx: Context = info.context
    return ctx.state.schema.registry


@strawberry.type(description="The caller, as their token says.")
class Me:
    name: str
    role: str
    actor: str = strawberry.field(description="the actor name governance records")
    sees_personal_data: bool
    operations: list[str] = strawberry.field(description="what this role may do")


@strawberry.type(description="A node found by search.")
class SearchHit:
    label: str
    uid: str
    name: str | None
    created_at: str | None


def _check_label(label: str | None) -> str | None:
    if label is not None and label not in EXPOSED_LABELS:
        known = ", ".join(sorted(EXPOSED_LABELS))
        raise ApiError(BAD_USER_INPUT, f"unknown label {label!r}; known: {known}")
    return label


@strawberry.type
class QueryBase:
    @strawberry.field(description="Who is calling and what they may do.")
    def me(self, info: Info) -> Me:
        ctx: Context = info.context
        p = ctx.principal
        return Me(
            name=p.name,
            role=p.role.value,
            actor=p.actor,
            sees_personal_data=p.sees_pii,
            operations=[op.value for op in Op if p.can(op)],
        )

    @strawberry.field(description="Any node by uid (and label, when uids clash across labels).")
    def node(self, info: Info, uid: strawberry.ID, label: str | None = None) -> NodeBase | None:
        ctx: Context = info.context
        ctx.require(Op.READ)
        with ctx.service():
            found_label, props = find_node(ctx.store, str(uid), _check_label(label))
        node: NodeBase = _registry(info).make(found_label, props)
        return node

    @strawberry.field(
        description="Find nodes by uid (exact or prefix) or name (contains, any case)."
    )
    def search(
        self,
        info: Info,
        text: str,
        labels: list[str] | None = None,
        first: int = 20,
    ) -> list[SearchHit]:
        ctx: Context = info.context
        ctx.require(Op.READ)
        text = text.strip()
        if not text:
            return []
        limit = max(1, min(first, 100))
        wanted = [x for x in (labels or SEARCH_LABELS) if _check_label(x)]
        hits: dict[tuple[str, str], SearchHit] = {}
        for row in ctx.read(cypher.load("lineage/find_uid"), {"uid": text}):
            props = row["props"]
            if row["label"] in EXPOSED_LABELS:
                hits[(row["label"], text)] = _hit(ctx, str(row["label"]), props)
        for label in wanted:
            if len(hits) >= limit:
                break
            node = SCHEMA.node(label)
            by_name = node.prop("name") is not None and (
                "name" not in node.pii_props or ctx.principal.sees_pii
            )
            name = "api/search_names" if by_name else "api/search_uids"
            rows = ctx.read(
                cypher.render(name, label=label), {"text": text, "limit": limit - len(hits)}
            )
            for r in rows:
                hits.setdefault((label, str(r["uid"])), _hit(ctx, label, r))
        return list(hits.values())[:limit]

    @strawberry.field(
        description="The lineage of a node as the graph was at `at` (ISO-8601; null: now): "
        "upstream from a KPI through action, run, campaign, plan item, strategy version, "
        "approvals, validation and evidence to ingest batches and data sources; downstream "
        "from a source to all it influenced."
    )
    def lineage(
        self,
        info: Info,
        uid: strawberry.ID,
        label: str | None = None,
        direction: Direction = Direction.UPSTREAM,
        depth: int = 6,
        at: str | None = None,
        fanout: int = 50,
        max_nodes: int = 500,
    ) -> LineageGraph:
        ctx: Context = info.context
        ctx.require(Op.READ)
        cap = ctx.settings.api_lineage_max_nodes
        if not 1 <= max_nodes <= cap:
            raise ApiError(BAD_USER_INPUT, f"maxNodes must be between 1 and {cap}")
        with ctx.service():
            result = lineage(
                ctx.store,
                str(uid),
                label=_check_label(label),
                direction=direction.value,
                depth=depth,
                at=at,
                fanout=fanout,
                max_nodes=max_nodes,
                timeout_ms=ctx.timeout_ms(),
            )
        return to_graphql(result, ctx.principal)

    @strawberry.field(description="May this strategy run? Governance's answer, with reasons.")
    def approval_status(self, info: Info, strategy: strawberry.ID) -> JSON:
        ctx: Context = info.context
        ctx.require(Op.READ)
        with ctx.service():
            return cast(JSON, approval_status(ctx.store, str(strategy)).as_dict())

    @strawberry.field(description="Recompute the audit hash chain; where it breaks, if it does.")
    def audit_verify(self, info: Info) -> JSON:
        ctx: Context = info.context
        ctx.require(Op.READ)
        with ctx.service():
            return cast(JSON, verify(ctx.store).as_dict())

    @strawberry.field(description="The global kill switch (and one run's, when named).")
    def kill_switch_state(self, info: Info, run: strawberry.ID | None = None) -> JSON:
        ctx: Context = info.context
        ctx.require(Op.READ)
        with ctx.service():
            return cast(JSON, kill_state(ctx.store, str(run or "")))


def _hit(ctx: Context, label: str, props: dict[str, Any]) -> SearchHit:
    pii = label in SCHEMA.labels and "name" in SCHEMA.node(label).pii_props
    name = props.get("name")
    return SearchHit(
        label=label,
        uid=str(props["uid"]),
        name=None if name is None or (pii and not ctx.principal.sees_pii) else str(name),
        created_at=props.get("created_at"),
    )


def _where(ctx: Context, node: NodeType, where: list[PropertyFilter] | None) -> list[Any]:
    out = []
    for f in where or []:
        prop = node.prop(f.name)
        if prop is None:
            names = ", ".join(p.name for p in node.all_props())
            raise ApiError(
                BAD_USER_INPUT, f"{node.label} has no property {f.name!r}; it has: {names}"
            )
        if prop.pii:
            ctx.principal.require_pii(f"{node.label}.{f.name}")
        if not isinstance(f.value, str | int | float | bool):
            raise ApiError(BAD_USER_INPUT, f"filter {f.name}: the value must be a scalar")
        out.append({"name": f.name, "value": f.value})
    return out


def _list_field(registry: Registry, node: NodeType) -> Any:
    label = node.label
    query = cypher.render("api/list_nodes", label=label)
    conn = registry.connections[label]

    def resolve(
        info: Info,
        first: int | None = None,
        after: str | None = None,
        where: list[PropertyFilter] | None = None,
    ) -> Any:
        ctx: Context = info.context
        ctx.require(Op.READ)
        limit = page_size(ctx, first)
        rows = ctx.read(
            query,
            {"after": decode_cursor(after), "where": _where(ctx, node, where), "limit": limit + 1},
        )
        return connection(registry, conn, rows, limit, label=label)

    resolve.__annotations__ = {
        "info": Info,
        "first": int | None,
        "after": str | None,
        "where": list[PropertyFilter] | None,
        "return": conn,
    }
    return strawberry.field(
        resolver=resolve,
        name=plural(lower_camel(label)),
        description=f"{label} nodes in uid order, a page at a time. {node.doc}",
    )


def _get_field(registry: Registry, node: NodeType) -> Any:
    label = node.label
    query = cypher.render("lineage/get_node", label=label)
    cls = registry.nodes[label]

    def resolve(info: Info, uid: strawberry.ID) -> Any:
        ctx: Context = info.context
        ctx.require(Op.READ)
        rows = ctx.read(query, {"uid": str(uid)})
        return registry.make(label, dict(rows[0]["props"])) if rows else None

    resolve.__annotations__ = {"info": Info, "uid": strawberry.ID, "return": cls | None}
    return strawberry.field(
        resolver=resolve, name=lower_camel(label), description=f"One {label} by uid."
    )


def build_query(registry: Registry) -> type:
    ns: dict[str, Any] = {"__doc__": "Reads of the marketing graph."}
    for node in EXPOSED:
        ns[f"get_{node.label}"] = _get_field(registry, node)
        ns[f"list_{node.label}"] = _list_field(registry, node)
    return strawberry.type(type("Query", (QueryBase,), ns), name="Query")
