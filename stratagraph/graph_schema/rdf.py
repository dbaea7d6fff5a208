"""The one mapping from the property graph to RDF, derived from the declaration.

- a node label is a class: `Strategy` -> `sg:Strategy`;
- a property is a predicate named after it: `budget` -> `sg:budget` (the same predicate on
  every label; shapes give its datatype per class);
- a relationship type is a predicate: `TARGETS` -> `sg:TARGETS`;
- a node is `id:Label/uid`, so the same node has the same IRI on every engine and in every run;
- a relationship that carries properties is also reified as a standard `rdf:Statement`
  (`rdf:subject`, `rdf:predicate`, `rdf:object`) of class `sg:TYPE_Edge`, whose properties
  hang off it, at the IRI `id:TYPE/from-uid/to-uid`;
- values become literals typed from the declared PropType; list properties give one triple
  per element; a value that does not fit its declared type keeps its own type, so the
  structural shapes report it instead of the projection hiding it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any
from urllib.parse import quote, unquote

from rdflib import RDF, XSD, Graph, Namespace, URIRef

from .declaration import SCHEMA
from .types import GraphSchema, Prop, PropType

SG = Namespace("https://stratagraph.dev/ns/schema#")
ID = Namespace("https://stratagraph.dev/ns/id/")
SHAPES = Namespace("https://stratagraph.dev/ns/shapes#")

DATATYPES: dict[PropType, URIRef] = {
    PropType.STRING: XSD.string,
    PropType.INT: XSD.integer,
    PropType.FLOAT: XSD.double,
    PropType.BOOL: XSD.boolean,
    PropType.DATETIME: XSD.dateTime,
    PropType.DATE: XSD.date,
    PropType.STRING_LIST: XSD.string,
    PropType.FLOAT_LIST: XSD.double,
    PropType.JSON: RDF.JSON,
}
LIST_TYPES = frozenset({PropType.STRING_LIST, PropType.FLOAT_LIST})
PREFIXES = {"sg": SG, "id": ID, "sgs": SHAPES}


def class_iri(label: str) -> URIRef:
    return SG[label]


def predicate_iri(name: str) -> URIRef:
    """A property or a relationship type."""
    return SG[name]


def edge_class_iri(rel_type: str) -> URIRef:
    return SG[f"{rel_type}_Edge"]


def node_iri(label: str, uid: str) -> URIRef:
    return ID[f"{label}/{quote(str(uid), safe='')}"]


def edge_iri(rel_type: str, from_uid: str, to_uid: str) -> URIRef:
    return ID[f"{rel_type}/{quote(str(from_uid), safe='')}/{quote(str(to_uid), safe='')}"]


def parse_iri(iri: str) -> tuple[str, str]:
    """(label or relationship type, uid or 'from->to') of a node or edge IRI; ('', iri) else."""
    if not iri.startswith(str(ID)):
        return "", iri
    parts = iri[len(str(ID)) :].split("/")
    if len(parts) == 2:
        return parts[0], unquote(parts[1])
    if len(parts) == 3:
        return parts[0], f"{unquote(parts[1])}->{unquote(parts[2])}"
    return "", iri


def local_name(iri: str) -> str:
    for ns in (SG, SHAPES):
        if iri.startswith(str(ns)):
            return iri[len(str(ns)) :]
    return iri


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _double(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "-INF"
    return repr(float(value))


def literal_nt(lexical: str, datatype: str | None = None) -> str:
    """A literal in N-Triples syntax. Text is written as an explicit `^^xsd:string`: rdflib
    and Oxigraph then agree on it (a simple literal is an xsd:string to one and not the
    other), so shapes compare text with STR() or typed constants."""
    return f'"{_escape(lexical)}"^^<{datatype or _STRING}>'


def _natural(value: Any) -> str:
    if isinstance(value, bool):
        return literal_nt("true" if value else "false", _BOOL)
    if isinstance(value, int):
        return literal_nt(str(value), _INT)
    if isinstance(value, float):
        return literal_nt(_double(value), _DOUBLE)
    return literal_nt(str(value))


_BOOL, _INT, _DOUBLE = str(XSD.boolean), str(XSD.integer), str(XSD.double)
_STRING = str(XSD.string)


def _typed(value: Any, prop_type: PropType) -> str:
    """A literal of the declared type, or of the value's own type if it does not fit."""
    match prop_type:
        case PropType.STRING | PropType.STRING_LIST:
            if isinstance(value, str):
                return literal_nt(value)
        case PropType.INT:
            if isinstance(value, int) and not isinstance(value, bool):
                return literal_nt(str(value), _INT)
            if isinstance(value, float) and value.is_integer():
                return literal_nt(str(int(value)), _INT)
        case PropType.FLOAT | PropType.FLOAT_LIST:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return literal_nt(_double(float(value)), _DOUBLE)
        case PropType.BOOL:
            if isinstance(value, bool):
                return literal_nt("true" if value else "false", _BOOL)
        case PropType.DATETIME | PropType.DATE | PropType.JSON:
            if isinstance(value, str):
                # the lexical form is kept as stored; ill-formed values fail sh:datatype
                return literal_nt(value, str(DATATYPES[prop_type]))
    return _natural(value)


