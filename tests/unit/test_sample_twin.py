"""The sample twin: deterministic, valid against the row models, and true to its ground truth."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from stratagraph.errors import InputProblem, UsageError
from stratagraph.graph_schema import SCHEMA, NodeType
from stratagraph.ingest.plan import node_table, rel_tables
from stratagraph.ingest.readers import detect_format, read_source
from stratagraph.ingest.service import resolve_type
from stratagraph.sample import TrueCurves, TwinSummary, generate_twin
from stratagraph.sample.catalog import GOAL_END, GOAL_START, HISTORY_END, HISTORY_START, THEMES

SEED = 7


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> TwinSummary:
    return generate_twin(tmp_path_factory.mktemp("small"), scale="small", seed=SEED)


def _rows(summary: TwinSummary, name: str) -> list[dict[str, str]]:
    with (summary.out_dir / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _file_bytes(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


# determinism and scale ----------------------------------------------------------------


def test_same_seed_gives_identical_bytes(small: TwinSummary, tmp_path: Path) -> None:
    again = generate_twin(tmp_path / "again", scale="small", seed=SEED)
    assert again.files == small.files
    assert _file_bytes(again.out_dir) == _file_bytes(small.out_dir)


def test_other_seed_gives_other_data(small: TwinSummary, tmp_path: Path) -> None:
    other = generate_twin(tmp_path / "other", scale="small", seed=SEED + 1)
    first, second = _file_bytes(small.out_dir), _file_bytes(other.out_dir)
    for name in ("KPIObservation.csv", "Audience.csv", "Contact.csv", "ground_truth.json"):
        assert first[name] != second[name], name


@pytest.mark.parametrize("file_format", ["jsonl", "parquet"])
def test_other_formats_are_deterministic(tmp_path: Path, file_format: str) -> None:
    a = generate_twin(tmp_path / "a", file_format=file_format)
    b = generate_twin(tmp_path / "b", file_format=file_format)
    assert all(name.endswith(f".{file_format}") for name in a.files)
    assert _file_bytes(a.out_dir) == _file_bytes(b.out_dir)


def test_summary_counts_and_progress(tmp_path: Path) -> None:
    said: list[str] = []
    summary = generate_twin(tmp_path, progress=said.append)
    assert len(said) == len(summary.files)
    assert summary.entities == summary.node_rows + summary.relationship_rows
    assert summary.entities == sum(summary.files.values())
    assert 2_500 <= summary.entities <= 8_000  # "a few thousand": loads in about a second
    assert summary.ground_truth.is_file()


def test_scales_are_ordered(small: TwinSummary, tmp_path: Path) -> None:
    medium = generate_twin(tmp_path / "medium", scale="medium", seed=SEED)
    assert small.entities < medium.entities
    assert 80_000 <= medium.entities <= 130_000
    assert small.files.keys() == medium.files.keys()


def test_integer_scale_is_roughly_the_entity_count(tmp_path: Path) -> None:
    summary = generate_twin(tmp_path, scale=20_000)
    assert summary.scale == "20000"
    assert 15_000 <= summary.entities <= 25_000


@pytest.mark.parametrize(("scale", "file_format"), [("huge", "csv"), ("small", "xlsx")])
def test_bad_arguments_are_refused(tmp_path: Path, scale: str, file_format: str) -> None:
    with pytest.raises(UsageError):
        generate_twin(tmp_path, scale=scale, file_format=file_format)


# validity -----------------------------------------------------------------------------


def _validate(directory: Path) -> dict[str, set[str]]:
    """Run every file through the ingest planner's row validation; return uids per label."""
    problems: list[InputProblem] = []
    uids: dict[str, set[str]] = defaultdict(set)
    for path in sorted(directory.iterdir()):
        if path.name == "ground_truth.json":
            continue
        source = read_source(path, detect_format(path, None))
        assert not source.problems, source.problems[:5]
        kind = resolve_type(source, None)
        if isinstance(kind, NodeType):
            table = node_table(source, kind, source.records, problems, 65_536)
            uids[kind.label].update(r["uid"] for r in table.rows)
            assert len(table.rows) == len(source.records)
        else:
            tables = rel_tables(source, kind, source.records, problems, 65_536)
            assert sum(len(t.rows) for t in tables) == len(source.records)
    assert not problems, problems[:10]
    return uids


