"""Project one strategy's plan subgraph to RDF (with the mapping of graph_schema/rdf.py).

Only the plan is projected: the strategy, its goal and market, its items, the audiences,
channels and assets they point to, the consent edges between those audiences and channels,
the approvals of the strategy and the governance settings in force. Relationships to nodes
outside the plan (an asset localized for another market...) appear as links to their IRIs.

The strategy's `content_hash` is the hash of the projected content, recomputed here, so an
approval bound to an older hash never counts.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph

from stratagraph import cypher
from stratagraph.graph_schema import SCHEMA
from stratagraph.graph_schema.rdf import MAPPING, to_graph
from stratagraph.store import GraphStore

from .settings import GovernanceSettings
from .subgraph import StrategySubgraph


def plan_lines(
    sub: StrategySubgraph, settings: GovernanceSettings, *, content_hash: str
) -> Iterator[str]:
    """The projection as N-Triples lines (duplicates possible; RDF graphs are sets)."""
    m = MAPPING
    s = sub.uid
    yield from m.node_lines("Strategy", {**sub.strategy, "content_hash": content_hash})
    for goal in sub.goals:
        yield from m.node_lines("Goal", goal)
        yield from m.edge_lines("FOR_GOAL", "Strategy", s, "Goal", str(goal["uid"]))
    for market in sub.markets:
        yield from m.node_lines("Market", market)
    for goal_uid, market_uid in sub.goal_markets:
        yield from m.edge_lines("IN_MARKET", "Goal", goal_uid, "Market", market_uid)
    for item in sub.items:
        yield from m.node_lines("PlanItem", item)
        yield from m.edge_lines("PROPOSES", "Strategy", s, "PlanItem", str(item["uid"]))
    for a, b in sub.targets:
        yield from m.edge_lines("TARGETS", "PlanItem", a, "Audience", b)
    for a, b in sub.ons:
        yield from m.edge_lines("ON", "PlanItem", a, "Channel", b)
    for a, b in sub.uses:
        yield from m.edge_lines("USES", "PlanItem", a, "Asset", b)
    for a, b in sub.depends:
        yield from m.edge_lines("DEPENDS_ON", "PlanItem", a, "PlanItem", b)
    for audience in sub.audiences:
        yield from m.node_lines("Audience", audience)
    for a, b in sub.audience_markets:
        yield from m.edge_lines("IN_MARKET", "Audience", a, "Market", b)
    for channel in sub.channels:
        yield from m.node_lines("Channel", channel)
    for asset in sub.assets:
        yield from m.node_lines("Asset", asset)
    for a, b in sub.localized:
        yield from m.edge_lines("LOCALIZED_FOR", "Asset", a, "Market", b)
    for a, b in sub.fits:
        yield from m.edge_lines("FITS", "Asset", a, "Channel", b)
    for a, c, props in sub.reachable:
        yield from m.edge_lines("REACHABLE_VIA", "Audience", a, "Channel", c, props)
    for approval in sub.approvals:
        yield from m.node_lines("Approval", approval)
        yield from m.edge_lines("APPROVES", "Approval", str(approval["uid"]), "Strategy", s)
    yield from m.node_lines("GovernanceSettings", settings.node_props())


def project_ntriples(
    sub: StrategySubgraph, settings: GovernanceSettings, *, content_hash: str
) -> str:
    """The projection as sorted, duplicate-free N-Triples text (stable across engines)."""
    lines = sorted(set(plan_lines(sub, settings, content_hash=content_hash)))
    return "\n".join(lines) + "\n"


def project(sub: StrategySubgraph, settings: GovernanceSettings, *, content_hash: str) -> Graph:
    """The projection as an rdflib Graph (tests, exports; validation uses the text)."""
    return to_graph(project_ntriples(sub, settings, content_hash=content_hash))


def graph_lines(store: GraphStore, settings: GovernanceSettings) -> Iterator[str]:
    """Every node and relationship of the graph (for offline checks and the benchmark; the
    request path validates one strategy's subgraph only)."""
    m = MAPPING
    for node in SCHEMA.nodes:
        for row in store.read(cypher.render("governance/all_nodes", label=node.label)):
            if row["props"].get("uid") is not None:
                yield from m.node_lines(node.label, row["props"])
    for rel in SCHEMA.rels:
        for a, b in rel.endpoints:
            query = cypher.render("governance/all_rels", type=rel.type, **{"from": a, "to": b})
            for row in store.read(query):
                if row["a"] is not None and row["b"] is not None:
                    yield from m.edge_lines(
                        rel.type, a, str(row["a"]), b, str(row["b"]), row["props"]
                    )
    yield from m.node_lines("GovernanceSettings", settings.node_props())


def project_graph(store: GraphStore, settings: GovernanceSettings) -> str:
    return "\n".join(sorted(set(graph_lines(store, settings)))) + "\n"
