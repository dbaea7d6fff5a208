"""The plan projection: the same RDF graph on both engines, only the strategy's subgraph."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ENGINES, engine_settings
from rdflib import RDF
from rdflib.compare import isomorphic, to_isomorphic

from stratagraph.errors import NotFound
from stratagraph.governance import content_hash
from stratagraph.governance.plans import load_plan, synthetic_plan, write_plan
from stratagraph.governance.validation import check, project_strategy
from stratagraph.graph_schema import rdf as sg_rdf
from stratagraph.graph_schema.rdf import SG, node_iri, to_graph
from stratagraph.store import GraphStore, open_store

SHAPES = Path(__file__).parents[1] / "data" / "shapes"
NOW = "2027-01-15T09:00:00.000000Z"


def test_the_projection_is_the_same_graph_on_both_engines(
    request: pytest.FixtureRequest,
) -> None:
    graphs, hashes = {}, {}
    for engine in ENGINES:
        store = open_store(engine_settings(engine, request))
        try:
            store.clear()
            write_plan(store, load_plan(SHAPES / "tier-high-risk-two-approvers.json"), now=NOW)
            projected = project_strategy(store, "s-plan")
            graphs[engine] = to_graph(projected.ntriples)
            hashes[engine] = content_hash(store, "s-plan")
            assert projected.ntriples == "\n".join(sorted(projected.ntriples.splitlines())) + "\n"
        finally:
            store.close()
    falkordb, neo4j = graphs["falkordb"], graphs["neo4j"]
    assert len(falkordb) > 100
    assert isomorphic(falkordb, neo4j), set(to_isomorphic(falkordb)) ^ set(to_isomorphic(neo4j))
    assert hashes["falkordb"] == hashes["neo4j"]


def test_only_the_strategy_subgraph_is_projected(store: GraphStore) -> None:
    write_plan(store, load_plan(SHAPES / "conforming.json"), now=NOW)
    write_plan(store, synthetic_plan(5, strategy_uid="other", prefix="o"), now=NOW)
    graph = to_graph(project_strategy(store, "s-plan").ntriples)
    subjects = {str(s) for s in graph.subjects(RDF.type, None)}
    assert not any("/o-" in s or s.endswith("/other") for s in subjects)
    labels = {str(o).split("#")[1] for o in graph.objects(None, RDF.type) if "schema#" in str(o)}
    assert labels == {
        "Strategy",
        "Goal",
        "Market",
        "PlanItem",
        "Audience",
        "Channel",
        "Asset",
        "GovernanceSettings",
        "REACHABLE_VIA_Edge",
    }
    item = node_iri("PlanItem", "i-mail")
    assert graph.value(item, SG.budget).datatype == sg_rdf.XSD.double
    assert graph.value(item, SG.start).datatype == sg_rdf.XSD.date
    assert graph.value(node_iri("Audience", "a-loyal"), SG.size).datatype == sg_rdf.XSD.integer
    # the strategy carries the hash of the projected content, not the stored one
    assert str(graph.value(node_iri("Strategy", "s-plan"), SG.content_hash)) == content_hash(
        store, "s-plan"
    )
    assert check(store, "other").conforms


def test_unknown_strategy(store: GraphStore) -> None:
    with pytest.raises(NotFound, match="no strategy with uid 'nope'") as raised:
        project_strategy(store, "nope")
    assert raised.value.exit_code == 2
