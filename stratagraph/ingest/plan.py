"""Validate raw records against the row models and group them into tables to write.

Nothing touches the graph here except the read that checks relationship endpoints, so a
plan with problems can be refused before a single write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from stratagraph import cypher
from stratagraph.errors import InputProblem
from stratagraph.graph_schema import SCHEMA, NodeType, RelType
from stratagraph.graph_schema.row_models import RowValidator, node_rows, rel_rows
from stratagraph.store import GraphStore

from .readers import Records, SourceFile

_LOOKUP_CHUNK = 10_000


@dataclass
class Table:
    """Validated rows of one node label, or one relationship type between two labels."""

    source: SourceFile
    kind: Literal["node", "rel"]
    type_name: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    from_label: str = ""
    to_label: str = ""
    create_only: bool = False  # nodes this input only needs to exist; existing ones are kept

    def drop(self, bad: set[int]) -> None:
        keep = [i for i, n in enumerate(self.numbers) if n not in bad]
        self.rows = [self.rows[i] for i in keep]
        self.numbers = [self.numbers[i] for i in keep]


@dataclass
class Rejected:
    source: str
    row: int | None
    record: dict[str, Any] | None
    reasons: list[str]


@dataclass
class IngestPlan:
    sources: list[SourceFile]
    tables: list[Table]
    problems: list[InputProblem]

    @property
    def node_tables(self) -> list[Table]:
        return [t for t in self.tables if t.kind == "node"]

    @property
    def rel_tables(self) -> list[Table]:
        return [t for t in self.tables if t.kind == "rel"]

    def rejected(self) -> list[Rejected]:
        grouped: dict[tuple[str, int | None], list[str]] = defaultdict(list)
        for p in self.problems:
            reason = f"{p.field}: {p.message}" if p.field else p.message
            grouped[(p.file, p.row)].append(reason)
        # the input rows of files with problems, by record number
        records = {
            s.name: dict(s.records)
            for s in self.sources
            if any(file == s.name for file, _ in grouped)
        }
        return [
            Rejected(file, row, records.get(file, {}).get(row) if row else None, reasons)
            for (file, row), reasons in grouped.items()
        ]

    def entity_count(self) -> int:
        return sum(len(t.rows) for t in self.tables)


def _validated(
    source: SourceFile,
    validator: RowValidator,
    records: Records,
    problems: list[InputProblem],
) -> tuple[list[int], list[dict[str, Any]]]:
    """Record numbers and clean rows of the records that passed (parallel lists)."""
    rows, errors = validator.validate(records.rows)
    numbers = records.numbers
    problems.extend(
        InputProblem(source.name, numbers[e.index], e.column, e.message) for e in errors
    )
    if not errors:
        return list(numbers), cast(list[dict[str, Any]], rows)  # no None without errors
    kept = [(n, row) for n, row in zip(numbers, rows, strict=True) if row is not None]
    return [n for n, _ in kept], [row for _, row in kept]


def _first_of_each(
    source: SourceFile,
    keys: list[Any],
    numbers: list[int],
    problems: list[InputProblem],
    column: str | None,
    describe: Callable[[Any, int], str],
) -> list[int] | None:
    """Positions of the first row of each key; None when every key is unique (the usual
    case, checked with one set). Later duplicates become problems."""
    if len(set(keys)) == len(keys):
        return None
    first: dict[Any, int] = {}
    keep = []
    for i, (key, number) in enumerate(zip(keys, numbers, strict=True)):
        seen = first.setdefault(key, number)
        if seen == number:
            keep.append(i)
        else:
            problems.append(InputProblem(source.name, number, column, describe(key, seen)))
    return keep


def node_table(
    source: SourceFile,
    node: NodeType,
    records: Records,
    problems: list[InputProblem],
    max_field_length: int,
) -> Table:
    numbers, rows = _validated(source, node_rows(node, max_field_length), records, problems)
    keep = _first_of_each(
        source,
        [row["uid"] for row in rows],
        numbers,
        problems,
        "uid",
        lambda uid, first: f"duplicate uid {uid!r} (first at row {first})",
    )
    if keep is not None:
        rows = [rows[i] for i in keep]
        numbers = [numbers[i] for i in keep]
    # flat rows: uid and properties (engines set a flat map fastest)
    return Table(source, "node", node.label, rows=rows, numbers=numbers)


def rel_tables(
    source: SourceFile,
    rel: RelType,
    records: Records,
    problems: list[InputProblem],
    max_field_length: int,
) -> list[Table]:
    numbers, rows = _validated(source, rel_rows(rel, max_field_length), records, problems)
    groups: dict[tuple[str, str], tuple[list[int], list[dict[str, Any]]]] = {}
    if not any("from_label" in row or "to_label" in row for row in rows):
        endpoints = _endpoints(rel, None, None)  # every row joins the same two labels
        if isinstance(endpoints, str):
            column, _, why = endpoints.partition(":")
            problems.extend(InputProblem(source.name, n, column, why.strip()) for n in numbers)
        elif rows:
            groups[endpoints] = (numbers, rows)
    else:
        resolved: dict[tuple[str | None, str | None], tuple[str, str] | str] = {}
        for number, row in zip(numbers, rows, strict=True):
            labels = (row.pop("from_label", None), row.pop("to_label", None))
            pair = resolved.get(labels)
            if pair is None:
                pair = resolved[labels] = _endpoints(rel, *labels)
            if isinstance(pair, str):
                column, _, why = pair.partition(":")
                problems.append(InputProblem(source.name, number, column, why.strip()))
                continue
            group = groups.setdefault(pair, ([], []))
            group[0].append(number)
            group[1].append(row)
    tables = []
    for (start_label, end_label), (group_numbers, group_rows) in groups.items():
        keep = _first_of_each(
            source,
            [(row["from"], row["to"]) for row in group_rows],
            group_numbers,
            problems,
            None,
            lambda key, first: (
                f"duplicate relationship {key[0]} -> {key[1]} (first at row {first})"
            ),
        )
        if keep is not None:
            group_rows = [group_rows[i] for i in keep]
            group_numbers = [group_numbers[i] for i in keep]
        tables.append(
            Table(
                source,
                "rel",
                rel.type,
                rows=[{"from": r.pop("from"), "to": r.pop("to"), "props": r} for r in group_rows],
                numbers=group_numbers,
                from_label=start_label,
                to_label=end_label,
            )
        )
    return tables


def _endpoints(rel: RelType, from_label: str | None, to_label: str | None) -> tuple[str, str] | str:
    """The (from, to) labels of a row, or 'column: why not' when they cannot be told."""
    if from_label is None and len(rel.from_labels) > 1:
        return f"from_label: required, since {rel.type} starts at {', '.join(rel.from_labels)}"
    if to_label is None and len(rel.to_labels) > 1:
        return f"to_label: required, since {rel.type} ends at {', '.join(rel.to_labels)}"
    pair = (from_label or rel.from_labels[0], to_label or rel.to_labels[0])
    if pair not in rel.endpoints:
        allowed = ", ".join(f"({a})->({b})" for a, b in rel.endpoints)
        return f"from_label: {rel.type} cannot go from {pair[0]} to {pair[1]}; allowed: {allowed}"
    return pair


def check_endpoints(
    plan: IngestPlan, store: GraphStore, progress: Callable[[str], None] | None = None
) -> None:
    """Every relationship must join nodes of this ingest or of the graph."""
    planned: dict[str, set[str]] = defaultdict(set)
    for t in plan.node_tables:
        planned[t.type_name].update(r["uid"] for r in t.rows)
    wanted: dict[str, set[str]] = defaultdict(set)
    for t in plan.rel_tables:
        wanted[t.from_label].update(
            r["from"] for r in t.rows if r["from"] not in planned[t.from_label]
        )
        wanted[t.to_label].update(r["to"] for r in t.rows if r["to"] not in planned[t.to_label])
    existing: dict[str, set[str]] = defaultdict(set)
    for label, uids in wanted.items():
        if progress and uids:
            progress(f"checking {len(uids)} {label} uids in the graph")
        ordered = sorted(uids)
        query = cypher.render("ingest/existing_uids", label=label)
        for i in range(0, len(ordered), _LOOKUP_CHUNK):
            rows = store.read(query, {"uids": ordered[i : i + _LOOKUP_CHUNK]})
            existing[label].update(r["uid"] for r in rows)
    for t in plan.rel_tables:
        bad: set[int] = set()
        for row, number in zip(t.rows, t.numbers, strict=True):
            for column, label in (("from", t.from_label), ("to", t.to_label)):
                uid = row[column]
                if uid not in planned[label] and uid not in existing[label]:
                    plan.problems.append(
                        InputProblem(
                            t.source.name,
                            number,
                            column,
                            f"no {label} with uid {uid!r} in this ingest or in the graph",
                        )
                    )
                    bad.add(number)
        t.drop(bad)


def schema_type(name: str) -> NodeType | RelType:
    return SCHEMA.resolve(name)
