"""Serialise tables as CSV, JSON Lines or Parquet, byte-for-byte reproducibly."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stratagraph.errors import UsageError
from stratagraph.graph_schema.row_models import LIST_SEPARATOR

from .tables import ColumnKind, Table

FILE_FORMATS = ("csv", "jsonl", "parquet")


def write_table(table: Table, out_dir: Path, file_format: str) -> Path:
    writer = _WRITERS.get(file_format)
    if writer is None:
        raise UsageError(f"unknown file format {file_format!r}; use {', '.join(FILE_FORMATS)}")
    path = out_dir / f"{table.name}.{file_format}"
    writer(table, path)
    return path


def _csv_cell(kind: ColumnKind) -> Callable[[Any], str]:
    if kind == "bool":
        return lambda v: "" if v is None else ("true" if v else "false")
    if kind == "list":
        return lambda v: "" if v is None else LIST_SEPARATOR.join(v)
    if kind == "float":
        return lambda v: "" if v is None else repr(float(v))  # shortest round-trip text
    return lambda v: "" if v is None else str(v)


def _write_csv(table: Table, path: Path) -> None:
    names = list(table.columns)
    cells = [list(map(_csv_cell(kind), values)) for kind, values in table.columns.values()]
    # "\n" line ends and explicit quoting keep the bytes independent of the platform
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(names)
        w.writerows(zip(*cells, strict=True))


def _write_jsonl(table: Table, path: Path) -> None:
    names = list(table.columns)
    columns = [
        [None if v is None else float(v) for v in values] if kind == "float" else values
        for kind, values in table.columns.values()
    ]
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for row in zip(*columns, strict=True):
            # a missing key is "no value", like an empty CSV cell
            record = {k: v for k, v in zip(names, row, strict=True) if v is not None}
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def _write_parquet(table: Table, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "list": pa.list_(pa.string()),
    }
    arrays = {
        name: pa.array(
            [None if v is None else float(v) for v in values] if kind == "float" else values,
            type=types[kind],
        )
        for name, (kind, values) in table.columns.items()
    }
    pq.write_table(pa.table(arrays), path, compression="zstd")


_WRITERS: dict[str, Callable[[Table, Path], None]] = {
    "csv": _write_csv,
    "jsonl": _write_jsonl,
    "parquet": _write_parquet,
}
