"""The schema as reference documentation (docs/schema.md is this module's output)."""

from __future__ import annotations

from stratagraph.graph_schema.row_models import LIST_SEPARATOR
from stratagraph.graph_schema.types import SYSTEM_PROP_NAMES, GraphSchema, Prop, PropType

_TYPE_NOTES = {
    PropType.DATETIME: "ISO-8601 time, stored in UTC",
    PropType.DATE: "YYYY-MM-DD",
    PropType.STRING_LIST: f"list of text (`a{LIST_SEPARATOR}b` in CSV, a JSON list elsewhere)",
    PropType.FLOAT_LIST: f"list of numbers (`1{LIST_SEPARATOR}2.5` in CSV)",
    PropType.JSON: "a JSON document (text in CSV)",
}


def _describe(prop: Prop) -> str:
    parts = [_TYPE_NOTES.get(prop.type, prop.type.value)]
    if prop.choices:
        parts.append("one of " + ", ".join(f"`{c}`" for c in prop.choices))
    if prop.minimum is not None or prop.maximum is not None:
        lo = "" if prop.minimum is None else f"{prop.minimum:g}"
        hi = "" if prop.maximum is None else f"{prop.maximum:g}"
        parts.append(f"range [{lo}, {hi}]")
    if prop.max_length:
        parts.append(f"at most {prop.max_length} characters")
    if prop.pii:
        parts.append("**personal data**")
    if prop.doc:
        parts.append(prop.doc)
    return "; ".join(parts)


def _rows(props: tuple[Prop, ...]) -> list[str]:
    return [
        f"| `{p.name}` | {'yes' if p.required else ''} | {_describe(p)} |"
        for p in props
        if p.name not in SYSTEM_PROP_NAMES
    ]


def markdown(schema: GraphSchema) -> str:
    lines = [
        "# Graph schema",
        "",
        "Generated from `stratagraph/graph_schema/declaration.py` by `stratagraph schema`; "
        "do not edit by hand.",
        "",
        "Every node has `uid` (unique per label), `created_at` and `updated_at`; every "
        "relationship written by an ingest carries `batch` (the IngestBatch uid) and "
        "`updated_at`. Types marked *platform* are written by stratagraph itself and cannot "
        "be ingested.",
        "",
        "## Nodes",
        "",
    ]
    for node in schema.nodes:
        origin = "loadable from files" if node.ingestable else "*platform*"
        lines += [
            f"### {node.label}",
            "",
            f"{node.doc} ({origin})",
            "",
            "| column | required | value |",
            "|---|---|---|",
        ]
        lines += _rows(node.all_props())
        lines.append("")
    lines += [
        "## Relationships",
        "",
        "Relationship files have the columns `from` and `to` (endpoint uids); where a "
        "type has several endpoint labels, also `from_label` / `to_label`.",
        "",
    ]
    for rel in schema.rels:
        origin = "loadable from files" if rel.ingestable else "*platform*"
        ends = ", ".join(f"({a})→({b})" for a, b in rel.endpoints)
        if len(ends) > 200:
            ends = f"({', '.join(rel.from_labels)})→({', '.join(rel.to_labels)})"
        lines += [f"### {rel.type}", "", f"{rel.doc} {ends} ({origin})", ""]
        if rel.props:
            lines += ["| column | required | value |", "|---|---|---|", *_rows(rel.props), ""]
    return "\n".join(lines).rstrip() + "\n"
