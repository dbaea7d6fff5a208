"""The GraphStore port: what the rest of the platform needs from a graph engine."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any, ClassVar, Self

from stratagraph import cypher
from stratagraph.cypher import Query
from stratagraph.graph_schema import IndexSpec

Record = dict[str, Any]
Params = Mapping[str, Any]


class GraphStore(ABC):
    """One engine behind one interface.

    Each call runs exactly one statement, which is one atomic unit of work on both engines
    (FalkorDB has no multi-statement transactions), so callers write with `UNWIND $rows`
    batches and express conditional updates as single statements.
    """

    dialect: ClassVar[str]
    # statements worth having in flight at once on bulk writes (measured per engine)
    write_concurrency: ClassVar[int] = 2

    def __init__(self, url: str) -> None:
        self.url = url

    @abstractmethod
    def execute(
        self,
        query: Query | str,
        params: Params | None = None,
        *,
        write: bool = True,
        timeout_ms: int | None = None,
    ) -> list[Record]:
        """Run one trusted statement (a named query) and return its rows as dicts."""

    def read(self, query: Query | str, params: Params | None = None) -> list[Record]:
        return self.execute(query, params, write=False)

    def write(self, query: Query | str, params: Params | None = None) -> list[Record]:
        return self.execute(query, params, write=True)

    @abstractmethod
    def read_only(
        self, text: str, params: Params | None = None, *, timeout_ms: int
    ) -> tuple[list[str], list[list[Any]]]:
        """Run untrusted Cypher that the engine itself guarantees cannot write.

        Returns column names and rows. Raises ReadOnlyViolation when it would write.
        """

    @abstractmethod
    def ensure_schema(self, indexes: Iterable[IndexSpec]) -> None:
        """Create the constraints and indexes (idempotent)."""

    @abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailable when the engine does not answer."""

    def clear(self) -> None:
        """Delete every node and relationship (tests, `db reset`), in slices so no single
        statement holds the engine for long."""
        # relationships first: a DETACH DELETE of a node with 100k relationships is one
        # statement that can exhaust a server's transaction memory
        for name in ("admin/delete_relationships_slice", "admin/delete_slice"):
            statement = cypher.load(name)
            while self.write(statement, {"limit": 20_000})[0]["deleted"]:
                pass

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"


def query_text(query: Query | str) -> str:
    return query.text if isinstance(query, Query) else query


def query_name(query: Query | str) -> str:
    return query.name if isinstance(query, Query) else "<ad-hoc>"