def iri_nt(iri: str) -> str:
    return f"<{iri}>"


@cache
def _predicate_nt(name: str) -> str:
    return iri_nt(str(predicate_iri(name)))


@cache
def _class_nt(label: str) -> str:
    return iri_nt(str(class_iri(label)))


_RDF_TYPE = iri_nt(str(RDF.type))


class RDFMapping:
    """Label -> class, property -> predicate, value -> typed literal, from one GraphSchema.

    Triples come out as N-Triples lines (fast to build, parsed natively by the engines);
    `to_graph` turns them into an rdflib Graph where one is needed."""

    def __init__(self, schema: GraphSchema = SCHEMA) -> None:
        self.schema = schema
        # a property undeclared on a label still gets the type it has elsewhere in the schema
        self._any_label: dict[str, Prop] = {}
        for node in schema.nodes:
            for prop in node.all_props():
                self._any_label.setdefault(prop.name, prop)
        for rel in schema.rels:
            for prop in rel.all_props():
                self._any_label.setdefault(prop.name, prop)
        self._props: dict[tuple[str, str], Prop | None] = {}

    def _prop(self, owner: str, name: str) -> Prop | None:
        key = (owner, name)
        if key not in self._props:
            if self.schema.has_node(owner):
                found = self.schema.node(owner).prop(name)
            elif self.schema.has_rel(owner):
                found = self.schema.rel(owner).prop(name)
            else:
                found = None
            self._props[key] = found or self._any_label.get(name)
        return self._props[key]

    def literals(self, owner: str, name: str, value: Any) -> list[str]:
        if value is None:
            return []
        prop = self._prop(owner, name)
        if isinstance(value, list | tuple):
            if prop is None:
                return [_natural(v) for v in value if v is not None]
            if prop.type not in LIST_TYPES:
                # a list where a scalar is declared: keep JSON text so sh:datatype reports it
                return [literal_nt(json.dumps(list(value), default=str))]
            return [_typed(v, prop.type) for v in value if v is not None]
        if prop is None:
            return [_natural(value)]
        return [_typed(value, prop.type)]

    def node_lines(self, label: str, props: Mapping[str, Any]) -> Iterator[str]:
        subject = iri_nt(str(node_iri(label, str(props["uid"]))))
        yield f"{subject} {_RDF_TYPE} {_class_nt(label)} ."
        for name, value in props.items():
            if value is None:
                continue
            predicate = _predicate_nt(name)
            for literal in self.literals(label, name, value):
                yield f"{subject} {predicate} {literal} ."

    def edge_lines(
        self,
        rel_type: str,
        from_label: str,
        from_uid: str,
        to_label: str,
        to_uid: str,
        props: Mapping[str, Any] | None = None,
    ) -> Iterator[str]:
        a = iri_nt(str(node_iri(from_label, from_uid)))
        b = iri_nt(str(node_iri(to_label, to_uid)))
        p = _predicate_nt(rel_type)
        yield f"{a} {p} {b} ."
        shown = {k: v for k, v in (props or {}).items() if v is not None}
        if not shown:
            return
        edge = iri_nt(str(edge_iri(rel_type, from_uid, to_uid)))
        yield f"{edge} {_RDF_TYPE} {iri_nt(str(RDF.Statement))} ."
        yield f"{edge} {_RDF_TYPE} {iri_nt(str(edge_class_iri(rel_type)))} ."
        yield f"{edge} {iri_nt(str(RDF.subject))} {a} ."
        yield f"{edge} {iri_nt(str(RDF.predicate))} {p} ."
        yield f"{edge} {iri_nt(str(RDF.object))} {b} ."
        for name in sorted(shown):
            predicate = _predicate_nt(name)
            for literal in self.literals(rel_type, name, shown[name]):
                yield f"{edge} {predicate} {literal} ."


def to_graph(ntriples: str) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    graph.parse(data=ntriples, format="nt")
    return graph


MAPPING = RDFMapping()


def datatype_of(prop: Prop) -> URIRef:
    return DATATYPES[prop.type]


def pii_names(schema: GraphSchema = SCHEMA) -> tuple[str, ...]:
    """Every property name the declaration flags as personal data, on any label."""
    return tuple(sorted({p for n in schema.nodes for p in n.pii_props}))


def bind_prefixes(graph: Any, names: Iterable[str] = ("sg", "id", "sgs")) -> None:
    for name in names:
        graph.bind(name, PREFIXES[name])
