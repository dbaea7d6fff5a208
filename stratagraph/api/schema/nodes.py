# mypy: disable-error-code="untyped-decorator"
# (strawberry's decorators are untyped for mypy; its types are read at runtime)
"""GraphQL types generated from the one graph declaration (`graph_schema/declaration.py`).

Every node label (but ApiToken and AuditHead) becomes an object type implementing `Node`,
with one nullable field per declared property (camelCase) and one cursor-paginated
connection per relationship it takes part in: outgoing ones named after the type
(`derivedFrom`, `fromBatch`, `of`), incoming ones by `INVERSE` (`approvals`, `runs`,
`observations`). A relationship whose other end may have several labels returns `Node`s.
Properties declared `pii=True` resolve only for the roles allowed to see personal data.
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from stratagraph import cypher
from stratagraph.api.auth import Op
from stratagraph.api.errors import BAD_USER_INPUT, ApiError
from stratagraph.graph_schema import SCHEMA, NodeType, Prop, PropType, RelType
from stratagraph.lineage import HIDDEN_LABELS

from .context import Context

EXPOSED: tuple[NodeType, ...] = tuple(n for n in SCHEMA.nodes if n.label not in HIDDEN_LABELS)
EXPOSED_LABELS = frozenset(n.label for n in EXPOSED)

# names of the incoming side of each relationship type
INVERSE = {
    "FROM_SOURCE": "batches",
    "FROM_BATCH": "wrote",
    "IN_MARKET": "located",
    "HAS_SIGNAL": "signalOf",
    "REACHABLE_VIA": "reachableFrom",
    "MEMBER_OF": "members",
    "CONSENTS_TO": "consents",
    "FITS": "fittingAssets",
    "VARIANT_OF": "variants",
    "LOCALIZED_FOR": "localizedAssets",
    "FOR_GOAL": "strategies",
    "PROPOSES": "proposedBy",
    "DERIVED_FROM": "evidenceFor",
    "SUPERSEDES": "supersededBy",
    "TARGETS": "targetedBy",
    "ON": "planItems",
    "USES": "usedBy",
    "DEPENDS_ON": "dependents",
    "VALIDATES": "validationReports",
    "HAS_VIOLATION": "reports",
    "APPROVES": "approvals",
    "EXECUTES": "runs",
    "IN_RUN": "actions",
    "FOR_CAMPAIGN": "actions",
    "REALIZES": "campaigns",
    "RUNS_ON": "campaigns",
    "OF": "observations",
    "TO_CONTACT": "actions",
    "FROM_ACTION": "observations",
}
# friendlier second names for a few outgoing relationships: (label, type) -> name
ALIASES = {
    ("Strategy", "PROPOSES"): "items",
    ("Strategy", "DERIVED_FROM"): "evidence",
    ("Strategy", "FOR_GOAL"): "goals",
    ("ValidationReport", "HAS_VIOLATION"): "violations",
}
DEFAULT_PAGE = 50

_SCALARS: dict[PropType, Any] = {
    PropType.STRING: str,
    PropType.INT: int,
    PropType.FLOAT: float,
    PropType.BOOL: bool,
    PropType.DATETIME: str,
    PropType.DATE: str,
    PropType.STRING_LIST: list[str],
    PropType.FLOAT_LIST: list[float],
    PropType.JSON: JSON,
}


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def lower_camel(label: str) -> str:
    """KPIObservation -> kpiObservation, DataSource -> dataSource."""
    caps = len(label) - len(label.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if caps <= 1 or caps == len(label):
        return label[:1].lower() + label[1:] if caps <= 1 else label.lower()
    return label[: caps - 1].lower() + label[caps - 1 :]


def plural(name: str) -> str:
    if name.endswith("Settings"):
        return name + "Versions"
    if name.endswith("y") and name[-2:-1] not in ("a", "e", "i", "o", "u"):
        return name[:-1] + "ies"
    if name.endswith(("s", "sh", "ch", "x")):
        return name + "es"
    return name + "s"


def encode_cursor(uid: str) -> str:
    return base64.urlsafe_b64encode(uid.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str | None) -> str:
    if not cursor:
        return ""
    try:
        padded = (cursor + "=" * (-len(cursor) % 4)).encode("ascii")
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise ApiError(
            BAD_USER_INPUT,
            f"not a cursor: {cursor!r}; pass the endCursor (or an edge's cursor) of a page",
        ) from None


def page_size(ctx: Context, first: int | None) -> int:
    largest = ctx.settings.api_page_max
    if first is None:
        return min(DEFAULT_PAGE, largest)
    if not 0 <= first <= largest:
        raise ApiError(BAD_USER_INPUT, f"first must be between 0 and {largest}, not {first}")
    return first


def coerce(prop: Prop, value: Any) -> Any:
    """Stored values as the declared GraphQL type (JSON text parsed, numbers of the right
    kind); a value that does not fit is given as text rather than failing the query."""
    if value is None:
        return None
    kind = prop.type
    try:
        if kind == PropType.JSON:
            return json.loads(value) if isinstance(value, str) else value
        if kind == PropType.INT:
            if isinstance(value, bool):
                return int(value)
            if isinstance(value, float) and value.is_integer():
                return int(value)
            return value if isinstance(value, int) and abs(value) < 2**31 else None
        if kind == PropType.FLOAT:
            return float(value) if isinstance(value, int | float) else None
        if kind == PropType.BOOL:
            return value if isinstance(value, bool) else None
        if kind == PropType.STRING_LIST:
            return [str(v) for v in value] if isinstance(value, list) else [str(value)]
        if kind == PropType.FLOAT_LIST:
            return [float(v) for v in value] if isinstance(value, list) else None
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, str) else str(value)


# ----------------------------------------------------------------------------- interface


@strawberry.type(description="Where a page ends and whether more follow.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.interface(
    name="Node", description="Any node of the marketing graph, addressed by label and uid."
)
class NodeBase:
    props: strawberry.Private[dict[str, Any]]
    node_label: strawberry.Private[str]

    @strawberry.field(description="Stable business key, unique per label.")
    def uid(self) -> strawberry.ID:
        return strawberry.ID(str(self.props["uid"]))

    @strawberry.field(description="The node's label (its type).")
    def label(self) -> str:
        return self.node_label

    @strawberry.field(description="When the platform first wrote it (ISO-8601 UTC).")
    def created_at(self) -> str | None:
        value = self.props.get("created_at")
        return None if value is None else str(value)

    @strawberry.field(description="When the platform last wrote it (ISO-8601 UTC).")
    def updated_at(self) -> str | None:
        value = self.props.get("updated_at")
        return None if value is None else str(value)


@strawberry.input(description="Keep nodes whose property equals a value.")
class PropertyFilter:
    name: str = strawberry.field(description="a declared property, snake_case as stored")
    value: JSON = strawberry.field(description="the value it must equal")


@dataclass
class Registry:
    """The generated classes, by label."""

    nodes: dict[str, Any]
    connections: dict[str, Any]
    node_connection: Any

    def make(self, label: str, props: dict[str, Any]) -> Any:
        cls = self.nodes.get(label)
        if cls is None:
            raise ApiError(BAD_USER_INPUT, f"nodes of label {label} are not exposed")
        return cls(props=props, node_label=label)


def _connection_classes(name: str, node_type: Any) -> Any:
    edge_ns: dict[str, Any] = {
        "__annotations__": {
            "cursor": str,
            "node": node_type,
            "relationship": JSON | None,
        },
        "__doc__": f"One {name} in a page, with the relationship's properties (if any).",
    }
    edge = strawberry.type(type(f"{name}Edge", (), edge_ns))

    def nodes(root: Any) -> list[Any]:
        return [e.node for e in root.edges]

    nodes.__annotations__ = {"root": Any, "return": list[node_type]}
    conn_ns: dict[str, Any] = {
        "__annotations__": {"edges": list[edge], "page_info": PageInfo},  # type: ignore[valid-type]
        "nodes": strawberry.field(resolver=nodes, description="The nodes of the edges."),
        "__doc__": f"A page of {name} nodes; pass pageInfo.endCursor as `after` for the next.",
    }
    conn = strawberry.type(type(f"{name}Connection", (), conn_ns))
    conn.edge_type = edge  # type: ignore[attr-defined]
    return conn


def connection(
    registry: Registry, conn: Any, rows: list[dict[str, Any]], limit: int, *, label: str | None
) -> Any:
    edge_cls = conn.edge_type
    visible = [r for r in rows if (label or r.get("label")) in EXPOSED_LABELS]
    edges = [
        edge_cls(
            cursor=encode_cursor(str(r["props"]["uid"])),
            node=registry.make(label or str(r["label"]), dict(r["props"])),
            relationship=r.get("rel") or None,
        )
        for r in visible[:limit]
    ]
    return conn(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > limit, end_cursor=edges[-1].cursor if edges else None
        ),
    )


def _prop_field(node: NodeType, prop: Prop) -> Any:
    gql_type = _SCALARS[prop.type]
    name = prop.name
    what = f"{node.label}.{camel(name)}"

    if prop.pii:

        def pii_getter(root: Any, info: Info) -> Any:
            ctx: Context = info.context
            ctx.principal.require_pii(what)
            return coerce(prop, root.props.get(name))

        pii_getter.__annotations__ = {"root": Any, "info": Info, "return": gql_type | None}
        doc = (prop.doc + " " if prop.doc else "") + "(personal data: marketer and admin only)"
        return strawberry.field(resolver=pii_getter, name=camel(name), description=doc)

    def getter(root: Any) -> Any:
        return coerce(prop, root.props.get(name))

    getter.__annotations__ = {"root": Any, "return": gql_type | None}
    return strawberry.field(resolver=getter, name=camel(name), description=prop.doc or None)


def _rel_field(
    registry: Registry, label: str, rel: RelType, out: bool, gql_name: str
) -> tuple[str, Any]:
    pairs = rel.endpoints
    others = tuple(
        dict.fromkeys(
            (b if out else a)
            for a, b in pairs
            if (a if out else b) == label and (b if out else a) in EXPOSED_LABELS
        )
    )
    single = others[0] if len(others) == 1 else None
    conn = registry.connections[single] if single else registry.node_connection
    query = cypher.render(
        "api/neighbours_out" if out else "api/neighbours_in", label=label, type=rel.type
    )

    def resolve(
        root: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
    ) -> Any:
        ctx: Context = info.context
        ctx.require(Op.READ)
        limit = page_size(ctx, first)
        rows = ctx.read(
            query,
            {"uid": str(root.props["uid"]), "after": decode_cursor(after), "limit": limit + 1},
        )
        return connection(registry, conn, rows, limit, label=single)

    resolve.__annotations__ = {
        "root": Any,
        "info": Info,
        "first": int | None,
        "after": str | None,
        "return": conn,
    }
    arrow = f"(:{label})-[:{rel.type}]->" if out else f"(:{label})<-[:{rel.type}]-"
    doc = f"{rel.doc} {arrow}({'|'.join(others)})"
    return gql_name, strawberry.field(resolver=resolve, name=gql_name, description=doc)


def build_registry(
    extras: Callable[[Registry, str], dict[str, Any]] | None = None,
) -> Registry:
    """Generate the node, edge and connection types; `extras(registry, label)` adds fields
    that are not plain properties or relationships (forecasts, approval state...)."""
    raw: dict[str, Any] = {n.label: type(n.label, (NodeBase,), {"__doc__": n.doc}) for n in EXPOSED}
    registry = Registry(nodes=raw, connections={}, node_connection=None)
    for node in EXPOSED:
        registry.connections[node.label] = _connection_classes(node.label, raw[node.label])
    registry.node_connection = _connection_classes("Node", NodeBase)
    reserved = {"uid", "label", "createdAt", "updatedAt"}
    for node in EXPOSED:
        fields: dict[str, Any] = {}
        for prop in node.props:
            fields[camel(prop.name)] = _prop_field(node, prop)
        for rel in SCHEMA.rels:
            sides = [(True, camel(rel.type.lower()))] if node.label in rel.from_labels else []
            if node.label in rel.to_labels:
                sides.append((False, INVERSE[rel.type]))
            for out, gql_name in sides:
                names = [gql_name]
                alias = ALIASES.get((node.label, rel.type)) if out else None
                if alias:
                    names.append(alias)
                for name in names:
                    if name in fields or name in reserved:
                        raise ValueError(
                            f"GraphQL field {node.label}.{name} is taken twice; add a name "
                            "to INVERSE or ALIASES in stratagraph/api/schema/nodes.py"
                        )
                    fields[name] = _rel_field(registry, node.label, rel, out, name)[1]
        for name, value in (extras(registry, node.label) if extras else {}).items():
            if name in fields or name in reserved:
                raise ValueError(f"GraphQL field {node.label}.{name} is taken twice")
            fields[name] = value
        cls = raw[node.label]
        for name, value in fields.items():
            value.graphql_name = name
            setattr(cls, f"f_{name}", value)
        cls.__annotations__ = {}
        strawberry.type(cls, name=node.label, description=node.doc)
    return registry
