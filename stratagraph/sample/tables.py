"""Typed, column-oriented tables: what the generator builds and the writers serialise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from stratagraph.graph_schema import SCHEMA

ColumnKind = Literal["str", "int", "float", "bool", "list"]


@dataclass
class Table:
    """One ingest file: a node label or relationship type and its columns, equal length."""

    name: str
    columns: dict[str, tuple[ColumnKind, list[Any]]] = field(default_factory=dict)

    @property
    def is_node(self) -> bool:
        return SCHEMA.has_node(self.name)

    def add(self, column: str, kind: ColumnKind, values: Sequence[Any] | np.ndarray) -> Table:
        # numpy scalars are converted once here, so writers only meet plain Python values
        data = values.tolist() if isinstance(values, np.ndarray) else list(values)
        if self.columns and len(data) != len(self):
            raise ValueError(f"{self.name}.{column}: {len(data)} values, expected {len(self)}")
        self.columns[column] = (kind, data)
        return self

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))[1]) if self.columns else 0


def rel_table(
    rel_type: str,
    start: Sequence[str],
    end: Sequence[str],
    *,
    from_label: str = "",
    to_label: str = "",
) -> Table:
    """A relationship file; label columns only where the schema needs them to tell ends apart."""
    rel = SCHEMA.rel(rel_type)
    table = Table(rel_type).add("from", "str", start).add("to", "str", end)
    if len(rel.from_labels) > 1 or len(rel.to_labels) > 1:
        table.add("from_label", "str", [from_label or rel.from_labels[0]] * len(table))
        table.add("to_label", "str", [to_label or rel.to_labels[0]] * len(table))
    return table


def concat(tables: Sequence[Table]) -> Table:
    """Stack tables of one type (e.g. IN_MARKET from audiences, goals and contacts)."""
    first = tables[0]
    out = Table(first.name)
    for column, (kind, _) in first.columns.items():
        values: list[Any] = []
        for t in tables:
            values += t.columns[column][1]
        out.columns[column] = (kind, values)
    return out
