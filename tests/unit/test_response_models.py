"""Response models on two public benchmarks: PyMC-Marketing's simulated example (known truth) and
Meridian's simulated geo panel (published Meridian results). See the .source.txt notes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from stratagraph.reasoning.response import (
    FitOptions,
    MediaData,
    ResponseFit,
    fit_response,
    geometric_adstock,
    logistic_saturation,
)
from stratagraph.reasoning.response.public_datasets import (
    MERIDIAN_CONTROLS as PUBLISHED_CONTROLS,
)
from stratagraph.reasoning.response.public_datasets import (
    meridian_geo,
    pymc_example,
)

DATA = Path(__file__).parents[1] / "data"
PYMC_OPTIONS = FitOptions(effect_prior="share")  # x1, x2 are a spend index, not money
MERIDIAN_CONTROLS = (*PUBLISHED_CONTROLS, "Promo")


def pymc_data(weeks: int | None = None) -> MediaData:
    return pymc_example(DATA / "pymc_marketing_mmm_example.csv", weeks)


def meridian_data() -> MediaData:
    return meridian_geo(DATA / "meridian_geo_all_channels.csv", MERIDIAN_CONTROLS)


@pytest.fixture(scope="module")
def pymc_fit() -> ResponseFit:
    return fit_response(pymc_data(), seed=0, options=PYMC_OPTIONS)


@pytest.fixture(scope="module")
def meridian_fit() -> ResponseFit:
    return fit_response(meridian_data(), seed=0)


def test_transforms_match_the_published_definitions() -> None:
    x = np.zeros((10, 1))
    x[0, 0] = 1.0
    alpha = 0.5
    weights = alpha ** np.arange(8)
    out = geometric_adstock(x, np.array([alpha]), max_lag=8)[:, 0]
    np.testing.assert_allclose(out[:8], weights / weights.sum())
    np.testing.assert_allclose(out[8:], 0.0)
    grid = np.linspace(0.0, 3.0, 7)
    expected = (1 - np.exp(-2.0 * grid)) / (1 + np.exp(-2.0 * grid))
    np.testing.assert_allclose(logistic_saturation(grid, np.float64(2.0)), expected)


def test_pymc_example_recovers_true_decays_and_shares(pymc_fit: ResponseFit) -> None:
    summary = {s.channel: s for s in pymc_fit.channel_summary()}
    assert abs(summary["x1"].decay.mean - 0.4) < 0.1
    assert abs(summary["x2"].decay.mean - 0.2) < 0.1
    assert abs(summary["x1"].contribution_share.mean - 0.2905) < 0.05
    assert abs(summary["x2"].contribution_share.mean - 0.0697) < 0.05
    assert pymc_fit.n_observations == 179
    assert pymc_fit.seconds < 9.6  # 10x under PyMC-Marketing's 96 s NUTS run


def test_meridian_geo_panel_ranks_channels_and_total_roi(meridian_fit: ResponseFit) -> None:
    roi = {s.channel: s.roi.mean for s in meridian_fit.channel_summary()}
    for strong in ("Channel0", "Channel4"):
        for weak in ("Channel1", "Channel3"):
            assert roi[strong] > roi[weak], roi
    total = meridian_fit.total_roi()
    assert 0.8 <= total.mean <= 1.65, total  # Meridian: 1.208 [0.800, 1.649]
    assert all(s.roi.low > 0 for s in meridian_fit.channel_summary())


def test_intervals_contain_the_mean_and_widen_with_less_data(pymc_fit: ResponseFit) -> None:
    short = fit_response(pymc_data(60), seed=0, options=PYMC_OPTIONS)
    assert short.n_observations == 60
    for fit in (pymc_fit, short):
        for s in fit.channel_summary():
            for est in (s.decay, s.saturation, s.contribution_share, s.roi, s.mroi):
                assert est.low <= est.mean <= est.high
        total = fit.total_roi()
        assert total.low <= total.mean <= total.high
    for full, few in zip(pymc_fit.channel_summary(), short.channel_summary(), strict=True):
        for name in ("decay", "contribution_share", "roi"):
            wide, narrow = getattr(few, name), getattr(full, name)
            assert wide.high - wide.low > narrow.high - narrow.low, (full.channel, name)


def test_same_seed_same_summary(pymc_fit: ResponseFit) -> None:
    again = fit_response(pymc_data(), seed=0, options=PYMC_OPTIONS)
    assert again.channel_summary() == pymc_fit.channel_summary()
    assert again.total_roi() == pymc_fit.total_roi()
    other = fit_response(pymc_data(), seed=1, options=PYMC_OPTIONS)
    assert other.channel_summary() != pymc_fit.channel_summary()


def test_predict_reproduces_the_fitted_contributions(pymc_fit: ResponseFit) -> None:
    data = pymc_data()
    media = pymc_fit.predict(data.spend[0])
    assert media.shape == (pymc_fit.n_draws, 179, 2)
    np.testing.assert_allclose(media.sum(axis=1), pymc_fit.samples["contribution"], rtol=1e-9)
    baseline = pymc_fit.predict_baseline(data.periods, data.controls, draws=False)
    fitted = baseline[0] + media.mean(axis=0).sum(axis=1)
    assert np.corrcoef(fitted, data.outcome[0])[0, 1] > 0.95
    # Continuing after the sample: carry-over from the last weeks adds to the first weeks only.
    plan = np.zeros((4, 2))
    cold = pymc_fit.predict(plan, draws=False)
    warm = pymc_fit.predict(plan, draws=False, carryover=pymc_fit.history[0])
    assert np.all(cold == 0)
    assert np.all(warm[0] > 0)
    assert np.all(np.diff(warm.sum(axis=1)) < 0)


def test_response_curve_rises_and_saturates(pymc_fit: ResponseFit) -> None:
    grid = np.linspace(0.0, 2.0, 9)
    mean, low, high = pymc_fit.response_curve("x1", grid)
    assert mean[0] == 0
    assert np.all(np.diff(mean) > 0)
    assert np.all(np.diff(mean, 2) < 0)
    assert np.all(low <= mean)
    assert np.all(mean <= high)
    # The true curve: 3000 * logistic(4 x) in steady state.
    truth = 3000 * (1 - np.exp(-4 * grid)) / (1 + np.exp(-4 * grid))
    assert np.all(np.abs(mean - truth)[1:] / truth[1:] < 0.15)


def test_fit_round_trips_through_json(pymc_fit: ResponseFit) -> None:
    restored = ResponseFit.from_dict(json.loads(json.dumps(pymc_fit.to_dict())))
    assert restored.channel_summary() == pymc_fit.channel_summary()
    plan = np.ones((3, 2))
    np.testing.assert_array_equal(restored.predict(plan), pymc_fit.predict(plan))


def test_bad_input_is_refused() -> None:
    data = pymc_data()
    with pytest.raises(ValueError, match="without any spend"):
        fit_response(replace(data, spend=data.spend * np.array([1.0, 0.0])), draws=50)
    with pytest.raises(ValueError, match="equally spaced"):
        replace(data, periods=data.periods[::-1])
    with pytest.raises(ValueError, match="non-negative"):
        replace(data, spend=-data.spend)
