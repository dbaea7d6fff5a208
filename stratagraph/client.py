"""The Python entry point: `stratagraph.connect(url)` for analysts and scripts."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from .analyst import GraphStats, ResultTable, graph_stats, run_cypher, run_named
from .settings import Settings, get_settings
from .store import GraphStore, open_store

if TYPE_CHECKING:
    import pandas as pd

    from .ingest.writer import IngestReport


class Graph:
    """A connection to the marketing graph. Close it (or use `with`) when done."""

    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def query(self, name: str, **params: Any) -> ResultTable:
        """Run a named query (see `stratagraph query --list`)."""
        return run_named(self.store, name, params)

    def query_df(self, name: str, **params: Any) -> pd.DataFrame:
        """Run a named query into a pandas DataFrame."""
        return self.query(name, **params).to_dataframe()

    def cypher_df(self, text: str, **params: Any) -> pd.DataFrame:
        """Run read-only Cypher (writes are refused by the engine) into a DataFrame."""
        return run_cypher(
            self.store, text, params, timeout_ms=self.settings.query_timeout_ms
        ).to_dataframe()

    def stats(self) -> GraphStats:
        return graph_stats(self.store)

    def ingest(self, *paths: str | Path, **options: Any) -> IngestReport:
        from .ingest.service import IngestTuning, ingest

        return ingest(
            self.store,
            [Path(p) for p in paths],
            tuning=IngestTuning.from_settings(self.settings),
            **options,
        )

    def ingest_df(
        self, frame: pd.DataFrame, *, type_name: str, source_name: str = "dataframe"
    ) -> IngestReport:
        """Load a DataFrame whose columns are the properties of one node/relationship type."""
        from .ingest.service import IngestTuning, ingest_records

        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        return ingest_records(
            self.store,
            [{str(k): v for k, v in r.items()} for r in rows],
            type_name=type_name,
            source_name=source_name,
            tuning=IngestTuning.from_settings(self.settings),
        )

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def connect(url: str | None = None, **settings: Any) -> Graph:
    """Open the store at `url` (default: STRATAGRAPH_STORE, else the embedded store)."""
    resolved = get_settings(store=url, **settings)
    return Graph(open_store(resolved), resolved)
