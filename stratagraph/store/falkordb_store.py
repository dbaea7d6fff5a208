"""FalkorDB adapter: embedded (a shared local server per data directory) or remote.

Always spoken to with the `falkordb` client over RESP, never Bolt (its Bolt endpoint is
experimental and crashes on some values).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as FalkorPath

from stratagraph.cypher import Query
from stratagraph.errors import QueryError, ReadOnlyViolation, StoreUnavailable
from stratagraph.graph_schema import IndexSpec

from .base import GraphStore, Params, Record, query_name, query_text
from .embedded_server import EmbeddedServer
from .values import plain


def _falkor_value(value: Any) -> Any | None:
    if isinstance(value, Node):
        return {"_labels": list(value.labels or []), **dict(value.properties)}
    if isinstance(value, Edge):
        return {"_type": value.relation, **dict(value.properties)}
    if isinstance(value, FalkorPath):
        return [plain(n, _falkor_value) for n in value.nodes()]
    return None


_READ_ONLY_REFUSAL = "to be executed only on read-only queries"
_EMPTY_GRAPH = "empty key"


def _refuse_empty_keys(query: Query | str, params: Params | None) -> None:
    """FalkorDB 4.16 crashes (the whole server) when a write puts an empty string in a
    uniquely constrained property, so an empty uid never reaches it as one."""
    text = query_text(query)
    for key, value in (params or {}).items():
        pattern = r"(?i)\b(CREATE|MERGE)\s*\(\w*\s*:\s*\w+\s*\{[^}]*\buid\s*:\s*\$"
        if value == "" and re.search(pattern + re.escape(key) + r"\b", text):
            raise QueryError(
                f"{query_name(query)}: parameter {key} is empty; every node needs a uid"
            )


class FalkorDBStore(GraphStore):
    dialect: ClassVar[str] = "falkordb"

    def __init__(
        self,
        url: str,
        *,
        graph: str,
        data_dir: Path | None = None,
        host: str | None = None,
        port: int | None = None,
        password: str | None = None,
        connect_timeout_s: float = 10.0,
    ) -> None:
        super().__init__(url)
        self._server: EmbeddedServer | None = None
        try:
            if data_dir is not None:
                self._server = EmbeddedServer(data_dir)
                sock = self._server.acquire()
                client = FalkorDB(
                    unix_socket_path=str(sock), socket_connect_timeout=connect_timeout_s
                )
            else:
                # the client talks to the server while it is constructed
                client = FalkorDB(
                    host=host or "localhost",
                    port=port or 6379,
                    password=password,
                    socket_connect_timeout=connect_timeout_s,
                )
        except (redis.ConnectionError, redis.TimeoutError, redis.AuthenticationError) as exc:
            if self._server is not None:
                self._server.release()
            raise StoreUnavailable(
                f"FalkorDB at {url} does not answer: {exc}. Check host, port and password."
            ) from exc
        self._client = client
        self._graph = client.select_graph(graph)
        self.graph_name = graph
        try:
            self.ping()
        except StoreUnavailable:
            self.close()
            raise

    @property
    def embedded_server(self) -> EmbeddedServer | None:
        return self._server

    def execute(
        self,
        query: Query | str,
        params: Params | None = None,
        *,
        write: bool = True,
        timeout_ms: int | None = None,
    ) -> list[Record]:
        if write:
            _refuse_empty_keys(query, params)
        result = self._run(query_text(query), params, write, timeout_ms, query_name(query))
        if result is None:
            return []
        names = [h[1] for h in result.header]
        return [
            dict(zip(names, (plain(v, _falkor_value) for v in row), strict=True))
            for row in result.result_set
        ]

    def read_only(
        self, text: str, params: Params | None = None, *, timeout_ms: int
    ) -> tuple[list[str], list[list[Any]]]:
        result = self._run(text, params, False, timeout_ms, "the query")
        if result is None:
            return [], []
        names = [h[1] for h in result.header]
        return names, [[plain(v, _falkor_value) for v in row] for row in result.result_set]

    def _run(
        self, text: str, params: Params | None, write: bool, timeout_ms: int | None, label: str
    ) -> Any:
        """One round trip with the client's errors mapped to ours; None when the graph does
        not exist yet (nobody has written to it)."""
        try:
            if write:
                return self._graph.query(text, dict(params or {}), timeout=timeout_ms)
            return self._graph.ro_query(text, dict(params or {}), timeout=timeout_ms)
        except (ValueError, TypeError) as exc:  # the client could not encode the parameters
            raise QueryError(f"{label}: unusable parameters: {exc}") from exc
        except redis.ConnectionError as exc:
            raise StoreUnavailable(f"FalkorDB at {self.url} is unreachable: {exc}") from exc
        except redis.ResponseError as exc:
            if not write and _READ_ONLY_REFUSAL in str(exc):
                raise ReadOnlyViolation(
                    "this statement writes; ad-hoc Cypher is read-only (refused by FalkorDB "
                    "GRAPH.RO_QUERY). Use `stratagraph ingest` to change data."
                ) from exc
            if _EMPTY_GRAPH in str(exc):
                return None
            raise QueryError(f"FalkorDB refused {label}: {exc}") from exc

    def ensure_schema(self, indexes: Iterable[IndexSpec]) -> None:
        existing = self._existing_indexes()
        pending: list[IndexSpec] = []
        for spec in indexes:
            if (spec.label, spec.prop) not in existing:
                self._run_ddl(lambda s=spec: self._graph.create_node_range_index(s.label, s.prop))
            if spec.unique:
                pending.append(spec)
        constrained = self._existing_unique_constraints()
        for spec in pending:
            if (spec.label, spec.prop) not in constrained:
                self._run_ddl(
                    lambda s=spec: self._graph.create_node_unique_constraint(s.label, s.prop)
                )
        self._await_constraints()

    def _run_ddl(self, call: Any) -> None:
        try:
            call()
        except redis.ResponseError as exc:
            if "already" not in str(exc).lower():
                raise QueryError(f"FalkorDB refused schema setup: {exc}") from exc

    def _existing_indexes(self) -> set[tuple[str, str]]:
        rows = self.execute(
            "CALL db.indexes() YIELD label, properties, entitytype "
            "RETURN label, properties, entitytype",
            write=False,
        )
        return {(r["label"], p) for r in rows if r["entitytype"] == "NODE" for p in r["properties"]}

    def _existing_unique_constraints(self) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for c in self._graph.list_constraints():
            if c.get("type") == "UNIQUE" and c.get("entitytype") == "NODE":
                for prop in c.get("properties", []):
                    found.add((str(c.get("label")), str(prop)))
        return found

    def _await_constraints(self, timeout_s: float = 120.0) -> None:
        # constraints are built asynchronously; wait so a duplicate is never accepted
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            statuses = [c.get("status") for c in self._graph.list_constraints()]
            if "FAILED" in statuses:
                raise QueryError(
                    "a unique constraint could not be built: the graph already holds duplicate "
                    "uids. Remove the duplicates, then run again."
                )
            if all(s == "OPERATIONAL" for s in statuses):
                return
            time.sleep(0.05)
        raise StoreUnavailable("FalkorDB did not finish building constraints in time")

    def ping(self) -> None:
        try:
            self._client.connection.ping()
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            raise StoreUnavailable(
                f"FalkorDB at {self.url} does not answer: {exc}. For a remote server check "
                "host, port and password; for the embedded store see server.log in its folder."
            ) from exc

    def close(self) -> None:
        try:
            self._client.connection.close()
        finally:
            if self._server is not None:
                self._server.release()
                self._server = None
