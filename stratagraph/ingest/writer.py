"""Write a validated plan: batched UNWIND statements, lineage to one IngestBatch per input."""

from __future__ import annotations

import hashlib
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from stratagraph import cypher
from stratagraph.errors import StratagraphError
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.store import GraphStore

from .plan import IngestPlan, Table
from .readers import SourceFile

Progress = Callable[[int], None]
_SLUG = re.compile(r"[^A-Za-z0-9_.\-]+")


def source_uid(source: SourceFile) -> str:
    return "source:" + (_SLUG.sub("-", source.name).strip("-") or "input")


def batch_uid(source: SourceFile, type_name: str, options: str) -> str:
    """Same content, type and options -> same batch: re-ingesting adds nothing."""
    key = "|".join((source.name, source.format, type_name, options, source.checksum))
    return "batch:" + hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass
class SourceReport:
    source: str
    batch: str
    type_name: str
    rows_read: int
    rows_rejected: int
    nodes_written: int = 0
    relationships_written: int = 0


@dataclass
class IngestReport:
    sources: list[SourceReport] = field(default_factory=list)
    seconds: float = 0.0
    quarantine: str | None = None

    @property
    def entities_written(self) -> int:
        return sum(s.nodes_written + s.relationships_written for s in self.sources)

    @property
    def rows_rejected(self) -> int:
        return sum(s.rows_rejected for s in self.sources)

    @property
    def entities_per_second(self) -> float:
        return self.entities_written / self.seconds if self.seconds else 0.0


class PlanWriter:
    """Writes node tables before relationship tables, so relationships find their ends."""

    def __init__(self, store: GraphStore, *, batch_size: int, progress: Progress | None = None):
        self.store = store
        self.batch_size = batch_size
        self.progress = progress or (lambda _n: None)

    def write(
        self, plan: IngestPlan, batches: dict[str, str], type_names: dict[str, str]
    ) -> IngestReport:
        started = time.perf_counter()
        now = now_iso()
        rejected = defaultdict(set)
        for p in plan.problems:
            rejected[p.file].add(p.row)
        reports = {
            s.name: SourceReport(
                source=s.name,
                batch=batches[s.name],
                type_name=type_names[s.name],
                rows_read=len(s.records) + len({p.row for p in s.problems if p.row}),
                rows_rejected=len(rejected[s.name]),
            )
            for s in plan.sources
        }
        for s in plan.sources:
            self.store.write(
                cypher.load("ingest/begin_batch"),
                {
                    "source_uid": source_uid(s),
                    "source_name": s.name,
                    "source_kind": s.format,
                    "location": str(s.path),
                    "batch": batches[s.name],
                    "format": s.format,
                    "type_name": type_names[s.name],
                    "checksum": s.checksum,
                    "now": now,
                },
            )
        for table in plan.node_tables:
            written = self._write_table(table, batches[table.source.name], now)
            reports[table.source.name].nodes_written += written
        for table in plan.rel_tables:
            written = self._write_table(table, batches[table.source.name], now)
            reports[table.source.name].relationships_written += written
        for s in plan.sources:
            r = reports[s.name]
            self.store.write(
                cypher.load("ingest/complete_batch"),
                {
                    "batch": r.batch,
                    "status": "complete",
                    "rows_read": r.rows_read,
                    "rows_written": r.rows_read - r.rows_rejected,
                    "rows_rejected": r.rows_rejected,
                    "nodes_written": r.nodes_written,
                    "relationships_written": r.relationships_written,
                    "now": now,
                },
            )
        return IngestReport(sources=list(reports.values()), seconds=time.perf_counter() - started)

    def _write_table(self, table: Table, batch: str, now: str) -> int:
        if table.create_only:
            existing = {
                r["uid"]
                for r in self.store.read(
                    cypher.render("ingest/existing_uids", label=table.type_name),
                    {"uids": [r["uid"] for r in table.rows]},
                )
            }
            table.rows = [r for r in table.rows if r["uid"] not in existing]
        if table.kind == "node":
            query = cypher.render("ingest/upsert_nodes", label=table.type_name)
        else:
            query = cypher.render(
                "ingest/upsert_rels",
                type=table.type_name,
                **{"from": table.from_label, "to": table.to_label},
            )
        written = 0
        for i in range(0, len(table.rows), self.batch_size):
            chunk = table.rows[i : i + self.batch_size]
            rows = self.store.write(query, {"rows": chunk, "batch": batch, "now": now})
            count = int(rows[0]["written"]) if rows else 0
            if count != len(chunk):
                raise StratagraphError(
                    f"{table.source.name}: wrote {count} of {len(chunk)} {table.type_name} rows; "
                    "an endpoint was deleted while ingesting. Run the same ingest again: it is "
                    "idempotent and completes the batch."
                )
            written += count
            self.progress(len(chunk))
        return written
