"""Monte-Carlo forecasts of any allocation: conversions, revenue, ROI, reach and spend.

Every tactic gets a response surface: for each budget on a grid and each posterior draw,
the expected conversions over the goal window (adstock carried over from the history,
seasonality of the window's weeks, the pair's lift). Forecasts of an allocation add the
tactics draw by draw, then week-level noise, and report p10/p50/p90.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stratagraph.reasoning.candidates import Tactic
from stratagraph.reasoning.goals import Goal
from stratagraph.reasoning.history import CampaignHistory
from stratagraph.reasoning.pair_model import ChannelFit

QUANTILES = (10, 50, 90)
METRICS = ("conversions", "revenue", "roi", "reach", "spend")


def pacing_weights(kind: str, days: list[int]) -> np.ndarray:
    """Share of a budget spent in each week of the window, by pacing."""
    base = np.asarray(days, dtype=float)
    ramp = np.linspace(1.5, 0.5, len(base)) if len(base) > 1 else np.ones(1)
    if kind == "front_loaded":
        base = base * ramp
    elif kind == "back_loaded":
        base = base * ramp[::-1]
    weights: np.ndarray = base / base.sum()
    return weights


@dataclass(frozen=True)
class MarketEconomics:
    """Revenue per conversion and cost of reach in one market, from its history."""

    revenue_per_conversion: float
    rpc_sd: float  # of the log, for draws
    cpm: dict[str, float]  # channel -> cost per 1000 impressions (market currency)
    cpm_sd: dict[str, float]  # channel -> sd of the log of weekly CPMs
    frequency: dict[str, float]  # channel -> impressions per person reached, per week

    @classmethod
    def from_history(
        cls, history: CampaignHistory, market: str, units_per_usd: float
    ) -> MarketEconomics:
        """From the market's own history where it has some; otherwise from every market,
        in US dollars converted to the market's currency."""
        own = [p for p in history.pairs.values() if p.market == market]
        pool = own if any(p.conversions.sum() > 0 for p in own) else list(history.pairs.values())
        scale = [units_per_usd / p.units_per_usd if pool is not own else 1.0 for p in pool]
        conv = sum(float(p.conversions.sum()) for p in pool)
        rev = sum(float(p.revenue.sum()) * k for p, k in zip(pool, scale, strict=True))
        ratios = [
            r * k / c
            for p, k in zip(pool, scale, strict=True)
            for r, c in zip(p.revenue, p.conversions, strict=True)
            if c > 20
        ]
        sd = float(np.std(np.log(ratios)) / np.sqrt(max(len(ratios), 1))) if ratios else 0.3
        if pool is not own:
            sd = max(sd, 0.3)  # another market's prices: say how little we know
        cpm: dict[str, float] = {}
        cpm_sd: dict[str, float] = {}
        freq: dict[str, float] = {}
        for channel in history.channels:
            mine = [p for p in own if p.channel == channel]
            pairs = mine or history.channel_pairs(channel)
            # spend in the market's currency per impression
            factor = [1.0 if mine else units_per_usd / p.units_per_usd for p in pairs]
            spend = sum(float(p.spend.sum()) * k for p, k in zip(pairs, factor, strict=True))
            impressions = sum(float(p.impressions.sum()) for p in pairs)
            reach = sum(float(p.reach.sum()) for p in pairs)
            weekly = [
                s * k / i * 1000
                for p, k in zip(pairs, factor, strict=True)
                for s, i in zip(p.spend, p.impressions, strict=True)
                if s > 0 and i > 0
            ]
            if impressions > 0:
                cpm[channel] = spend / impressions * 1000
                cpm_sd[channel] = float(np.std(np.log(weekly))) if len(weekly) > 1 else 0.3
            if reach > 0:
                freq[channel] = max(impressions / reach, 1.0)
        return cls(rev / conv if conv else 0.0, max(sd, 0.01), cpm, cpm_sd, freq)


@dataclass
class TacticSurface:
    """Forecast surface of one tactic over a grid of window budgets."""

    tactic: Tactic
    budgets: np.ndarray  # (B,) totals over the window, market currency
    conversions: np.ndarray  # (D, B) expected, per posterior draw
    noise_var: np.ndarray  # (D, B) week-level noise variance of the window total
    impressions: np.ndarray  # (D, B)
    reach: np.ndarray  # (D, B) people reached at least once
    n_observations: int
    has_history: bool
    min_budget: float
    max_budget: float


