"""Write a validated plan: batched UNWIND statements, lineage to one IngestBatch per input."""

from __future__ import annotations

import hashlib
import re
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from stratagraph import cypher
from stratagraph.cypher import Query
from stratagraph.errors import QueryError, StratagraphError
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.store import GraphStore

from .plan import IngestPlan, Table
from .readers import SourceFile

Progress = Callable[[int], None]
_LOOKUP_CHUNK = 10_000
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
    seconds: float = 0.0  # end to end: reading, checking and writing
    write_seconds: float = 0.0
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

    def __init__(
        self,
        store: GraphStore,
        *,
        batch_size: int,
        workers: int = 2,
        progress: Progress | None = None,
    ):
        self.store = store
        self.batch_size = batch_size
        self.workers = workers
        self.progress = progress or (lambda _n: None)
        self._created: dict[str, set[str]] = defaultdict(set)

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
        elapsed = time.perf_counter() - started
        return IngestReport(sources=list(reports.values()), seconds=elapsed, write_seconds=elapsed)

    def _existing(self, label: str, uids: list[str]) -> set[str]:
        query = cypher.render("ingest/existing_uids", label=label)
        found: set[str] = set()
        for i in range(0, len(uids), _LOOKUP_CHUNK):
            found.update(
                r["uid"] for r in self.store.read(query, {"uids": uids[i : i + _LOOKUP_CHUNK]})
            )
        return found

    def _write_table(self, table: Table, batch: str, now: str) -> int:
        """New nodes are CREATEd (much faster than MERGE); existing ones are MERGEd."""
        if table.kind == "node":
            existing = self._existing(table.type_name, [r["uid"] for r in table.rows])
            if table.create_only:
                table.rows = [r for r in table.rows if r["uid"] not in existing]
            fresh = [r for r in table.rows if r["uid"] not in existing]
            self._created[table.type_name].update(r["uid"] for r in fresh)
            create = cypher.render("ingest/create_nodes", label=table.type_name)
            upsert = cypher.render("ingest/upsert_nodes", label=table.type_name)
        else:
            new_from = self._created[table.from_label]
            new_to = self._created[table.to_label]
            fresh = [r for r in table.rows if r["from"] in new_from or r["to"] in new_to]
            names = {"type": table.type_name, "from": table.from_label, "to": table.to_label}
            create = cypher.render("ingest/create_rels", **names)
            upsert = cypher.render("ingest/upsert_rels", **names)
        fresh_ids = {id(r) for r in fresh}
        others = [r for r in table.rows if id(r) not in fresh_ids]
        written = self._write_rows(table, fresh, create, batch, now, fallback=upsert)
        return written + self._write_rows(table, others, upsert, batch, now)

    def _write_rows(
        self,
        table: Table,
        rows: list[dict[str, Any]],
        query: Query,
        batch: str,
        now: str,
        *,
        fallback: Query | None = None,
    ) -> int:
        def write_slice(chunk: list[dict[str, Any]]) -> int:
            params = {"rows": chunk, "batch": batch, "now": now}
            try:
                result = self.store.write(query, params)
            except QueryError:
                if fallback is None:
                    raise
                # another writer created some of these meanwhile; the statement was atomic,
                # so write the slice again the idempotent way
                result = self.store.write(fallback, params)
            count = int(result[0]["written"]) if result else 0
            if count != len(chunk):
                raise StratagraphError(
                    f"{table.source.name}: wrote {count} of {len(chunk)} {table.type_name} rows; "
                    "an endpoint was deleted while ingesting. Run the same ingest again: it is "
                    "idempotent and completes the batch."
                )
            return count

        # slices of one table are independent: while the engine runs one, the next is
        # being encoded (and Neo4j runs two at once on two cores)
        chunks = [rows[i : i + self.batch_size] for i in range(0, len(rows), self.batch_size)]
        written = 0
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            futures = [pool.submit(write_slice, chunk) for chunk in chunks]
            try:
                for future, chunk in zip(futures, chunks, strict=True):
                    written += future.result()
                    self.progress(len(chunk))
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
        return written
