"""Read input files into raw records, keeping where each came from.

Every reader yields `RawRecord`s numbered from 1 (the first record after any header), and
turns unreadable input (bad UTF-8, broken JSON, ragged CSV rows) into `InputProblem`s
instead of exceptions, so one bad row never hides the others.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
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
class RawRecord:
    number: int
    values: dict[str, Any]


@dataclass
class SourceFile:
    """One input: its bytes' checksum and what was read from it."""

    path: Path
    name: str
    format: str
    checksum: str
    size: int
    records: list[RawRecord] = field(default_factory=list)
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
    source.records = [RawRecord(i, dict(r)) for i, r in enumerate(rows, start=1)]
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


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _decode(data: bytes) -> str:
    # surrogateescape keeps undecodable bytes so the exact row and field can be named
    text = data.decode("utf-8", "surrogateescape")
    return text[1:] if text.startswith("\ufeff") else text


def _read_csv(source: SourceFile, data: bytes, *, delimiter: str) -> None:
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
        source.records.append(RawRecord(number, dict(zip(header, cells, strict=True))))


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
        source.records.append(RawRecord(number, value))
    source.columns = list(columns)


def _read_parquet(source: SourceFile) -> None:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(source.path)
    except Exception as exc:  # pyarrow raises several unrelated types for bad files
        source.problems.append(InputProblem(source.name, None, None, f"unreadable Parquet: {exc}"))
        return
    source.columns = list(table.column_names)
    source.records = [RawRecord(i, row) for i, row in enumerate(table.to_pylist(), start=1)]


def iter_problems(sources: list[SourceFile]) -> Iterator[InputProblem]:
    for s in sources:
        yield from s.problems
