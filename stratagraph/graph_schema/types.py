"""Building blocks of the graph declaration: property, node and relationship types."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class PropType(StrEnum):
    STRING = "string"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATETIME = "datetime"  # stored as ISO-8601 UTC string, fixed width, so strings sort as times
    DATE = "date"  # stored as YYYY-MM-DD
    STRING_LIST = "string_list"
    FLOAT_LIST = "float_list"
    JSON = "json"  # a JSON document stored as a string: neither engine stores maps


@dataclass(frozen=True)
class Prop:
    name: str
    type: PropType = PropType.STRING
    required: bool = False
    pii: bool = False
    indexed: bool = False
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    doc: str = ""

    def __post_init__(self) -> None:
        if not IDENTIFIER.match(self.name):
            raise ValueError(f"property name {self.name!r} is not a plain identifier")


@dataclass(frozen=True)
class NodeType:
    """A node label. Every node has `uid` (unique per label), `created_at` and `updated_at`."""

    label: str
    doc: str
    props: tuple[Prop, ...] = ()
    ingestable: bool = True  # may be loaded from files; else only the platform writes it
    versioned: bool = False  # changes make a new node linked by SUPERSEDES

    def __post_init__(self) -> None:
        if not IDENTIFIER.match(self.label):
            raise ValueError(f"label {self.label!r} is not a plain identifier")
        names = [p.name for p in self.props]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.label}: duplicate property names")

    def prop(self, name: str) -> Prop | None:
        return next((p for p in self.all_props() if p.name == name), None)

    def all_props(self) -> tuple[Prop, ...]:
        return SYSTEM_NODE_PROPS + self.props

    @property
    def pii_props(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.props if p.pii)


@dataclass(frozen=True)
class RelType:
    type: str
    doc: str
    endpoints: tuple[tuple[str, str], ...]
    props: tuple[Prop, ...] = ()
    ingestable: bool = True

    def __post_init__(self) -> None:
        if not IDENTIFIER.match(self.type):
            raise ValueError(f"relationship type {self.type!r} is not a plain identifier")

    def prop(self, name: str) -> Prop | None:
        return next((p for p in self.all_props() if p.name == name), None)

    def all_props(self) -> tuple[Prop, ...]:
        return SYSTEM_REL_PROPS + self.props

    @property
    def from_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for a, _ in self.endpoints))

    @property
    def to_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(b for _, b in self.endpoints))


UID = Prop("uid", required=True, indexed=True, max_length=200, doc="stable business key")
SYSTEM_NODE_PROPS: tuple[Prop, ...] = (
    UID,
    Prop("created_at", PropType.DATETIME, doc="set by the platform on first write"),
    Prop("updated_at", PropType.DATETIME, doc="set by the platform on every write"),
)
SYSTEM_REL_PROPS: tuple[Prop, ...] = (
    Prop("batch", doc="uid of the IngestBatch that last wrote this relationship"),
    Prop("updated_at", PropType.DATETIME),
)
# Written by the platform only; never accepted from input files.
SYSTEM_PROP_NAMES = frozenset({"created_at", "updated_at", "batch"})


@dataclass(frozen=True)
class IndexSpec:
    label: str
    prop: str
    unique: bool


@dataclass(frozen=True)
class GraphSchema:
    nodes: tuple[NodeType, ...]
    rels: tuple[RelType, ...]
    _by_label: dict[str, NodeType] = field(init=False, repr=False, compare=False)
    _by_type: dict[str, RelType] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_label", {n.label: n for n in self.nodes})
        object.__setattr__(self, "_by_type", {r.type: r for r in self.rels})
        if len(self._by_label) != len(self.nodes) or len(self._by_type) != len(self.rels):
            raise ValueError("duplicate label or relationship type in the schema")
        for rel in self.rels:
            for a, b in rel.endpoints:
                for label in (a, b):
                    if label not in self._by_label:
                        raise ValueError(f"{rel.type} names unknown label {label}")

    def node(self, label: str) -> NodeType:
        try:
            return self._by_label[label]
        except KeyError:
            raise KeyError(
                f"unknown node label {label!r}; known: {', '.join(sorted(self._by_label))}"
            ) from None

    def rel(self, rel_type: str) -> RelType:
        try:
            return self._by_type[rel_type]
        except KeyError:
            raise KeyError(
                f"unknown relationship type {rel_type!r}; known: {', '.join(sorted(self._by_type))}"
            ) from None

    def has_node(self, label: str) -> bool:
        return label in self._by_label

    def has_rel(self, rel_type: str) -> bool:
        return rel_type in self._by_type

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self._by_label)

    @property
    def rel_types(self) -> tuple[str, ...]:
        return tuple(self._by_type)

    def resolve(self, name: str) -> NodeType | RelType:
        """Find a type by a file-friendly name: `Audience`, `audience`, `reachable_via`."""
        lowered = name.lower().replace("-", "_")
        for node in self.nodes:
            if node.label.lower() == lowered:
                return node
        for rel in self.rels:
            if rel.type.lower() == lowered:
                return rel
        raise KeyError(name)

    def indexes(self) -> Iterator[IndexSpec]:
        """Unique uid per label, plus every property declared `indexed`."""
        for node in self.nodes:
            for prop in node.all_props():
                if prop.indexed:
                    yield IndexSpec(node.label, prop.name, unique=prop.name == "uid")

    def ingestable(self) -> Iterable[NodeType | RelType]:
        yield from (n for n in self.nodes if n.ingestable)
        yield from (r for r in self.rels if r.ingestable)