@pytest.mark.parametrize("file_format", ["csv", "jsonl", "parquet"])
def test_every_row_validates(tmp_path: Path, file_format: str) -> None:
    summary = generate_twin(tmp_path, file_format=file_format)
    uids = _validate(summary.out_dir)
    ingestable = {n.label for n in SCHEMA.nodes if n.ingestable}
    assert set(uids) == ingestable  # every loadable node type is in the twin


def test_relationships_join_existing_nodes(small: TwinSummary) -> None:
    uids = {
        node.label: {r["uid"] for r in _rows(small, node.label)}
        for node in SCHEMA.nodes
        if node.ingestable
    }
    rel_types = [r for r in SCHEMA.rels if r.ingestable]
    assert {r.type for r in rel_types} <= {n.removesuffix(".csv") for n in small.files}
    for rel in rel_types:
        for row in _rows(small, rel.type):
            start = row.get("from_label") or rel.from_labels[0]
            end = row.get("to_label") or rel.to_labels[0]
            assert (start, end) in rel.endpoints
            assert row["from"] in uids[start], (rel.type, row)
            assert row["to"] in uids[end], (rel.type, row)
        with (small.out_dir / f"{rel.type}.csv").open(encoding="utf-8") as f:
            header = f.readline().strip().split(",")
        labelled = len(rel.from_labels) > 1 or len(rel.to_labels) > 1
        assert ("from_label" in header) == labelled, rel.type


# content ------------------------------------------------------------------------------


def test_markets_channels_and_contacts_are_coherent(small: TwinSummary) -> None:
    markets = {m["code"]: m for m in _rows(small, "Market")}
    assert set(markets) == {"US", "DE", "JP"}
    assert markets["DE"]["timezone"] == "Europe/Berlin"
    assert markets["JP"]["currency"] == "JPY"
    kinds = {c["kind"] for c in _rows(small, "Channel")}
    assert {"email", "sms", "paid_social", "search", "display", "video"} <= kinds
    for c in _rows(small, "Channel"):
        if c["kind"] in ("email", "sms"):
            assert c["frequency_cap"]
            assert c["quiet_hours_start"]
            assert c["quiet_hours_end"]
    contacts = _rows(small, "Contact")
    assert 20 <= len(contacts) <= 80
    for c in contacts:
        assert c["email"].rsplit("@", 1)[1] in ("example.com", "example.org")
        assert c["timezone"] == markets[c["market"]]["timezone"]
        assert c["locale"] == markets[c["market"]]["locale"]
    consents = _rows(small, "CONSENTS_TO")
    assert all(r["basis"] == "consent" and r["to"] == "ch-email" for r in consents)
    assert any(r["opted_out_at"] for r in consents)
    assert all(not r["opted_out_at"] or r["opted_out_at"] > r["consented_at"] for r in consents)


def test_reach_bases_and_governance_cases(small: TwinSummary) -> None:
    size = {a["uid"]: int(a["size"]) for a in _rows(small, "Audience")}
    reach = _rows(small, "REACHABLE_VIA")
    assert all(int(r["reach"]) <= size[r["from"]] for r in reach)
    bases = {r["basis"] for r in reach}
    assert {"consent", "legitimate_interest", "none"} <= bases
    assert min(size.values()) < 1000  # a test cell below the goals' min_audience_size
    assets = _rows(small, "Asset")
    assert any(a["brand_approved"] == "false" for a in assets)
    assert any(a["expires_at"] < HISTORY_END.isoformat() for a in assets)
    signal_topics = {s["topic"] for s in _rows(small, "Signal")}
    asset_themes = {t for a in assets for t in a["themes"].split("|")}
    assert signal_topics <= set(THEMES)
    assert asset_themes <= set(THEMES)
    assert len(signal_topics & asset_themes) >= 5


def test_goals_sit_in_the_quarter_after_the_history(small: TwinSummary) -> None:
    goals = _rows(small, "Goal")
    assert 3 <= len(goals) <= 6
    for g in goals:
        assert GOAL_START.isoformat() <= g["window_start"] < g["window_end"]
        assert g["window_end"] <= GOAL_END.isoformat()
        constraints = json.loads(g["constraints"])
        assert constraints["min_audience_size"] == 1000
        assert float(g["budget"]) > 0
        assert float(g["target"]) > 0