def tactic_surface(
    tactic: Tactic,
    fit: ChannelFit | None,
    goal: Goal,
    economics: MarketEconomics,
    budgets: np.ndarray,
    *,
    pacing: str,
    rng: np.random.Generator,
    n_observations: int,
    draws: int,
) -> TacticSurface:
    weeks = np.array(goal.weeks, dtype="datetime64[D]")
    weights = pacing_weights(pacing, goal.week_days())
    if fit is None:
        # no history for this channel in this market: nothing to stand on, no response
        conv = np.zeros((draws, len(budgets)))
        noise = np.zeros_like(conv)
    else:
        lift = fit.lift_draws(tactic.audience, tactic.audience_size, rng)
        carry = fit.carryover(tactic.audience, goal.weeks[0])
        plans = budgets[:, None] * weights[None, :] / goal.units_per_usd
        mean = fit.expected_weekly(plans, weeks, carry, dtype=np.float32)  # (D, B, W)
        mean *= lift.astype(np.float32)[:, None, None]
        window = mean.sum(axis=2)
        conv = window.astype(np.float64)
        mean *= mean
        noise = window + np.float32(fit.overdispersion**2) * mean.sum(axis=2)
        noise = noise.astype(np.float64)
    cpm = economics.cpm.get(tactic.channel)
    if cpm:
        # the window's average CPM is uncertain by the weekly spread over sqrt(weeks)
        spread = economics.cpm_sd.get(tactic.channel, 0.3) / np.sqrt(len(weeks))
        cpm_draws = cpm * np.exp(rng.standard_normal(draws) * spread)
        impressions = budgets[None, :] / cpm_draws[:, None] * 1000
    else:
        impressions = np.zeros((draws, len(budgets)))
    freq = economics.frequency.get(tactic.channel, 2.0)
    people = max(tactic.reach, 1)
    # exposures land on the reachable people at random (f per person reached in a week):
    # the share never exposed over the window is exp(-impressions / (f * people))
    reach = people * (1 - np.exp(-impressions / (freq * people)))
    return TacticSurface(
        tactic=tactic,
        budgets=budgets,
        conversions=conv,
        noise_var=noise,
        impressions=impressions,
        reach=reach,
        n_observations=n_observations,
        has_history=n_observations > 0,
        min_budget=0.0,
        max_budget=float(budgets[-1]),
    )


@dataclass(frozen=True)
class Forecast:
    """p10/p50/p90 of each metric."""

    conversions: tuple[float, float, float]
    revenue: tuple[float, float, float]
    roi: tuple[float, float, float]
    reach: tuple[float, float, float]
    spend: tuple[float, float, float]

    def as_props(self) -> dict[str, float]:
        return {
            f"{metric}_p{q}": float(round(getattr(self, metric)[i], 4))
            for metric in METRICS
            for i, q in enumerate(QUANTILES)
        }

    def kpi(self, kpi: str) -> tuple[float, float, float]:
        value: tuple[float, float, float] = getattr(self, kpi if kpi in METRICS else "conversions")
        return value


def _quantiles(values: np.ndarray) -> tuple[float, float, float]:
    q = np.percentile(values, QUANTILES)
    return (float(q[0]), float(q[1]), float(q[2]))


def at_budget(budgets: np.ndarray, table: np.ndarray, budget: float) -> np.ndarray:
    """Every row of `table` (D, B), a curve over the ascending `budgets` grid, read at one
    budget by linear interpolation (clamped to the grid's ends, as np.interp does)."""
    if budget <= budgets[0]:
        return table[:, 0].astype(float)
    if budget >= budgets[-1]:
        return table[:, -1].astype(float)
    j = int(np.searchsorted(budgets, budget, side="right")) - 1
    w = (budget - budgets[j]) / (budgets[j + 1] - budgets[j])
    out: np.ndarray = table[:, j] * (1.0 - w) + table[:, j + 1] * w
    return out


