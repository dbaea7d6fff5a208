"""Ingest: read, validate everything, then write (or refuse and write nothing)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stratagraph.errors import InputProblem, InvalidInput, UsageError
from stratagraph.graph_schema import NodeType, RelType
from stratagraph.settings import Settings
from stratagraph.store import GraphStore

from .mmm import MMMOptions, mmm_tables, unused_columns
from .plan import IngestPlan, Table, check_endpoints, node_table, rel_tables, schema_type
from .readers import SourceFile, detect_format, read_source, records_from_dicts
from .writer import IngestReport, PlanWriter, batch_uid

Notify = Callable[[str], None]


@dataclass(frozen=True)
class IngestTuning:
    """How hard to push: rows per statement, concurrent statements, longest text value."""

    batch_size: int = 5000
    workers: int | None = None  # None: what suits the engine (GraphStore.write_concurrency)
    max_field_length: int = 65_536

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestTuning:
        return cls(settings.batch_size, settings.ingest_workers, settings.max_field_length)


def resolve_type(source: SourceFile, explicit: str | None) -> NodeType | RelType:
    name = explicit or source.path.name.split(".")[0]
    candidates = [name] if explicit else [name, name.removesuffix("s")]
    for candidate in candidates:
        try:
            kind = schema_type(candidate)
        except KeyError:
            continue
        if not kind.ingestable:
            raise UsageError(
                f"{source.name}: {candidate} is written by the platform only and cannot be "
                "ingested (see docs/ingest.md for the loadable types)"
            )
        return kind
    hint = "pass --type LABEL" if not explicit else "check the spelling"
    raise UsageError(
        f"{source.name}: {name!r} is not a node label or relationship type; name the file after "
        f"its type (e.g. Audience.csv, REACHABLE_VIA.csv) or {hint}"
    )


def _tables_for(
    source: SourceFile,
    kind: NodeType | RelType,
    problems: list[InputProblem],
    max_field_length: int,
) -> list[Table]:
    if isinstance(kind, NodeType):
        return [node_table(source, kind, source.records, problems, max_field_length)]
    return rel_tables(source, kind, source.records, problems, max_field_length)


def plan_ingest(
    store: GraphStore,
    paths: Sequence[Path],
    *,
    fmt: str | None = None,
    type_name: str | None = None,
    mmm: MMMOptions | None = None,
    max_field_length: int = 65_536,
    notify: Notify | None = None,
) -> tuple[IngestPlan, dict[str, str], dict[str, str]]:
    """Read and validate every input; returns the plan plus batch uid and type per source."""
    say = notify or (lambda _m: None)
    sources: list[SourceFile] = []
    tables: list[Table] = []
    problems: list[InputProblem] = []
    batches: dict[str, str] = {}
    types: dict[str, str] = {}
    names = [p.name for p in paths]
    if len(set(names)) != len(names):
        raise UsageError("two inputs share a file name; ingest them in separate calls")
    for path in paths:
        file_format = detect_format(path, fmt)
        if file_format == "mmm" and mmm is None:
            raise UsageError("--format mmm needs --date-col, --spend-cols and --outcome-col")
        say(f"reading {path}")
        source = read_source(path, file_format)
        sources.append(source)
        if file_format == "mmm":
            assert mmm is not None
            tables += mmm_tables(source, mmm, problems, max_field_length)
            ignored = unused_columns(source, mmm)
            if ignored:
                say(
                    f"{source.name}: ignoring columns not named in the options: "
                    f"{', '.join(ignored)}"
                )
            types[source.name] = "mmm"
            batches[source.name] = batch_uid(source, "mmm", mmm.describe())
        else:
            kind = resolve_type(source, type_name)
            label = kind.label if isinstance(kind, NodeType) else kind.type
            tables += _tables_for(source, kind, problems, max_field_length)
            types[source.name] = label
            batches[source.name] = batch_uid(source, label, "")
        problems[:0] = source.problems
    plan = IngestPlan(sources=sources, tables=tables, problems=problems)
    _drop_rejected(plan)
    check_endpoints(plan, store, progress=say)
    return plan, batches, types


def _drop_rejected(plan: IngestPlan) -> None:
    bad: dict[str, set[int]] = {}
    for p in plan.problems:
        if p.row is not None:
            bad.setdefault(p.file, set()).add(p.row)
    for table in plan.tables:
        table.drop(bad.get(table.source.name, set()))


def write_quarantine(plan: IngestPlan, path: Path) -> int:
    rejected = plan.rejected()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for r in rejected:
            out.write(
                json.dumps(
                    {"source": r.source, "row": r.row, "reasons": r.reasons, "record": r.record},
                    default=str,
                    ensure_ascii=False,
                )
                + "\n"
            )
    return len(rejected)


def ingest(
    store: GraphStore,
    paths: Sequence[Path],
    *,
    fmt: str | None = None,
    type_name: str | None = None,
    mmm: MMMOptions | None = None,
    quarantine: Path | None = None,
    tuning: IngestTuning | None = None,
    notify: Notify | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Load files into the graph. With problems and no quarantine, nothing is written."""
    if not paths:
        raise UsageError("name at least one file to ingest")
    started = time.perf_counter()
    tuning = tuning or IngestTuning()
    plan, batches, types = plan_ingest(
        store,
        paths,
        fmt=fmt,
        type_name=type_name,
        mmm=mmm,
        max_field_length=tuning.max_field_length,
        notify=notify,
    )
    report = _write(store, plan, batches, types, quarantine, tuning, progress)
    report.seconds = time.perf_counter() - started
    return report


def _write(
    store: GraphStore,
    plan: IngestPlan,
    batches: dict[str, str],
    types: dict[str, str],
    quarantine: Path | None,
    tuning: IngestTuning,
    progress: Callable[[int, int], None] | None,
) -> IngestReport:
    if plan.problems and quarantine is None:
        raise InvalidInput(plan.problems)
    if quarantine is not None:
        write_quarantine(plan, quarantine)
    total = plan.entity_count()
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    writer = PlanWriter(
        store,
        batch_size=tuning.batch_size,
        workers=tuning.workers or store.write_concurrency,
        progress=advance,
    )
    report = writer.write(plan, batches, types)
    report.quarantine = str(quarantine) if quarantine else None
    return report


def ingest_records(
    store: GraphStore,
    rows: list[dict[str, Any]],
    *,
    type_name: str,
    source_name: str,
    tuning: IngestTuning | None = None,
) -> IngestReport:
    """Ingest in-memory rows (e.g. `DataFrame.to_dict('records')`) with the same checks."""
    import hashlib

    started = time.perf_counter()
    tuning = tuning or IngestTuning()
    payload = json.dumps(rows, sort_keys=True, default=str).encode()
    source = SourceFile(
        path=Path(source_name),
        name=source_name,
        format="records",
        checksum=hashlib.sha256(payload).hexdigest(),
        size=len(payload),
    )
    records_from_dicts(source, rows)
    kind = resolve_type(source, type_name)
    problems: list[InputProblem] = []
    tables = _tables_for(source, kind, problems, tuning.max_field_length)
    label = kind.label if isinstance(kind, NodeType) else kind.type
    plan = IngestPlan(sources=[source], tables=tables, problems=problems)
    _drop_rejected(plan)
    check_endpoints(plan, store)
    report = _write(
        store,
        plan,
        {source.name: batch_uid(source, label, "")},
        {source.name: label},
        None,
        tuning,
        None,
    )
    report.seconds = time.perf_counter() - started
    return report