def test_campaign_weeks_are_mondays_to_sundays(small: TwinSummary) -> None:
    for k in _rows(small, "KPIObservation"):
        start, end = date.fromisoformat(k["period_start"]), date.fromisoformat(k["period_end"])
        assert start.weekday() == 0
        assert end - start == timedelta(days=6)
        assert start >= HISTORY_START
        assert end <= HISTORY_END
    for c in _rows(small, "Campaign"):
        assert float(c["spend"]) <= float(c["budget"])


# ground truth -------------------------------------------------------------------------


def _pair_history(summary: TwinSummary) -> dict[tuple[str, str], dict[str, np.ndarray]]:
    """Weekly spend and observations per (audience, channel) over the whole history."""
    audience = {r["from"]: r["to"] for r in _rows(summary, "TARGETS")}
    channel = {c["uid"]: c["channel"] for c in _rows(summary, "Campaign")}
    campaign_of = {r["from"]: r["to"] for r in _rows(summary, "OF")}
    weeks = 104
    out: dict[tuple[str, str], dict[str, np.ndarray]] = {}
    for k in _rows(summary, "KPIObservation"):
        cmp = campaign_of[k["uid"]]
        key = (audience[cmp], channel[cmp])
        grid = out.setdefault(
            key, {name: np.full(weeks, np.nan) for name in ("spend", "conversions", "revenue")}
        )
        t = (date.fromisoformat(k["period_start"]) - HISTORY_START).days // 7
        for name in grid:
            grid[name][t] = float(k[name])
    return out


def test_recorded_conversions_scatter_around_the_true_curves(small: TwinSummary) -> None:
    curves = TrueCurves.load(small.ground_truth)
    sigma = float(curves.noise["conversions"]["sigma"])
    observed = expected = variance = revenue_in_conversions = 0.0
    ratios = []
    for (aud, ch), grid in _pair_history(small).items():
        seen = ~np.isnan(grid["spend"])
        spend = np.where(seen, grid["spend"], 0.0)  # no campaign, no spend
        mu = curves.expected_conversions(aud, ch, spend, HISTORY_START)
        obs = grid["conversions"][seen]
        observed += obs.sum()
        expected += mu[seen].sum()
        # Poisson-lognormal: Var = mu + mu^2 (exp(sigma^2) - 1)
        variance += (mu[seen] + mu[seen] ** 2 * np.expm1(sigma**2)).sum()
        ratios.append(obs.sum() / mu[seen].sum())
        rpc = curves.market_of(aud)["revenue_per_conversion"]
        revenue = grid["revenue"][seen]
        # revenue noise is lognormal with sigma 0.05 per week, so sums stay within a few %
        assert abs(revenue.sum() / (obs.sum() * rpc) - 1) < 0.06
        revenue_in_conversions += revenue.sum() / rpc
        revenue_mu = curves.expected_revenue(aud, ch, spend, HISTORY_START)
        assert np.allclose(revenue_mu, mu * rpc)
    assert len(ratios) >= 10
    assert abs(observed - expected) < 4 * np.sqrt(variance)
    assert 0.9 < float(np.mean(ratios)) < 1.1
    assert abs(revenue_in_conversions / observed - 1) < 0.01


def test_carryover_continues_a_plan_exactly(small: TwinSummary) -> None:
    curves = TrueCurves.load(small.ground_truth)
    (aud, ch), grid = next(iter(_pair_history(small).items()))
    spend = np.nan_to_num(grid["spend"])
    whole = curves.expected_conversions(aud, ch, spend, HISTORY_START)
    decay = curves.channels[ch]["decay"]
    state = 0.0
    for s in spend[:52]:
        state = s + decay * state
    tail = curves.expected_conversions(
        aud, ch, spend[52:], HISTORY_START + timedelta(weeks=52), carryover=state
    )
    assert np.allclose(tail, whole[52:], rtol=1e-12)
    for s in spend[52:]:
        state = s + decay * state
    assert curves.carryover(aud, ch) == pytest.approx(state, rel=1e-12)
    with pytest.raises(ValueError, match="Monday"):
        curves.expected_conversions(aud, ch, spend, HISTORY_START + timedelta(days=1))