def draw_outcomes(
    surfaces: list[TacticSurface],
    allocation: list[float],
    economics: MarketEconomics,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Per-draw totals of an allocation, with week-level noise and revenue uncertainty."""
    draws = surfaces[0].conversions.shape[0] if surfaces else 1
    total = np.zeros(draws)
    var = np.zeros(draws)
    per_item = []
    for s, budget in zip(surfaces, allocation, strict=True):
        conv = at_budget(s.budgets, s.conversions, budget)
        v = at_budget(s.budgets, s.noise_var, budget)
        noisy = np.maximum(conv + rng.standard_normal(draws) * np.sqrt(np.maximum(v, 0)), 0)
        per_item.append(noisy)
        total += conv
        var += v
    noisy_total = np.maximum(total + rng.standard_normal(draws) * np.sqrt(var), 0)
    rpc = economics.revenue_per_conversion * np.exp(
        rng.standard_normal(draws) * economics.rpc_sd - economics.rpc_sd**2 / 2
    )
    return {
        "conversions": noisy_total,
        "revenue": noisy_total * rpc,
        "rpc": rpc,
        "items": np.array(per_item) if per_item else np.zeros((0, draws)),
    }


def forecast_allocation(
    surfaces: list[TacticSurface],
    allocation: list[float],
    economics: MarketEconomics,
    rng: np.random.Generator,
) -> tuple[Forecast, list[Forecast]]:
    """The total and per-item forecasts of an allocation."""
    out = draw_outcomes(surfaces, allocation, economics, rng)
    spend = float(sum(allocation))
    reach_items = np.array(
        [at_budget(s.budgets, s.reach, b) for s, b in zip(surfaces, allocation, strict=True)]
    ).reshape(len(surfaces), -1)
    total = Forecast(
        conversions=_quantiles(out["conversions"]),
        revenue=_quantiles(out["revenue"]),
        roi=_quantiles(out["revenue"] / spend) if spend else (0.0, 0.0, 0.0),
        reach=_quantiles(_deduplicated_reach(surfaces, reach_items)),
        spend=(spend, spend, spend),
    )
    items = []
    for i, budget in enumerate(allocation):
        conv = out["items"][i]
        rev = conv * out["rpc"]
        items.append(
            Forecast(
                conversions=_quantiles(conv),
                revenue=_quantiles(rev),
                roi=_quantiles(rev / budget) if budget else (0.0, 0.0, 0.0),
                reach=_quantiles(reach_items[i]),
                spend=(budget, budget, budget),
            )
        )
    return total, items


def _deduplicated_reach(surfaces: list[TacticSurface], reach: np.ndarray) -> np.ndarray:
    """People reached at least once across channels, per draw: channels reach the same
    audience independently, so overlaps are removed within each audience."""
    draws = reach.shape[1] if reach.size else 1
    missed: dict[str, tuple[int, np.ndarray]] = {}
    for s, r in zip(surfaces, reach, strict=True):
        size = max(s.tactic.audience_size, 1)
        size0, miss = missed.get(s.tactic.audience, (size, np.ones(draws)))
        missed[s.tactic.audience] = (size0, miss * (1 - np.minimum(r / size, 1.0)))
    return sum((size * (1 - miss) for size, miss in missed.values()), np.zeros(draws))


@dataclass(frozen=True)
class WeeklyBand:
    """Predictive quantiles of each week's results (noise included): what a live week may
    show if the plan runs as forecast."""

    start: str  # Monday of the first week
    spend: list[float]
    conversions: tuple[list[float], list[float], list[float]]  # p10, p50, p90
    revenue: tuple[list[float], list[float], list[float]]

    def as_props(self) -> dict[str, object]:
        props: dict[str, object] = {"weekly_start": self.start, "weekly_spend": self.spend}
        for metric in ("conversions", "revenue"):
            for q, values in zip(QUANTILES, getattr(self, metric), strict=True):
                props[f"weekly_{metric}_p{q}"] = values
        return props


def weekly_band(
    tactic: Tactic,
    fit: ChannelFit | None,
    goal: Goal,
    economics: MarketEconomics,
    budget: float,
    rng: np.random.Generator,
) -> WeeklyBand | None:
    if fit is None or budget <= 0:
        return None
    weeks = np.array(goal.weeks, dtype="datetime64[D]")
    spend = budget * pacing_weights("even", goal.week_days())
    carry = fit.carryover(tactic.audience, goal.weeks[0])
    mean = fit.expected_weekly(spend / goal.units_per_usd, weeks, carry)
    mean = mean * fit.lift_draws(tactic.audience, tactic.audience_size, rng)[:, None]
    sigma = fit.overdispersion
    counts = rng.poisson(mean * np.exp(rng.normal(-(sigma**2) / 2, sigma, size=mean.shape)))
    rpc = economics.revenue_per_conversion * np.exp(
        rng.standard_normal(mean.shape[0]) * economics.rpc_sd
    )
    revenue = counts * rpc[:, None]

    def bands(values: np.ndarray) -> tuple[list[float], list[float], list[float]]:
        q = np.percentile(values, QUANTILES, axis=0)
        return (
            [round(float(v), 3) for v in q[0]],
            [round(float(v), 3) for v in q[1]],
            [round(float(v), 3) for v in q[2]],
        )

    return WeeklyBand(
        start=goal.weeks[0].isoformat(),
        spend=[round(float(v), 2) for v in spend],
        conversions=bands(counts),
        revenue=bands(revenue),
    )
