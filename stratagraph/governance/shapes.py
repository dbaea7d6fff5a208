"""The SHACL shapes: loading, versioning, and generating the structural ones from the schema.

`stratagraph/shapes/` holds Turtle files:
- `structural.ttl` is generated from the graph declaration (`stratagraph shapes generate`):
  datatypes, required properties, single values, choices, ranges and lengths of every node
  label and relationship, and the derived policy that plan nodes hold no personal data;
- the others are written by hand in marketing terms (`policy.ttl`, `plan.ttl`).

The shapes version is a hash of every file's name and bytes, recorded in every report.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from rdflib import RDF, BNode, Graph, Literal
from rdflib.namespace import SH

from stratagraph.graph_schema import SCHEMA, GraphSchema, Prop, PropType
from stratagraph.graph_schema.rdf import DATATYPES, LIST_TYPES, PREFIXES, pii_names

STRUCTURAL_FILE = "structural.ttl"
# nodes that make up a plan: none of them may carry personal data
PLAN_LABELS = ("Strategy", "PlanItem", "Goal")


def shapes_dir() -> Traversable:
    return resources.files("stratagraph").joinpath("shapes")


def shape_files() -> list[Traversable]:
    return sorted(
        (p for p in shapes_dir().iterdir() if p.name.endswith(".ttl")), key=lambda p: p.name
    )


@dataclass(frozen=True)
class ShapesBundle:
    """The shapes graph with its version (sha256 of the files' names and contents)."""

    graph: Graph
    version: str
    files: tuple[str, ...]
    text: str


@cache
def load_shapes() -> ShapesBundle:
    digest = hashlib.sha256()
    texts: list[str] = []
    names: list[str] = []
    for path in shape_files():
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        texts.append(data.decode("utf-8"))
        names.append(path.name)
    text = "\n".join(texts)
    graph = Graph()
    for chunk in texts:
        graph.parse(data=chunk, format="turtle")
    return ShapesBundle(
        graph=with_sparql_targets(graph), version=digest.hexdigest(), files=tuple(names), text=text
    )


def with_sparql_targets(shapes: Graph) -> Graph:
    """Give every node shape whose only constraint is one SPARQL constraint a SHACL-AF
    SPARQL target built from that constraint's own query.

    `sh:targetClass C` + constraint Q validates Q once per instance of C; the target
    `SELECT DISTINCT ?this WHERE { ?this a C . { Q with $this unbound } }` finds, in one
    query, the instances for which Q returns anything, and Q then runs only on those. The
    results are the same (a focus node Q says nothing about produces no result either way);
    a conforming 200-item plan costs one query per shape instead of 200.
    """
    out = Graph()
    for triple in shapes:
        out.add(triple)
    for prefix, namespace in shapes.namespaces():
        out.bind(prefix, namespace)
    own = {SH.targetClass, SH.sparql, SH.severity, RDF.type, SH.message, SH.deactivated}
    for shape in list(out.subjects(RDF.type, SH.NodeShape)):
        classes = list(out.objects(shape, SH.targetClass))
        constraints = list(out.objects(shape, SH.sparql))
        if len(classes) != 1 or len(constraints) != 1:
            continue
        if any(p not in own for p in out.predicates(shape, None)):
            continue
        select = out.value(constraints[0], SH.select)
        if select is None:
            continue
        inner = str(select).replace("$this", "?this")
        target = BNode()
        out.add((target, RDF.type, SH.SPARQLTarget))
        for prefixes in out.objects(constraints[0], SH.prefixes):
            out.add((target, SH.prefixes, prefixes))
        out.add(
            (
                target,
                SH.select,
                Literal(
                    f"SELECT DISTINCT ?this WHERE {{ ?this a <{classes[0]}> . {{ {inner} }} }}"
                ),
            )
        )
        out.remove((shape, SH.targetClass, classes[0]))
        out.add((shape, SH.target, target))
    return out


def shapes_version() -> str:
    return load_shapes().version


# --------------------------------------------------------------------------- generation


def _lit(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _num(value: float, prop_type: PropType) -> str:
    if prop_type in (PropType.INT,):
        return f'"{int(value)}"^^xsd:integer'
    return f'"{float(value)!r}"^^xsd:double'


_TYPE_WORDS = {
    PropType.STRING: "text",
    PropType.INT: "a whole number",
    PropType.FLOAT: "a number",
    PropType.BOOL: "true or false",
    PropType.DATETIME: "an ISO-8601 UTC time",
    PropType.DATE: "a date (YYYY-MM-DD)",
    PropType.STRING_LIST: "a list of text",
    PropType.FLOAT_LIST: "a list of numbers",
    PropType.JSON: "a JSON document",
}


def _property_shape(owner: str, target_kind: str, prop: Prop) -> tuple[str, str]:
    name = f"sgs:{owner}-{prop.name}"
    lines = [f"    sh:path sg:{prop.name} ;", f"    sh:datatype {_curie(DATATYPES[prop.type])} ;"]
    words = [_TYPE_WORDS[prop.type]]
    if prop.required:
        lines.append("    sh:minCount 1 ;")
    if prop.type not in LIST_TYPES:
        lines.append("    sh:maxCount 1 ;")
    if prop.choices:
        lines.append(
            "    sh:in ( " + " ".join(_lit(c) + "^^xsd:string" for c in prop.choices) + " ) ;"
        )
        words.append("one of " + ", ".join(prop.choices))
    if prop.minimum is not None:
        lines.append(f"    sh:minInclusive {_num(prop.minimum, prop.type)} ;")
        words.append(f"at least {prop.minimum:g}")
    if prop.maximum is not None:
        lines.append(f"    sh:maxInclusive {_num(prop.maximum, prop.type)} ;")
        words.append(f"at most {prop.maximum:g}")
    if prop.max_length is not None and prop.type in (PropType.STRING, PropType.STRING_LIST):
        lines.append(f"    sh:maxLength {prop.max_length} ;")
        words.append(f"at most {prop.max_length} characters")
    single = "" if prop.type in LIST_TYPES else "one value, "
    need = "is required: " if prop.required else "must be "
    message = (
        f"{owner}.{prop.name} {need}{single}{'; '.join(words)}. Fix the value where the "
        f"{target_kind} is written (input file or the component that wrote it)."
    )
    lines.append(f"    sh:message {_lit(message)} ;")
    lines.append("    sh:severity sh:Violation .")
    return name, f"{name} a sh:PropertyShape ;\n" + "\n".join(lines) + "\n"


def _curie(iri: str) -> str:
    for prefix, ns in (
        ("xsd", "http://www.w3.org/2001/XMLSchema#"),
        ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def generate_structural(schema: GraphSchema = SCHEMA) -> str:
    """The Turtle text of shapes/structural.ttl, derived from the declaration."""
    out = [
        "# Generated from stratagraph/graph_schema/declaration.py by "
        "`stratagraph shapes generate`; do not edit by hand.",
        "@prefix sh: <http://www.w3.org/ns/shacl#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .",
        f"@prefix sg: <{PREFIXES['sg']}> .",
        f"@prefix sgs: <{PREFIXES['sgs']}> .",
        "",
        "# ---- structure: one node shape per label, one property shape per property",
        "",
    ]
    for node in schema.nodes:
        shapes: list[str] = []
        bodies: list[str] = []
        for prop in node.all_props():
            name, body = _property_shape(node.label, "node", prop)
            shapes.append(name)
            bodies.append(body)
        out.append(
            f"sgs:{node.label}Shape a sh:NodeShape ;\n    sh:targetClass sg:{node.label} ;\n"
            f"    sh:property {', '.join(shapes)} .\n"
        )
        out.extend(bodies)
    for rel in schema.rels:
        if not rel.props:
            continue
        shapes, bodies = [], []
        for prop in rel.all_props():
            name, body = _property_shape(f"{rel.type}_Edge", "relationship", prop)
            shapes.append(name)
            bodies.append(body)
        out.append(
            f"sgs:{rel.type}_EdgeShape a sh:NodeShape ;\n"
            f"    sh:targetClass sg:{rel.type}_Edge ;\n"
            f"    sh:property {', '.join(shapes)} .\n"
        )
        out.extend(bodies)
    out += [
        "# ---- policy derived from the declaration: plan nodes hold no personal data",
        "# (every property flagged pii=True on any label, unless the plan label declares it)",
        "",
    ]
    pii = pii_names(schema)
    for label in PLAN_LABELS:
        own = {p.name for p in schema.node(label).all_props()}
        names = [n for n in pii if n not in own]
        if not names:
            continue
        shapes, bodies = [], []
        for name in names:
            shape = f"sgs:NoPII-{label}-{name}"
            shapes.append(shape)
            message = (
                f"{label} carries personal data ({name}): plans must not hold personal data. "
                f"Remove {name} from the {label} and reach people through an Audience instead."
            )
            bodies.append(
                f"{shape} a sh:PropertyShape ;\n    sh:path sg:{name} ;\n    sh:maxCount 0 ;\n"
                f"    sh:message {_lit(message)} ;\n    sh:severity sh:Violation .\n"
            )
        out.append(
            f"sgs:NoPII-{label} a sh:NodeShape ;\n    sh:targetClass sg:{label} ;\n"
            f"    sh:property {', '.join(shapes)} .\n"
        )
        out.extend(bodies)
    return "\n".join(out)


def structural_path() -> Path:
    return Path(str(shapes_dir().joinpath(STRUCTURAL_FILE)))


def write_structural(path: Path | None = None) -> Path:
    target = path or structural_path()
    target.write_text(generate_structural(), encoding="utf-8")
    load_shapes.cache_clear()
    return target
