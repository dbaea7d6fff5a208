"""Every statement in stratagraph/cypher/ parses and runs on both engines."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from stratagraph import cypher
from stratagraph.analyst import run_named
from stratagraph.analyst.named import list_queries, short_name
from stratagraph.ingest.service import ingest
from stratagraph.store import GraphStore

FIXTURE = Path(__file__).parents[1] / "data" / "ingest"
ROOT = resources.files("stratagraph.cypher")
# labels for the placeholders of templates
TEMPLATE_ARGS = {"label": "Audience", "type": "REACHABLE_VIA", "from": "Audience", "to": "Channel"}
# a value of each declared parameter type (`// param: name type` in the file's header)
SAMPLE_BY_TYPE: dict[str, object] = {
    "string": "sample",
    "list": [],
    "map": {},
    "int": 0,
    "float": 0.0,
    "bool": False,
    "date": "2026-01-01",
}
# values for parameters of statements without a typed header
PARAMS = {
    "rows": [],
    "batch": "batch:none",
    "now": "2026-01-01T00:00:00.000000Z",
    "uids": ["aud-de-runners"],
    "limit": 10,
    "skip": 0,
    "source_uid": "source:x",
    "source_name": "x",
    "source_kind": "csv",
    "location": "x",
    "format": "csv",
    "type_name": "Audience",
    "checksum": "0",
    "status": "complete",
    "rows_read": 0,
    "rows_written": 0,
    "rows_rejected": 0,
    "nodes_written": 0,
    "relationships_written": 0,
    "props": {},
    "report": {},
    "approval": {},
    "violations": [],
}


def statement_names() -> list[str]:
    names = []
    for folder in ROOT.iterdir():
        if folder.is_dir() and not folder.name.startswith("_"):
            names += [
                f"{folder.name}/{f.name[:-7]}"
                for f in folder.iterdir()
                if f.name.endswith(".cypher")
            ]
    return sorted(names)


@pytest.mark.parametrize("name", statement_names())
def test_statement_runs(store: GraphStore, name: str) -> None:
    ingest(store, sorted(FIXTURE.iterdir()))
    query = cypher.load(name)
    if "__" in query.text:
        query = cypher.render(
            name, **{k: v for k, v in TEMPLATE_ARGS.items() if f"__{k.upper()}__" in query.text}
        )
    needed = set(re.findall(r"\$(\w+)", query.text))
    declared = {p.name: SAMPLE_BY_TYPE.get(p.type, "") for p in query.params}
    params = {k: PARAMS.get(k, declared.get(k, "sample")) for k in needed}
    if name.startswith("admin/delete"):
        params["limit"] = 0  # keep the fixture
    run = store.read if name.startswith("analyst/") else store.write
    run(query, params)


@pytest.mark.parametrize("name", [short_name(q) for q in list_queries()])
def test_named_query_defaults_run(store: GraphStore, name: str) -> None:
    ingest(store, sorted(FIXTURE.iterdir()))
    query = cypher.load(f"analyst/{name}")
    required = {p.name: "batch:none" for p in query.params if p.default is None}
    result = run_named(store, name, required)
    assert result.columns, "every named query declares its columns"


def test_catalogue_has_the_promised_analyst_queries() -> None:
    names = {short_name(q) for q in list_queries()}
    assert {"channel_performance", "audience_reach", "ingest_batches", "batch_contents"} <= names
    for q in list_queries():
        assert q.description, f"{q.name} needs a // description: line"
