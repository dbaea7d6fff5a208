"""The copilot on the small sample twin, on both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stratagraph import cypher
from stratagraph.cli import run
from stratagraph.governance.hashing import content_hash
from stratagraph.reasoning.backtest import decision_quality, forecast_coverage
from stratagraph.reasoning.candidates import LAWFUL_BASES, MESSAGE_BASES, find_tactics
from stratagraph.reasoning.goals import load_goal
from stratagraph.reasoning.history import CampaignHistory
from stratagraph.reasoning.models import ModelRegistry
from stratagraph.reasoning.propose import ProposeRequest, propose
from stratagraph.sample import TrueCurves
from stratagraph.store import GraphStore

MESSAGE_KINDS = ("email", "sms", "push")


@pytest.fixture(scope="module")
def registry() -> ModelRegistry:
    return ModelRegistry(seed=0)


def goals(store: GraphStore) -> list[str]:
    return [r["uid"] for r in store.read(cypher.load("reasoning/goal_uids"))]


def test_every_tactic_is_lawful_and_keeps_its_path(twin_store: GraphStore) -> None:
    for uid in goals(twin_store):
        goal = load_goal(twin_store, uid)
        tactics = find_tactics(twin_store, goal)
        assert tactics, uid
        for t in tactics:
            assert t.basis in LAWFUL_BASES
            if t.channel_kind in MESSAGE_KINDS:
                assert t.basis in MESSAGE_BASES
            assert t.path[0] == uid and t.path[2:4] == [t.audience, t.channel]
            assets = twin_store.read(
                "MATCH (x:Asset) WHERE x.uid IN $uids RETURN x.uid AS uid, "
                "x.brand_approved AS ok, x.locale AS locale, x.expires_at AS expires",
                {"uids": [a[0] for a in t.assets]},
            )
            market = twin_store.read(
                "MATCH (m:Market {uid: $m}) RETURN m.locale AS locale", {"m": goal.market_uid}
            )[0]
            for a in assets:
                assert a["ok"] is True
                assert a["locale"] == market["locale"]
                assert a["expires"] is None or a["expires"] > goal.window_end.isoformat()


def test_walk_refuses_unlawful_paths(store: GraphStore) -> None:
    store.write(
        "CREATE (m:Market {uid: 'm', code: 'M', locale: 'de-DE', currency: 'EUR', "
        "timezone: 'Europe/Berlin'}) "
        "CREATE (g:Goal {uid: 'g', kpi: 'conversions', budget: 1000.0, "
        "window_start: '2027-01-04', window_end: '2027-01-31', market: 'M'})-[:IN_MARKET]->(m) "
        "CREATE (a:Audience {uid: 'a', size: 5000, market: 'M'})-[:IN_MARKET]->(m) "
        "CREATE (email:Channel {uid: 'email', kind: 'email'}) "
        "CREATE (social:Channel {uid: 'social', kind: 'paid_social'}) "
        "CREATE (search:Channel {uid: 'search', kind: 'search'}) "
        "CREATE (display:Channel {uid: 'display', kind: 'display'}) "
        "CREATE (a)-[:REACHABLE_VIA {basis: 'legitimate_interest'}]->(email) "
        "CREATE (a)-[:REACHABLE_VIA {basis: 'legitimate_interest'}]->(social) "
        "CREATE (a)-[:REACHABLE_VIA {basis: 'none'}]->(search) "
        "CREATE (a)-[:REACHABLE_VIA {basis: 'consent', valid_until: "
        "'2026-12-31T00:00:00.000000Z'}]->(display) "
        "CREATE (ok:Asset {uid: 'ok', locale: 'de-DE', brand_approved: true}) "
        "CREATE (old:Asset {uid: 'old', locale: 'de-DE', brand_approved: true}) "
        "CREATE (gone:Asset {uid: 'gone', locale: 'de-DE', brand_approved: true, "
        "expires_at: '2027-01-15T00:00:00.000000Z'}) "
        "CREATE (raw:Asset {uid: 'raw', locale: 'de-DE', brand_approved: false}) "
        "CREATE (fr:Asset {uid: 'fr', locale: 'fr-FR', brand_approved: true}) "
        "CREATE (newer:Asset {uid: 'newer', locale: 'de-DE', brand_approved: true}) "
        "CREATE (newer)-[:SUPERSEDES]->(old) "
        "FOREACH (x IN [ok, old, gone, raw, fr, newer] | "
        "  CREATE (x)-[:FITS]->(email) CREATE (x)-[:FITS]->(social) "
        "  CREATE (x)-[:FITS]->(search) CREATE (x)-[:FITS]->(display) "
        "  CREATE (x)-[:LOCALIZED_FOR]->(m))"
    )
    tactics = find_tactics(store, load_goal(store, "g"))
    # email: only legitimate interest (messages need consent); search: no basis;
    # display: consent expires before the window ends
    assert [t.channel for t in tactics] == ["social"]
    assert sorted(a[0] for a in tactics[0].assets) == ["newer", "ok"]


def test_propose_writes_ranked_versioned_strategies(
    twin_store: GraphStore, registry: ModelRegistry
) -> None:
    goal = load_goal(twin_store, "goal-de-q4")
    first = propose(twin_store, ProposeRequest(goal="goal-de-q4", maker="alice"), registry)
    assert len(first.written) == 3
    assert {o.objective for o in first.options} == {"max_outcome", "max_reach", "risk_averse"}
    assert sorted(o.rank for o in first.options) == [1, 2, 3]
    for option in first.options:
        assert option.spend <= goal.budget + 1e-6
        f = option.forecast
        for metric in ("conversions", "revenue", "roi", "reach"):
            low, mid, high = getattr(f, metric)
            assert 0 <= low <= mid <= high, (metric, getattr(f, metric))
        assert 0 <= option.risk.score <= 100
        assert set(option.risk.factors) >= {
            "forecast_spread",
            "evidence_sparsity",
            "novelty",
            "data_staleness",
            "policy_closeness",
        }
        assert option.rationale and goal.currency in option.rationale
        for channel, low in goal.constraints.channel_min.items():
            spent = sum(i.budget for i in option.items if i.tactic.channel == channel)
            assert spent >= low - goal.budget / 50
        for channel, high in goal.constraints.channel_max.items():
            spent = sum(i.budget for i in option.items if i.tactic.channel == channel)
            assert spent <= high + 1e-6
    for written in first.written:
        row = twin_store.read(
            "MATCH (s:Strategy {uid: $uid})-[:FOR_GOAL]->(g:Goal) "
            "RETURN s.status AS status, s.maker AS maker, s.content_hash AS hash, "
            "s.risk_factor_names AS names, g.uid AS goal, "
            "size([(s)-[:PROPOSES]->(p:PlanItem) | p]) AS items, "
            "size([(s)-[:DERIVED_FROM]->(o:KPIObservation) | o]) AS observations, "
            "size([(s)-[:PROPOSES]->(:PlanItem)-[:TARGETS]->(:Audience) | 1]) AS targets, "
            "size([(s)-[:PROPOSES]->(:PlanItem)-[:ON]->(:Channel) | 1]) AS ons, "
            "size([(s)-[:PROPOSES]->(:PlanItem)-[:USES]->(:Asset) | 1]) AS uses",
            {"uid": written.uid},
        )[0]
        assert row["status"] == "proposed"
        assert row["maker"] == "alice"
        assert row["hash"] == content_hash(twin_store, written.uid)
        assert row["items"] == row["targets"] == row["ons"] == row["uses"] > 0
        assert row["observations"] > 0, "forecasts are linked to the observations they used"
        assert "novelty" in row["names"]
    briefs = twin_store.read(
        "MATCH (:Strategy {uid: $uid})-[:PROPOSES]->(p:PlanItem) RETURN p.brief AS brief",
        {"uid": first.written[0].uid},
    )
    assert all("Lead with" in b["brief"] or "Use " in b["brief"] for b in briefs)

    second = propose(twin_store, ProposeRequest(goal="goal-de-q4", maker="alice"), registry)
    for old, new in zip(first.written, second.written, strict=True):
        assert new.version == old.version + 1
        assert new.supersedes == old.uid
    # same seed, same numbers
    assert [o.forecast for o in first.options] == [o.forecast for o in second.options]
    assert [[(i.tactic.key, i.budget) for i in o.items] for o in first.options] == [
        [(i.tactic.key, i.budget) for i in o.items] for o in second.options
    ]


def test_scenarios_change_the_plan(twin_store: GraphStore, registry: ModelRegistry) -> None:
    base = propose(twin_store, ProposeRequest(goal="goal-us-q4", write=False), registry)
    more = propose(
        twin_store,
        ProposeRequest(goal="goal-us-q4", scenarios=("budget=+20%",), write=False),
        registry,
    )
    best = min(base.options, key=lambda o: o.rank)
    channel = max(best.items, key=lambda i: i.budget).tactic.channel
    off = propose(
        twin_store,
        ProposeRequest(goal="goal-us-q4", scenarios=(f"channel:{channel}=off",), write=False),
        registry,
    )
    later = propose(
        twin_store,
        ProposeRequest(
            goal="goal-us-q4", scenarios=("window=2027-02-01..2027-03-28",), write=False
        ),
        registry,
    )
    assert more.goal.budget == pytest.approx(base.goal.budget * 1.2)
    grown = {o.objective: o.forecast.conversions[1] for o in more.options}
    for o in base.options:
        assert grown[o.objective] > o.forecast.conversions[1]
    assert all(i.tactic.channel != channel for o in off.options for i in o.items)
    assert later.goal.window_start.isoformat() == "2027-02-01"


def test_decision_quality_and_calibration_on_the_twin(
    twin_store: GraphStore, small_twin: Path, registry: ModelRegistry
) -> None:
    truth = TrueCurves.load(small_twin / "ground_truth.json")
    for uid in goals(twin_store):
        quality = decision_quality(twin_store, uid, truth, registry)
        assert quality.ratio >= 0.95, quality
    coverage = forecast_coverage(twin_store)
    assert coverage.weeks_checked > 200
    assert 0.70 <= coverage.rate <= 0.90, coverage


def test_cli_response_models_propose_curves(
    twin_store: GraphStore,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = twin_store.url
    if twin_store.dialect == "neo4j":
        from stratagraph.testing.neo4j_server import DEFAULT_PASSWORD

        monkeypatch.setenv("STRATAGRAPH_NEO4J_PASSWORD", DEFAULT_PASSWORD)
    else:
        monkeypatch.setenv("STRATAGRAPH_GRAPH", "contract")
    capsys.readouterr()
    assert run(["response-models", "--json", "--store", url]) == 0
    models = json.loads(capsys.readouterr().out)["channels"]
    assert {m["channel"] for m in models} >= {"ch-search", "ch-email"}
    for m in models:
        assert m["decay"]["low"] <= m["decay"]["mean"] <= m["decay"]["high"]
        assert m["observations"] > 0
    assert (
        run(
            [
                "propose",
                "--goal",
                "goal-jp-q4",
                "--options",
                "4",
                "--as",
                "bob",
                "--json",
                "--store",
                url,
            ]
        )
        == 0
    )
    proposal = json.loads(capsys.readouterr().out)
    assert [s["rank"] for s in proposal["strategies"]] == [1, 2, 3, 4]
    assert all(s["items"] and s["uid"] for s in proposal["strategies"])
    assert run(["propose", "--goal", "nope", "--store", url]) == 2
    assert (
        run(["propose", "--goal", "goal-jp-q4", "--scenario", "budget=lots", "--store", url]) == 2
    )
    picture = tmp_path / "curve.png"
    assert run(["curves", "--channel", "ch-search", "--out", str(picture), "--store", url]) == 0
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_size > 10_000


def test_history_is_reread_only_when_it_changed(
    store: GraphStore, small_twin: Path, tmp_path: Path
) -> None:
    from stratagraph.ingest.service import ingest

    def conversions(history: CampaignHistory) -> float:
        return float(sum(p.conversions.sum() for p in history.pairs.values()))

    ingest(store, sorted(small_twin.glob("*.csv")))
    registry = ModelRegistry(seed=0)
    first = registry.history(store)
    assert registry.history(store) is first  # nothing changed: the cached history
    # an ingest that rewrites one observation
    header, row = (small_twin / "KPIObservation.csv").read_text().splitlines()[:2]
    fields = dict(zip(header.split(","), row.split(","), strict=True))
    fields["conversions"] = str(float(fields["conversions"]) + 1000)
    (tmp_path / "KPIObservation.csv").write_text(header + "\n" + ",".join(fields.values()) + "\n")
    ingest(store, [tmp_path / "KPIObservation.csv"])
    rewritten = registry.history(store)
    assert rewritten is not first
    assert conversions(rewritten) == pytest.approx(conversions(first) + 1000)
    # an observation created outside any ingest (as the executor records results)
    store.write(
        "CREATE (:KPIObservation {uid: 'kpi-new', kind: 'campaign', "
        "period_start: '2026-01-05', period_end: '2026-01-11'})"
    )
    assert registry.history(store) is not rewritten
