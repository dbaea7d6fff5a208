"""Decision quality against a known truth, and calibration of the forecast intervals.

Regret: the maximum-outcome option is scored with the true curves of the sample twin
(ground_truth.json) and compared with the true optimum under the same tactics, grid and
constraints. Coverage: the models are fitted on the history up to a cut-off and the 80%
predictive interval of every held-out week of every pair is checked against what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from stratagraph.reasoning.forecast import pacing_weights
from stratagraph.reasoning.goals import load_goal
from stratagraph.reasoning.history import load_campaign_history
from stratagraph.reasoning.models import ModelRegistry
from stratagraph.reasoning.optimizer import allocate
from stratagraph.reasoning.plan import _bounds, _channels, plan_options, prepare
from stratagraph.sample import TrueCurves
from stratagraph.store import GraphStore


@dataclass(frozen=True)
class DecisionQuality:
    goal: str
    kpi: str
    ours_true: float  # the true expected KPI of our max-outcome allocation
    optimum_true: float  # the best true expected KPI under the same constraints
    regret: float  # 1 - ours / optimum

    @property
    def ratio(self) -> float:
        return self.ours_true / self.optimum_true if self.optimum_true else 0.0


@dataclass(frozen=True)
class Coverage:
    market: str
    holdout_weeks: int
    weeks_checked: int
    inside: int

    @property
    def rate(self) -> float:
        return self.inside / self.weeks_checked if self.weeks_checked else 0.0


def decision_quality(
    store: GraphStore, goal_uid: str, truth: TrueCurves, registry: ModelRegistry, *, seed: int = 7
) -> DecisionQuality:
    goal = load_goal(store, goal_uid)
    planning = prepare(store, goal, registry, seed=seed)
    option = plan_options(store, planning, ["max_outcome"], seed=seed)[0]
    chosen = {i.tactic.key: i.budget for i in option.items}
    start = goal.weeks[0]
    weights = pacing_weights("even", goal.week_days())
    revenue = goal.kpi in ("revenue", "roi")

    def true_kpi(audience: str, channel: str, budgets: np.ndarray) -> np.ndarray:
        plans = budgets[:, None] * weights[None, :]
        pairs = [(audience, channel)] * len(budgets)
        carry = np.full(len(budgets), truth.carryover(audience, channel, start))
        conv: np.ndarray = truth.expected_conversions_grid(pairs, plans, start, carry).sum(axis=1)
        if revenue:
            conv = conv * float(truth.market_of(audience)["revenue_per_conversion"])
        return conv

    grid = planning.surfaces[0].budgets
    true_values = np.array(
        [true_kpi(s.tactic.audience, s.tactic.channel, grid) for s in planning.surfaces]
    )
    ours = sum(
        float(
            true_kpi(
                s.tactic.audience, s.tactic.channel, np.array([chosen.get(s.tactic.key, 0.0)])
            )[0]
        )
        for s in planning.surfaces
    )
    bounds = _bounds(planning, _channels(store), "max_outcome")
    channels = [s.tactic.channel for s in planning.surfaces]
    steps = allocate(true_values, channels, bounds)
    optimum = float(sum(true_values[i, k] for i, k in enumerate(steps)))
    return DecisionQuality(
        goal.uid, goal.kpi, ours, optimum, 1 - ours / optimum if optimum else 0.0
    )


def forecast_coverage(
    store: GraphStore,
    market: str = "",
    *,
    holdout_weeks: int = 13,
    level: float = 0.8,
    draws: int = 300,
    seed: int = 7,
) -> Coverage:
    """Coverage over the pairs of one market ('' for all); the models see every market."""
    history = load_campaign_history(store)
    if len(history.weeks) <= holdout_weeks + 26:
        raise ValueError(f"{market}: too little history for a {holdout_weeks}-week holdout")
    cutoff: date = history.weeks[-holdout_weeks - 1].astype(date)
    train = history.until(cutoff)
    held = history.weeks > np.datetime64(cutoff)
    weeks = history.weeks[held]
    registry = ModelRegistry(draws=draws, seed=seed)
    models = registry.for_market(train, "all", train.channels)
    rng = np.random.default_rng(seed)
    lo_q, hi_q = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    checked = inside = 0
    for (audience, channel), pair in sorted(history.pairs.items()):
        fit = models.fits.get(channel)
        if market and pair.market != market:
            continue
        mask = pair.observed[held]
        if fit is None or not mask.any():
            continue
        spend_usd = pair.spend[held] / pair.units_per_usd
        carry = fit.carryover(audience, weeks[0].astype(date))
        mean = fit.expected_weekly(spend_usd, weeks, carry)
        mean = mean * fit.lift_draws(audience, pair.audience_size, rng)[:, None]
        sigma = fit.overdispersion
        noisy = mean * np.exp(rng.normal(-(sigma**2) / 2, sigma, size=mean.shape))
        predictive = rng.poisson(noisy)
        low = np.percentile(predictive, lo_q, axis=0)
        high = np.percentile(predictive, hi_q, axis=0)
        actual = pair.conversions[held]
        ok = (actual >= low) & (actual <= high)
        checked += int(mask.sum())
        inside += int((ok & mask).sum())
    return Coverage(market, holdout_weeks, checked, inside)
