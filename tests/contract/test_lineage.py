"""Point-in-time lineage on both engines, on a graph where the copilot proposed, governance
approved and the executor ran a strategy on the sample twin: from a realised KPI back to
its data sources, from a source forward, and as the graph was at earlier times."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import ENGINES, engine_settings

from stratagraph.cli import run as cli
from stratagraph.errors import NotFound, UsageError
from stratagraph.lineage import lineage, parse_at
from stratagraph.lineage.world import World, build_world
from stratagraph.settings import Settings
from stratagraph.store import GraphStore, open_store

World3 = tuple[GraphStore, Settings, World]


@pytest.fixture(scope="module", params=ENGINES)
def world(request: pytest.FixtureRequest, small_twin: Path) -> Iterator[World3]:
    settings = engine_settings(str(request.param), request)
    store = open_store(settings)
    store.clear()
    built = build_world(store, settings, small_twin, weeks=1)
    try:
        yield store, settings, built
    finally:
        store.clear()
        store.close()


def labels_of(result: object) -> set[str]:
    return {n.label for n in result.nodes.values()}  # type: ignore[attr-defined]


def test_upstream_from_a_realised_kpi_reaches_its_data_sources(world: World3) -> None:
    store, _, w = world
    result = lineage(store, w.kpi, depth=6)
    assert result.root == f"KPIObservation:{w.kpi}"
    assert {
        "Action",
        "Run",
        "Campaign",
        "PlanItem",
        "Strategy",
        "Approval",
        "ValidationReport",
        "KPIObservation",
        "IngestBatch",
        "DataSource",
    } <= labels_of(result)
    types = {e.type for e in result.edges.values()}
    assert {
        "FROM_ACTION",
        "IN_RUN",
        "EXECUTES",
        "OF",
        "REALIZES",
        "PROPOSES",
        "APPROVES",
        "VALIDATES",
        "DERIVED_FROM",
        "FROM_BATCH",
        "FROM_SOURCE",
    } <= types
    # the trail runs from the KPI to the source of the evidence, through the strategy
    trail = result.trail
    assert trail[0] == result.root
    assert f"Strategy:{w.strategy}" in trail
    assert f"DataSource:{w.source}" in trail
    # edges in their stored direction
    assert any(
        e.type == "APPROVES" and e.target == f"Strategy:{w.strategy}" for e in result.edges.values()
    )
    # every node came from a bounded walk: evidence was cut and counted, not fetched whole
    strategy = result.nodes[f"Strategy:{w.strategy}"]
    assert strategy.omitted.get("DERIVED_FROM", 0) > 0
    assert result.truncated
    assert all(n.depth <= 6 for n in result.nodes.values())


def test_downstream_from_a_source_reaches_strategies_runs_and_realised_kpis(
    world: World3,
) -> None:
    store, _, w = world
    result = lineage(store, w.source, direction="downstream", depth=6, fanout=400)
    assert f"Strategy:{w.strategy}" in result.nodes
    assert f"Run:{w.run}" in result.nodes
    realised = [n for n in result.nodes.values() if n.label == "KPIObservation" and n.depth >= 5]
    assert realised, "the KPIs the run measured are downstream of the data"
    assert result.trail[0] == result.root
    assert any(result.nodes[n].label == "KPIObservation" for n in result.trail[1:])


def test_both_directions_and_limits(world: World3) -> None:
    store, _, w = world
    result = lineage(store, w.strategy, label="Strategy", direction="both", depth=2)
    sides = {n.side for n in result.nodes.values()}
    assert sides == {"root", "upstream", "downstream"}
    assert f"Run:{w.run}" in result.nodes  # downstream: the run that executed it
    small = lineage(store, w.strategy, direction="both", depth=3, max_nodes=10)
    assert len(small.nodes) == 10 and small.truncated
    with pytest.raises(UsageError, match="direction"):
        lineage(store, w.kpi, direction="sideways")
    with pytest.raises(UsageError, match="depth"):
        lineage(store, w.kpi, depth=50)
    with pytest.raises(NotFound, match="no node with uid"):
        lineage(store, "no-such-uid")
    with pytest.raises(UsageError, match="unknown label"):
        lineage(store, w.kpi, label="ApiToken")


def test_point_in_time(world: World3) -> None:
    store, _, w = world
    now = lineage(store, w.strategy, label="Strategy", direction="both", depth=1)
    approval = next(n for n in now.nodes.values() if n.label == "Approval")
    approved_at = datetime.fromisoformat(str(approval.props["at"]).replace("Z", "+00:00"))
    before = (approved_at - timedelta(microseconds=1)).isoformat()
    then = lineage(store, w.strategy, label="Strategy", direction="both", depth=1, at=before)
    assert not any(n.label == "Approval" for n in then.nodes.values())
    assert not any(n.label == "Run" for n in then.nodes.values())
    root = then.root_node
    assert root.props["status"] == "validated"  # from the audit chain
    assert root.current_status == now.root_node.props["status"] != "validated"
    # nodes and edges of the answer all existed then
    for n in then.nodes.values():
        assert (n.time or "") <= str(then.at)
    for e in then.edges.values():
        assert e.source in then.nodes and e.target in then.nodes
    # the approval is there from its own moment on
    at_approval = lineage(store, w.strategy, label="Strategy", depth=1, at=approved_at.isoformat())
    assert any(n.label == "Approval" for n in at_approval.nodes.values())
    assert at_approval.root_node.props["status"] == "approved"
    # a KPI measured later did not exist then
    with pytest.raises(NotFound, match="did not exist"):
        lineage(store, w.kpi, at=before)


def test_parse_at() -> None:
    assert parse_at("2026-11-01") == "2026-11-01T23:59:59.999999Z"
    assert parse_at("2026-11-01T09:30:00Z") == "2026-11-01T09:30:00.000000Z"
    assert parse_at("2026-11-01T10:30:00+01:00") == "2026-11-01T09:30:00.000000Z"
    assert parse_at(None) is None
    with pytest.raises(UsageError, match="ISO-8601"):
        parse_at("yesterday")


def test_lineage_cli(
    world: World3, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _store, settings, w = world
    monkeypatch.setenv("STRATAGRAPH_STORE", settings.store)
    monkeypatch.setenv("STRATAGRAPH_GRAPH", settings.graph)
    if settings.neo4j_password is not None:
        monkeypatch.setenv("STRATAGRAPH_NEO4J_USER", settings.neo4j_user)
        monkeypatch.setenv("STRATAGRAPH_NEO4J_PASSWORD", settings.neo4j_password.get_secret_value())
    assert cli(["lineage", w.kpi, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert f"DataSource:{w.source}" in answer["trail"]
    assert cli(["lineage", w.kpi, "--depth", "3"]) == 0
    text = capsys.readouterr().out
    assert "FROM_ACTION" in text and "Strategy" in text
    assert cli(["lineage", w.kpi]) == 0
    assert "trail ends at: DataSource" in capsys.readouterr().out
    assert cli(["lineage", w.kpi, "--at", "2020-01-01"]) == 2
    assert cli(["lineage", "nope"]) == 2
    assert cli(["lineage", w.kpi, "--direction", "up"]) == 2


def test_demo_lineage_function(world: World3, capsys: pytest.CaptureFixture[str]) -> None:
    from rich.console import Console

    from stratagraph.cli.api import print_demo_lineage

    store, settings, _w = world
    console = Console(width=120, force_terminal=False)
    uid = print_demo_lineage(store, settings, console)
    out = capsys.readouterr().out
    assert uid is not None and uid.startswith("kpi-")
    assert "stratagraph serve" in out and "/explorer/#uid=" in out and "&token=sg_" in out
    assert "trail ends at: DataSource" in out


def test_find_uid_names_every_label() -> None:
    from stratagraph import cypher
    from stratagraph.graph_schema import SCHEMA
    from stratagraph.lineage import HIDDEN_LABELS

    text = cypher.load("lineage/find_uid").text
    for label in SCHEMA.labels:
        if label in HIDDEN_LABELS or label == "ApiToken":
            assert f"(n:{label} " not in text, label
        else:
            assert f"MATCH (n:{label} {{uid: $uid}}) RETURN '{label}' AS label" in text, (
                f"add {label} to stratagraph/cypher/lineage/find_uid.cypher"
            )
