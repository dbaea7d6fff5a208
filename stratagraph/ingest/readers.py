"""Read input files into raw records, keeping where each came from.

Every reader yields `Records`, numbered from 1 (the first record after any header), and
turns unreadable input (bad UTF-8, broken JSON, ragged CSV rows) into `InputProblem`s
instead of exceptions, so one bad row never hides the others.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stratagraph.errors import InputProblem, UsageError

FORMATS = ("csv", "jsonl", "parquet", "mmm")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


@dataclass
class Records:
    """Rows read from one input with their record numbers (parallel lists: no object per row)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)

    @classmethod
    def numbered(cls, rows: list[dict[str, Any]]) -> Records:
        return cls(rows, list(range(1, len(rows) + 1)))

    def append(self, number: int, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.numbers.append(number)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        return zip(self.numbers, self.rows, strict=True)


@dataclass
class SourceFile:
    """One input: its bytes' checksum and what was read from it."""

    path: Path
    name: str
    format: str
    checksum: str
    size: int
    records: Records = field(default_factory=Records)
    problems: list[InputProblem] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


def detect_format(path: Path, explicit: str | None) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise UsageError(f"unknown --format {explicit!r}; use one of {', '.join(FORMATS)}")
        return explicit
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"{path}: cannot tell the format from the extension {path.suffix!r}; "
            f"pass --format ({', '.join(FORMATS)})"
        )
    return fmt


def read_source(path: Path, fmt: str, *, name: str | None = None) -> SourceFile:
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    data = path.read_bytes()
    source = SourceFile(
        path=path,
        name=name or path.name,
        format=fmt,
        checksum=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    if fmt in ("csv", "mmm"):
        _read_csv(source, data, delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
    elif fmt == "jsonl":
        _read_jsonl(source, data)
    elif fmt == "parquet":
        _read_parquet(source)
    else:  # pragma: no cover - detect_format guards this
        raise UsageError(f"unknown format {fmt}")
    return source


def records_from_dicts(source: SourceFile, rows: list[dict[str, Any]]) -> None:
    """For in-memory input (a DataFrame): numbered like a file."""
    source.records = Records.numbered([dict(r) for r in rows])
    source.columns = list(rows[0]) if rows else []


def _bad_utf8(file: str, row: int | None, column: str | None, value: str) -> InputProblem:
    raw = value.encode("utf-8", "surrogateescape")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        detail = f"byte 0x{raw[exc.start]:02x} at position {exc.start}"
    else:  # pragma: no cover
        detail = "undecodable bytes"
    return InputProblem(file, row, column, f"not valid UTF-8 ({detail}); re-save the file as UTF-8")


_SURROGATE = re.compile("[\udc80-\udcff]")


def _has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def _decode(data: bytes) -> str:
    # surrogateescape keeps undecodable bytes so the exact row and field can be named
    text = data.decode("utf-8", "surrogateescape")
    return text[1:] if text.startswith("\ufeff") else text


def _read_csv(source: SourceFile, data: bytes, *, delimiter: str) -> None:
    """Clean files go through Arrow's C++ reader; anything odd through the careful reader,
    which names the row and field of every problem. Empty cells become None either way."""
    if not _read_csv_fast(source, data, delimiter=delimiter):
        _read_csv_careful(source, data, delimiter=delimiter)


def _read_csv_fast(source: SourceFile, data: bytes, *, delimiter: str) -> bool:
    import pyarrow as pa
    from pyarrow import csv as pacsv

    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    first = body.split(b"\n", 1)[0].decode("utf-8", "replace")
    header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]
    if not header or len(set(header)) != len(header) or "" in header:
        return False
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=True),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in header},
                null_values=[""],
                strings_can_be_null=True,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return False  # ragged rows, bad quoting or bad UTF-8: let the careful reader say where
    source.columns = header
    source.records = Records.numbered(table.to_pylist())
    return True


def _read_csv_careful(source: SourceFile, data: bytes, *, delimiter: str) -> None:
    csv.field_size_limit(1 << 30)  # oversized values are reported per field, with their name
    reader = csv.reader(io.StringIO(_decode(data), newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        source.problems.append(InputProblem(source.name, None, None, "the file is empty"))
        return
    except csv.Error as exc:
        source.problems.append(InputProblem(source.name, None, None, f"unreadable header: {exc}"))
        return
    header = [h.strip() for h in header]
    seen: set[str] = set()
    for i, col in enumerate(header):
        if _has_surrogates(col):
            source.problems.append(_bad_utf8(source.name, None, f"column {i + 1}", col))
        elif col in seen:
            source.problems.append(
                InputProblem(source.name, None, col, "the header names this column twice")
            )
        seen.add(col)
    source.columns = header
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            number += 1
            source.problems.append(InputProblem(source.name, number, None, f"broken CSV: {exc}"))
            continue
        if not cells or cells == [""]:
            continue  # blank line
        number += 1
        if len(cells) != len(header):
            source.problems.append(
                InputProblem(
                    source.name,
                    number,
                    None,
                    f"has {len(cells)} values but the header has {len(header)} columns",
                )
            )
            continue
        bad = [(col, v) for col, v in zip(header, cells, strict=True) if _has_surrogates(v)]
        if bad:
            source.problems.extend(_bad_utf8(source.name, number, c, v) for c, v in bad)
            continue
        source.records.append(
            number, {h: (v if v != "" else None) for h, v in zip(header, cells, strict=True)}
        )


def _read_jsonl(source: SourceFile, data: bytes) -> None:
    columns: dict[str, None] = {}
    number = 0
    for line in _decode(data).splitlines():
        if not line.strip():
            continue
        number += 1
        if _has_surrogates(line):
            source.problems.append(_bad_utf8(source.name, number, None, line))
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            source.problems.append(
                InputProblem(
                    source.name, number, None, f"not JSON: {exc.msg} at column {exc.colno}"
                )
            )
            continue
        if not isinstance(value, dict):
            source.problems.append(
                InputProblem(source.name, number, None, "each line must be a JSON object")
            )
            continue
        columns.update(dict.fromkeys(value))
        source.records.append(number, value)
    source.columns = list(columns)


def _read_parquet(source: SourceFile) -> None:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(source.path)
    except Exception as exc:  # pyarrow raises several unrelated types for bad files
        source.problems.append(InputProblem(source.name, None, None, f"unreadable Parquet: {exc}"))
        return
    source.columns = list(table.column_names)
    source.records = Records.numbered(table.to_pylist())


def iter_problems(sources: list[SourceFile]) -> Iterator[InputProblem]:
    for s in sources:
        yield from s.problems