def test_ground_truth_covers_every_pair_and_market(small: TwinSummary) -> None:
    truth = json.loads(small.ground_truth.read_text(encoding="utf-8"))
    audiences = {a["uid"] for a in _rows(small, "Audience")}
    channels = {c["uid"] for c in _rows(small, "Channel")}
    assert set(truth["lift"]) == audiences
    assert all(set(row) == channels for row in truth["lift"].values())
    assert set(truth["channels"]) == channels
    assert {m["code"] for m in truth["markets"].values()} == {"US", "DE", "JP"}
    assert truth["seed"] == SEED
    assert truth["scale"] == "small"
    history = truth["history"]
    assert (history["start"], history["end"], history["weeks"]) == (
        HISTORY_START.isoformat(),
        HISTORY_END.isoformat(),
        104,
    )
    assert set(truth["goals"]) == {g["uid"] for g in _rows(small, "Goal")}


def test_spend_spans_both_sides_of_saturation(small: TwinSummary) -> None:
    curves = TrueCurves.load(small.ground_truth)
    below: dict[str, int] = defaultdict(int)
    above: dict[str, int] = defaultdict(int)
    for (aud, ch), grid in _pair_history(small).items():
        spend = np.nan_to_num(grid["spend"])
        on = spend > 0
        assert on.any()
        assert (~on).any()
        stock = curves.adstock_grid([(aud, ch)], spend[None, :])[0] / curves.market_of(aud)["fx"]
        half = curves.channels[ch]["half_saturation"]
        below[ch] += int((stock[on] < half).sum())
        above[ch] += int((stock[on] > half).sum())
    for ch in curves.channels:
        assert below[ch] > 0, ch
        assert above[ch] > 0, ch


def test_spend_caps_leave_room_for_the_history_and_the_goals(small: TwinSummary) -> None:
    cap = {m["code"]: float(m["spend_cap"]) for m in _rows(small, "Market")}
    pace: dict[str, float] = defaultdict(float)
    for g in _rows(small, "Goal"):
        days = (date.fromisoformat(g["window_end"]) - date.fromisoformat(g["window_start"])).days
        pace[g["market"]] += float(g["budget"]) / (days + 1)
    weekly: dict[tuple[str, str], float] = defaultdict(float)
    for k in _rows(small, "KPIObservation"):
        weekly[(k["geo"], k["period_start"])] += float(k["spend"])
    for (code, _), spend in weekly.items():
        assert spend / 7 <= cap[code]
    for code, daily in pace.items():
        assert daily <= cap[code]


def test_expected_media_matches_the_recorded_delivery(small: TwinSummary) -> None:
    curves = TrueCurves.load(small.ground_truth)
    reach_cap = {(r["from"], r["to"]): int(r["reach"]) for r in _rows(small, "REACHABLE_VIA")}
    audience = {r["from"]: r["to"] for r in _rows(small, "TARGETS")}
    channel = {c["uid"]: c["channel"] for c in _rows(small, "Campaign")}
    campaign_of = {r["from"]: r["to"] for r in _rows(small, "OF")}
    recorded = expected = 0.0
    for k in _rows(small, "KPIObservation"):
        cmp = campaign_of[k["uid"]]
        aud, ch = audience[cmp], channel[cmp]
        media = curves.expected_media(aud, ch, [float(k["spend"])])
        recorded += float(k["impressions"])
        expected += float(media["impressions"][0])
        assert float(k["reach"]) <= reach_cap[(aud, ch)]
        assert float(k["clicks"]) <= float(k["impressions"])
    assert abs(recorded / expected - 1) < 0.02


def test_carryover_decays_over_the_weeks_after_the_history(small: TwinSummary) -> None:
    truth = TrueCurves.load(small.ground_truth)
    audience, channel, carry = next(
        (a, c, v) for a, row in truth.carryover_at_end.items() for c, v in row.items() if v > 0
    )
    decay = float(truth.channels[channel]["decay"])
    next_week = HISTORY_END + timedelta(days=1)
    assert truth.carryover(audience, channel) == carry
    assert truth.carryover(audience, channel, next_week) == carry
    later = next_week + timedelta(weeks=4)
    assert truth.carryover(audience, channel, later) == pytest.approx(carry * decay**4)
