"""Media-mix response models fitted from the graph (ingested with --format mmm), both engines.

The same recovery as tests/unit/test_response_models.py, but through ingest and the graph:
what a user gets from `stratagraph response-models --market ...`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stratagraph.cli import run
from stratagraph.ingest.mmm import MMMOptions
from stratagraph.ingest.service import ingest
from stratagraph.reasoning.mmm_data import load_media_data, mmm_markets
from stratagraph.reasoning.response import FitOptions, fit_response
from stratagraph.store import GraphStore

DATA = Path(__file__).parents[1] / "data"
PYMC = MMMOptions(
    date_col="date_week",
    spend_cols=("x1", "x2"),
    outcome_col="y",
    outcome_kind="revenue",
    control_cols=("event_1", "event_2"),
    market="pymc",
)
MERIDIAN = MMMOptions(
    date_col="time",
    geo_col="geo",
    spend_cols=tuple(f"Channel{i}_spend" for i in range(5)),
    outcome_col="conversions",
    revenue_per_outcome_col="revenue_per_conversion",
    control_cols=("competitor_sales_control", "sentiment_score_control", "Promo", "population"),
    market="meridian",
)


def test_pymc_example_recovers_the_known_process(store: GraphStore) -> None:
    ingest(store, [DATA / "pymc_marketing_mmm_example.csv"], fmt="mmm", mmm=PYMC)
    assert mmm_markets(store) == ["pymc"]
    data = load_media_data(store, "pymc")
    assert data.spend.shape == (1, 179, 2)
    assert data.control_names == ("event_1", "event_2")
    fit = fit_response(data, seed=0, options=FitOptions(effect_prior="share"))
    summary = {s.channel: s for s in fit.channel_summary()}
    assert summary["x1"].decay.mean == pytest.approx(0.4, abs=0.1)
    assert summary["x2"].decay.mean == pytest.approx(0.2, abs=0.1)
    assert summary["x1"].contribution_share.mean == pytest.approx(0.2905, abs=0.05)
    assert summary["x2"].contribution_share.mean == pytest.approx(0.0697, abs=0.05)


def test_meridian_roi_ranking_and_total(
    store: GraphStore, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(store, [DATA / "meridian_geo_all_channels.csv"], fmt="mmm", mmm=MERIDIAN)
    data = load_media_data(store, "meridian")
    assert data.spend.shape == (40, 156, 5)
    assert data.population is not None
    assert data.revenue_per_outcome is not None
    fit = fit_response(data, seed=0)
    roi = {s.channel: s.roi.mean for s in fit.channel_summary()}
    for better in ("Channel0", "Channel4"):
        for worse in ("Channel1", "Channel3"):
            assert roi[better] > roi[worse], roi
    assert 0.8 <= fit.total_roi().mean <= 1.65
    # the command prints the same, as JSON
    if store.dialect == "neo4j":
        from stratagraph.testing.neo4j_server import DEFAULT_PASSWORD

        monkeypatch.setenv("STRATAGRAPH_NEO4J_PASSWORD", DEFAULT_PASSWORD)
    else:
        monkeypatch.setenv("STRATAGRAPH_GRAPH", "contract")
    capsys.readouterr()
    assert run(["response-models", "--market", "meridian", "--json", "--store", store.url]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {c["channel"] for c in printed["channels"]} == set(roi)
    assert 0.8 <= printed["total_roi"]["mean"] <= 1.65
    assert run(["response-models", "--market", "nowhere", "--store", store.url]) == 2
