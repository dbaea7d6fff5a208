"""Shapes, the RDF mapping, the state machine and the audit hash, without an engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, Literal
from rdflib.namespace import SH

from stratagraph.errors import UsageError
from stratagraph.governance import states
from stratagraph.governance.audit import GENESIS, ChainHead, event_hash, next_event
from stratagraph.governance.engine import PYSHACL, TURBO, engine_name, turbo_available
from stratagraph.governance.errors import Refused
from stratagraph.governance.settings import Thresholds, _coerce, parse_assignments
from stratagraph.governance.shapes import (
    PLAN_LABELS,
    generate_structural,
    load_shapes,
    shape_files,
    structural_path,
)
from stratagraph.graph_schema import MESSAGE_CHANNEL_KINDS, SCHEMA
from stratagraph.graph_schema import rdf as sg_rdf
from stratagraph.graph_schema.rdf import MAPPING, SG, node_iri, parse_iri, pii_names, to_graph

SHAPES_DIR = Path(__file__).parents[2] / "stratagraph" / "shapes"


def test_structural_shapes_are_current() -> None:
    assert structural_path().read_text(encoding="utf-8") == generate_structural(), (
        "stratagraph/shapes/structural.ttl is stale: run `stratagraph shapes generate`"
    )


def test_every_shape_has_a_message_and_a_severity() -> None:
    graph = load_shapes().graph
    shapes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(
        graph.subjects(RDF.type, SH.PropertyShape)
    )
    assert len(shapes) > 100
    for shape in shapes:
        if (None, SH.property, shape) in graph and graph.value(shape, SH.message) is not None:
            pass
        messages = list(graph.objects(shape, SH.message)) + [
            m for c in graph.objects(shape, SH.sparql) for m in graph.objects(c, SH.message)
        ]
        holders = list(graph.subjects(SH.property, shape))
        if not messages and holders:
            continue  # a node shape grouping property shapes: each of those has its message
        if not messages and list(graph.objects(shape, SH.property)):
            continue
        assert messages, f"{shape} has no sh:message"
        assert graph.value(shape, SH.severity) is not None, f"{shape} has no sh:severity"


def test_messages_say_how_to_fix() -> None:
    text = "\n".join(p.read_text() for p in shape_files() if p.name != "structural.ttl")
    for message in re.findall(r'sh:message "([^"]+)"', text):
        assert re.search(
            r"\b(Set|Record|Use|Get|Lower|Link|Add|Split|Say|Remove|Renew|Ask|Submit|Withdraw|"
            r"Fix|Localize)\b",
            message,
        ), f"message does not say how to fix: {message}"


def test_message_channel_kinds_match_the_declaration() -> None:
    policy = (SHAPES_DIR / "policy.ttl").read_text()
    kinds = ", ".join(f'"{k}"' for k in MESSAGE_CHANNEL_KINDS)
    assert policy.count(f"IN ({kinds})") == 2


def test_pii_shapes_cover_every_pii_property_on_plan_labels() -> None:
    text = generate_structural()
    assert pii_names() == ("email", "name", "phone")
    for label in PLAN_LABELS:
        own = {p.name for p in SCHEMA.node(label).all_props()}
        for name in pii_names():
            assert (f"sgs:NoPII-{label}-{name} a" in text) == (name not in own)


def test_shapes_version_is_a_hash_of_the_files() -> None:
    bundle = load_shapes()
    assert re.fullmatch(r"[0-9a-f]{64}", bundle.version)
    assert bundle.files == ("plan.ttl", "policy.ttl", "structural.ttl")


def test_sparql_constraints_get_sparql_targets() -> None:
    graph = load_shapes().graph
    consent = SG.ConsentBasis.replace(str(SG), "https://stratagraph.dev/ns/shapes#")
    from rdflib import URIRef

    shape = URIRef(consent)
    assert graph.value(shape, SH.targetClass) is None
    target = graph.value(shape, SH.target)
    assert graph.value(target, RDF.type) == SH.SPARQLTarget
    assert "?this a <https://stratagraph.dev/ns/schema#PlanItem>" in str(
        graph.value(target, SH.select)
    )


def test_literals_are_typed_from_the_declaration() -> None:
    lines = list(
        MAPPING.node_lines(
            "PlanItem",
            {
                "uid": "i 1",
                "budget": 10,
                "start": "2027-03-01",
                "frequency_cap": 2.0,
                "pacing": "even",
                "email": "x@y.z",
            },
        )
    )
    graph = to_graph("\n".join(lines) + "\n")
    item = node_iri("PlanItem", "i 1")
    assert parse_iri(str(item)) == ("PlanItem", "i 1")
    assert graph.value(item, SG.budget) == Literal(10.0, datatype=sg_rdf.XSD.double)
    assert graph.value(item, SG.start).datatype == sg_rdf.XSD.date
    assert graph.value(item, SG.frequency_cap) == Literal(2, datatype=sg_rdf.XSD.integer)
    assert graph.value(item, SG.pacing).datatype == sg_rdf.XSD.string
    assert graph.value(item, SG.email) is not None  # undeclared here, PII elsewhere: kept
    bad = to_graph("\n".join(MAPPING.node_lines("PlanItem", {"uid": "i", "budget": "lots"})))
    assert graph.value(item, RDF.type) == SG.PlanItem
    assert bad.value(node_iri("PlanItem", "i"), SG.budget).datatype == sg_rdf.XSD.string


def test_edges_with_properties_are_reified() -> None:
    lines = list(
        MAPPING.edge_lines("REACHABLE_VIA", "Audience", "a", "Channel", "c", {"basis": "consent"})
    )
    graph = to_graph("\n".join(lines))
    edges = list(graph.subjects(RDF.type, SG.REACHABLE_VIA_Edge))
    assert len(edges) == 1
    assert graph.value(edges[0], RDF.subject) == node_iri("Audience", "a")
    assert (node_iri("Audience", "a"), SG.REACHABLE_VIA, node_iri("Channel", "c")) in graph


def test_state_machine() -> None:
    assert states.allowed("draft", "proposed")
    assert states.allowed("validated", "approved")
    assert states.allowed("approved", "running")
    assert states.allowed("running", "paused") and states.allowed("paused", "running")
    assert not states.allowed("proposed", "approved")
    assert not states.allowed("completed", "running")
    assert not states.TRANSITIONS["superseded"]
    with pytest.raises(Refused, match="cannot become running"):
        states.check_transition("s1", "validated", "running")
    with pytest.raises(Refused, match="not a strategy status"):
        states.check_transition("s1", "validated", "done")
    assert states.sources("approved") == ["validated"]


def test_audit_events_chain_by_hash() -> None:
    first = next_event(ChainHead(0, GENESIS), actor="a", verb="v", subject="s", details={"x": 1})
    second = next_event(ChainHead(first.seq, first.hash), actor="b", verb="v", subject="s")
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert first.hash == event_hash(1, "a", "v", "s", first.at, '{"x":1}', GENESIS)
    assert first.uid == "audit-000000000001"


def test_settings_parsing() -> None:
    assert parse_assignments(["finance_threshold=75,000", "auto_approve=no"]) == {
        "finance_threshold": "75,000",
        "auto_approve": "no",
    }
    changed = _coerce({"finance_threshold": "75,000", "auto_approve": "no"}, Thresholds())
    assert changed.finance_threshold == 75_000.0 and changed.auto_approve is False
    with pytest.raises(UsageError, match="unknown governance setting"):
        _coerce({"budget": "1"}, Thresholds())
    with pytest.raises(UsageError, match="between 0 and 100"):
        _coerce({"two_approver_risk": "120"}, Thresholds())
    with pytest.raises(UsageError, match="key=value"):
        parse_assignments(["finance_threshold"])


def test_engine_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATAGRAPH_SHACL_ENGINE", "pyshacl")
    assert engine_name() == PYSHACL
    monkeypatch.setenv("STRATAGRAPH_SHACL_ENGINE", "auto")
    assert engine_name() == (TURBO if turbo_available() else PYSHACL)
    from stratagraph.errors import ConfigurationError

    monkeypatch.setenv("STRATAGRAPH_SHACL_ENGINE", "jena")
    with pytest.raises(ConfigurationError):
        engine_name()
