"""A query result as columns and rows, with the exports analysts ask for."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stratagraph.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

OUTPUT_FORMATS = ("table", "csv", "json", "parquet")


@dataclass
class ResultTable:
    columns: list[str]
    rows: list[list[Any]]

    @classmethod
    def from_records(
        cls, records: list[dict[str, Any]], columns: list[str] | None = None
    ) -> ResultTable:
        cols = list(records[0]) if records else list(columns or [])
        return cls(cols, [[r.get(c) for c in cols] for r in records])

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def to_dataframe(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([_cell(v) for v in row])
        return buffer.getvalue()

    def to_json(self) -> str:
        return json.dumps(self.records(), default=str, ensure_ascii=False, indent=1)

    def to_parquet(self) -> bytes:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = (
            pa.Table.from_pylist(
                [{c: _parquet_cell(v) for c, v in r.items()} for r in self.records()]
            )
            if self.rows
            else pa.table({c: pa.array([], pa.string()) for c in self.columns})
        )
        sink = io.BytesIO()
        pq.write_table(table, sink)
        return sink.getvalue()

    def export(self, fmt: str, out: Path | None) -> str | None:
        """Write to `out` (or return text for stdout); parquet needs a file."""
        if fmt not in OUTPUT_FORMATS:
            raise UsageError(f"unknown --format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}")
        if fmt == "parquet":
            if out is None:
                raise UsageError("--format parquet needs --out FILE")
            out.write_bytes(self.to_parquet())
            return None
        text = self.to_csv() if fmt == "csv" else self.to_json() if fmt == "json" else None
        if text is None:
            raise UsageError("table output goes to the terminal; use csv or json with --out")
        if out is not None:
            out.write_text(text, encoding="utf-8")
            return None
        return text


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, default=str, ensure_ascii=False)
    return value


def _parquet_cell(value: Any) -> Any:
    # nodes and maps differ row to row; keep Parquet columns of one type
    return json.dumps(value, default=str) if isinstance(value, dict) else value
