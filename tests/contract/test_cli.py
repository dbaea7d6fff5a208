"""The command line on both engines: exit codes, formats, refusals."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pandas as pd
import pytest

import stratagraph
from stratagraph.cli import run
from stratagraph.store import GraphStore

FIXTURE = Path(__file__).parents[1] / "data" / "ingest"
FILES = [
    str(FIXTURE / f)
    for f in (
        "Market.csv",
        "Channel.csv",
        "Audience.csv",
        "Signal.jsonl",
        "IN_MARKET.csv",
        "HAS_SIGNAL.csv",
        "REACHABLE_VIA.csv",
    )
]


def stats(capsys: pytest.CaptureFixture[str], url: str) -> dict[str, object]:
    capsys.readouterr()
    assert run(["stats", "--json", "--store", url]) == 0
    return json.loads(capsys.readouterr().out)


def test_ingest_stats_reingest(store_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ingest", *FILES, "--store", store_env]) == 0
    first = stats(capsys, store_env)
    assert first["labels"]["Audience"] == 2
    assert run(["ingest", *FILES, "--json"]) == 0  # store from STRATAGRAPH_STORE
    report = json.loads(capsys.readouterr().out)
    assert report["rows_rejected"] == 0
    assert stats(capsys, store_env) == first


def test_bad_input_exits_2_and_writes_nothing(
    store_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "Audience.csv"
    bad.write_text("uid,name,size,market\na1,X,huge,DE\n")
    assert run(["ingest", str(bad), "--store", store_env]) == 2
    message = capsys.readouterr().err
    assert "Audience.csv, row 1, field 'size'" in message
    assert stats(capsys, store_env)["nodes"] == 0


def test_quarantine_option(
    store_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "Audience.csv"
    bad.write_text("uid,name,size,market\na1,X,huge,DE\na2,Y,5,DE\n")
    q = tmp_path / "bad.jsonl"
    assert run(["ingest", str(bad), "--quarantine", str(q), "--store", store_env]) == 0
    assert stats(capsys, store_env)["labels"]["Audience"] == 1
    assert json.loads(q.read_text())["row"] == 1


def test_cypher_write_is_refused_and_changes_nothing(
    store_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["ingest", *FILES]) == 0
    before = stats(capsys, store_env)
    code = run(["cypher", "MATCH (a:Audience) DETACH DELETE a", "--store", store_env])
    assert code == 1
    assert "read-only" in capsys.readouterr().err
    assert stats(capsys, store_env) == before


def test_cypher_read_with_params_and_formats(
    store_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["ingest", *FILES]) == 0
    capsys.readouterr()
    assert (
        run(
            [
                "cypher",
                "MATCH (a:Audience) WHERE a.size > $min RETURN a.uid AS uid",
                "--param",
                "min=200000",
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == [{"uid": "aud-us-families"}]
    assert (
        run(["cypher", "MATCH (a:Audience) RETURN a.uid AS uid ORDER BY uid", "--format", "csv"])
        == 0
    )
    assert capsys.readouterr().out.splitlines() == ["uid", "aud-de-runners", "aud-us-families"]


def test_named_queries_in_every_format(
    store_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["ingest", *FILES]) == 0
    capsys.readouterr()
    assert run(["query", "audience_reach", "-p", "market=DE", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {(r["audience"], r["channel"], r["basis"]) for r in rows} == {
        ("aud-de-runners", "ch-email", "consent"),
        ("aud-de-runners", "ch-social", "legitimate_interest"),
    }
    out = tmp_path / "batches.parquet"
    assert run(["query", "ingest_batches", "--format", "parquet", "--out", str(out)]) == 0
    frame = pd.read_parquet(out)
    assert len(frame) == 7
    assert set(frame["source"]) == {Path(f).name for f in FILES}
    batch = frame.loc[frame["source"] == "REACHABLE_VIA.csv", "batch"].iloc[0]
    assert run(["query", "batch_contents", "-p", f"batch={batch}", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "kind,type,written"
    assert "relationship,REACHABLE_VIA,3" in lines
    assert run(["query", "audience_reach", "-p", "nope=1"]) == 2
    assert run(["query", "missing_query"]) == 2
    assert run(["query", "ingest_batches", "-p", "limit=many"]) == 2


def test_connect_query_df(store_env: str) -> None:
    with stratagraph.connect() as graph:
        graph.ingest(*FILES)
        frame = graph.query_df("audience_reach")
        assert list(frame.columns[:4]) == ["audience", "name", "market", "size"]
        assert len(frame) == 3
        assert graph.cypher_df("MATCH (c:Channel) RETURN count(c) AS n")["n"].iloc[0] == 2
        assert graph.stats().labels["Market"] == 2


def test_demo_runs_end_to_end(
    store_env: str, capsys: pytest.CaptureFixture[str], store: GraphStore
) -> None:
    assert run(["demo"]) == 0
    out = capsys.readouterr().out
    assert "ingested" in out
    assert "two years of history per channel" in out
    labels = {
        r["label"] for r in store.read("MATCH (n) UNWIND labels(n) AS label RETURN DISTINCT label")
    }
    assert {
        "Market",
        "Audience",
        "Channel",
        "Asset",
        "Contact",
        "Campaign",
        "KPIObservation",
        "Goal",
        "IngestBatch",
        "DataSource",
    } <= labels


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("scheme", ["bolt", "falkordb"])
def test_unreachable_engine_exits_3(
    scheme: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRATAGRAPH_NEO4J_PASSWORD", "a-real-password")
    monkeypatch.setenv("STRATAGRAPH_CONNECT_TIMEOUT_S", "2")
    url = f"{scheme}://127.0.0.1:{_closed_port()}"
    assert run(["stats", "--store", url]) == 3
    assert "error" in capsys.readouterr().err


def test_placeholder_password_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRATAGRAPH_NEO4J_PASSWORD", "changeme")
    assert run(["stats", "--store", "bolt://127.0.0.1:7687"]) == 2
    assert "placeholder" in capsys.readouterr().err
