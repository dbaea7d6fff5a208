"""From a goal to ranked, forecast, risk-scored allocations (no graph writes here)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from stratagraph import cypher
from stratagraph.reasoning.briefs import Brief, choose_asset, write_brief
from stratagraph.reasoning.candidates import Tactic, find_tactics
from stratagraph.reasoning.forecast import (
    Forecast,
    MarketEconomics,
    TacticSurface,
    WeeklyBand,
    forecast_allocation,
    tactic_surface,
    weekly_band,
)
from stratagraph.reasoning.goals import Goal
from stratagraph.reasoning.history import CampaignHistory
from stratagraph.reasoning.models import MarketModels, ModelRegistry
from stratagraph.reasoning.optimizer import Bounds, allocate
from stratagraph.reasoning.risk import RiskAssessment, assess
from stratagraph.store import GraphStore

OBJECTIVES: dict[str, str] = {
    "max_outcome": "maximum expected outcome",
    "max_reach": "maximum reach",
    "risk_averse": "risk-averse: best expected outcome in the worst 20% of cases (CVaR)",
    "efficient": "maximum profit: revenue minus spend, leaving budget unspent where it loses",
    "diversified": "maximum expected outcome with no channel above 35% of the budget",
}
CVAR_TAIL = 0.2
RANKING_DRAWS = 80
DIVERSIFIED_SHARE = 0.35


@dataclass
class PlannedItem:
    tactic: Tactic
    budget: float
    forecast: Forecast
    brief: Brief
    observed_weeks: int
    weekly: WeeklyBand | None = None


@dataclass
class PlannedOption:
    objective: str
    items: list[PlannedItem]
    forecast: Forecast
    risk: RiskAssessment
    rationale: str = ""
    rank: int = 0

    @property
    def spend(self) -> float:
        return sum(i.budget for i in self.items)


@dataclass
class Planning:
    """Everything a proposal rests on, kept for the evidence links and the output."""

    goal: Goal
    tactics: list[Tactic]
    history: CampaignHistory
    models: MarketModels
    economics: MarketEconomics
    surfaces: list[TacticSurface]
    options: list[PlannedOption] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seed: int = 7
    draws: int = 300
    _full: dict[tuple[int, int], TacticSurface] = field(default_factory=dict)

    def forecast_surface(self, index: int, step: int) -> TacticSurface:
        """Tactic `index` at grid step `step` with every posterior draw, computed once. The
        draws depend on the tactic only, so every budget of a tactic sees the same ones."""
        key = (index, step)
        if key not in self._full:
            s = self.surfaces[index]
            rng = np.random.default_rng(self.seed * 1_000_003 + index)
            self._full[key] = tactic_surface(
                s.tactic,
                self.models.fits.get(s.tactic.channel),
                self.goal,
                self.economics,
                s.budgets[step : step + 1],
                pacing="even",
                rng=rng,
                n_observations=s.n_observations,
                draws=self.draws,
            )
        return self._full[key]


def _channels(store: GraphStore) -> dict[str, dict[str, object]]:
    return {
        r["channel"]["uid"]: r["channel"] for r in store.read(cypher.load("reasoning/channels"))
    }


def _variants(store: GraphStore, assets: list[str]) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for r in store.read(cypher.load("reasoning/asset_variants"), {"assets": assets}):
        out.setdefault(r["asset"], []).append((r["variant"], tuple(r["themes"] or ())))
    for v in out.values():
        v.sort()
    return out


def prepare(
    store: GraphStore,
    goal: Goal,
    registry: ModelRegistry,
    *,
    grid: int = 50,
    seed: int = 7,
) -> Planning:
    """Tactics, history, models and forecast surfaces for a goal."""
    notes: list[str] = []
    tactics = find_tactics(store, goal)
    if not tactics:
        from stratagraph.errors import UsageError

        raise UsageError(
            f"goal {goal.uid}: no lawful tactic: no audience of {goal.market_code} is reachable "
            "on a channel with a valid consent basis and an approved, localized, unexpired "
            "creative that fits it. Check the goal's constraints and the market's assets."
        )
    # channels share one curve across markets (spend in USD, each pair its own lift), so
    # every market's history informs every other's
    history = registry.history(store)
    models = registry.for_market(history, "all", [t.channel for t in tactics])
    economics = MarketEconomics.from_history(history, goal.market_uid, goal.units_per_usd)
    for t in tactics:
        t.asset = choose_asset(t)
        t.path.append(t.asset)
        t.path_types.append("FITS")  # the creative fits the channel (and is localized)
    missing = sorted({t.channel for t in tactics} - set(models.fits))
    if missing:
        notes.append(
            f"no history anywhere for {', '.join(missing)}: those tactics have no response "
            "model and get no budget; run a test campaign to learn their response"
        )
    rng = np.random.default_rng(seed)
    budgets = np.linspace(0.0, goal.budget, grid + 1)
    # allocations are ranked on a subset of the posterior draws; the chosen items are then
    # forecast with all of them (see Planning.forecast_surface)
    ranking_fits = {c: f.subset(RANKING_DRAWS) for c, f in models.fits.items()}
    surfaces = [
        tactic_surface(
            t,
            ranking_fits.get(t.channel),
            goal,
            economics,
            budgets,
            pacing="even",
            rng=rng,
            n_observations=_observed(history, t),
            draws=min(RANKING_DRAWS, registry.draws),
        )
        for t in tactics
    ]
    return Planning(
        goal,
        tactics,
        history,
        models,
        economics,
        surfaces,
        notes=notes,
        seed=seed,
        draws=registry.draws,
    )


def _observed(history: CampaignHistory, tactic: Tactic) -> int:
    pair = history.pairs.get(tactic.key)
    return pair.n_observed if pair else 0


def _bounds(planning: Planning, channels: dict[str, dict[str, object]], objective: str) -> Bounds:
    goal = planning.goal
    step = goal.budget / (len(planning.surfaces[0].budgets) - 1)
    days = goal.days
    tmin, tmax = [], []
    for s in planning.surfaces:
        ch = channels.get(s.tactic.channel, {})
        low = float(ch.get("min_daily_budget") or 0.0) * days * goal.units_per_usd  # type: ignore[arg-type]
        cap_steps = len(s.budgets) - 1
        if goal.constraints.frequency_cap and s.tactic.reach:
            cpm = planning.economics.cpm.get(s.tactic.channel)
            if cpm:
                weekly = goal.constraints.frequency_cap * s.tactic.reach * cpm / 1000
                cap_steps = min(cap_steps, int(weekly * len(goal.weeks) / step))
        tmin.append(math.ceil(low / step) if low > 0 else 0)
        tmax.append(cap_steps)
    channel_max: dict[str, int] = {}
    channel_min: dict[str, int] = {}
    for channel in {s.tactic.channel for s in planning.surfaces}:
        ch = channels.get(channel, {})
        limits = []
        daily = ch.get("max_daily_budget")
        if daily:
            limits.append(float(daily) * days * goal.units_per_usd)  # type: ignore[arg-type]
        if channel in goal.constraints.channel_max:
            limits.append(goal.constraints.channel_max[channel])
        if objective == "diversified":
            limits.append(goal.budget * DIVERSIFIED_SHARE)
        if limits:
            channel_max[channel] = int(min(limits) / step + 1e-9)
        if channel in goal.constraints.channel_min:
            channel_min[channel] = math.ceil(goal.constraints.channel_min[channel] / step - 1e-9)
    return Bounds(np.array(tmin), np.array(tmax), channel_min, channel_max)


def _values(planning: Planning, objective: str) -> np.ndarray:
    goal = planning.goal
    rpc = planning.economics.revenue_per_conversion
    rows = []
    for s in planning.surfaces:
        kpi = s.conversions * (rpc if goal.kpi in ("revenue", "roi") else 1.0)
        if objective == "max_reach":
            rows.append(s.reach.mean(axis=0))
        elif objective == "risk_averse":
            cut = max(int(len(kpi) * CVAR_TAIL), 1)
            rows.append(np.sort(kpi, axis=0)[:cut].mean(axis=0))
        elif objective == "efficient":
            rows.append((s.conversions * rpc).mean(axis=0) - s.budgets)
        else:
            rows.append(kpi.mean(axis=0))
    return np.array(rows)


def plan_options(
    store: GraphStore, planning: Planning, objectives: list[str], *, seed: int = 7
) -> list[PlannedOption]:
    channels = _channels(store)
    goal = planning.goal
    variants = _variants(store, sorted({t.asset for t in planning.tactics}))
    step = goal.budget / (len(planning.surfaces[0].budgets) - 1)
    options = []
    for objective in objectives:
        bounds = _bounds(planning, channels, objective)
        channel_of = [s.tactic.channel for s in planning.surfaces]
        steps = allocate(
            _values(planning, objective), channel_of, bounds, spend_all=objective != "efficient"
        )
        if objective == "max_reach":
            steps = _reach_search(steps, planning, channel_of, bounds)
        chosen = [i for i, k in enumerate(steps) if k > 0]
        surfaces = [planning.forecast_surface(i, int(steps[i])) for i in chosen]
        budgets = [float(steps[i] * step) for i in chosen]
        rng = np.random.default_rng(seed)
        if surfaces:
            total, per_item = forecast_allocation(surfaces, budgets, planning.economics, rng)
        else:
            zero = (0.0, 0.0, 0.0)
            total, per_item = Forecast(zero, zero, zero, zero, zero), []
        items = [
            PlannedItem(
                s.tactic,
                b,
                f,
                write_brief(s.tactic, variants),
                s.n_observations,
                weekly_band(
                    s.tactic,
                    planning.models.fits.get(s.tactic.channel),
                    goal,
                    planning.economics,
                    b,
                    np.random.default_rng(seed + i),
                ),
            )
            for i, (s, b, f) in enumerate(zip(surfaces, budgets, per_item, strict=True))
        ]
        kpi = total.kpi(goal.kpi)
        risk = assess(
            kpi_p10=kpi[0],
            kpi_p50=kpi[1],
            kpi_p90=kpi[2],
            budgets=budgets,
            observed_weeks=[i.observed_weeks for i in items],
            weeks_since_data=_weeks_since_data(planning),
            limit_use=_limit_use(planning, channels, items),
        )
        options.append(PlannedOption(objective, items, total, risk))
    _rank(options, goal.kpi)
    for option in options:
        option.rationale = rationale(option, planning)
    return options


def _reach_search(
    steps: np.ndarray, planning: Planning, channels: list[str], bounds: Bounds
) -> np.ndarray:
    """Reach overlaps within an audience (people reached on two channels count once), which
    the per-tactic programme cannot see: starting from its answer, move one grid step at a
    time from the tactic that loses least to the one that gains most, while that helps."""
    reach = np.array([s.reach.mean(axis=0) for s in planning.surfaces])  # (N, G+1)
    size = np.array([max(s.tactic.audience_size, 1) for s in planning.surfaces], dtype=float)
    share = np.minimum(reach / size[:, None], 1.0)
    audiences = [s.tactic.audience for s in planning.surfaces]
    group = np.unique(audiences, return_inverse=True)[1]
    names = sorted(set(channels))
    chan = np.array([names.index(c) for c in channels])
    low = np.array([bounds.channel_min.get(c, 0) for c in names])
    high = np.array([bounds.channel_max.get(c, share.shape[1] - 1) for c in names])
    top = share.shape[1] - 1
    k = steps.astype(int).copy()
    idx = np.arange(len(k))

    def total(ks: np.ndarray) -> float:
        missed = np.ones(group.max() + 1)
        np.multiply.at(missed, group, 1 - share[idx, ks])
        first = np.unique(group, return_index=True)[1]
        return float((size[first] * (1 - missed)).sum())

    value = total(k)
    for _ in range(4 * top):
        s_now = share[idx, k]
        missed = np.ones(group.max() + 1)
        np.multiply.at(missed, group, 1 - s_now)
        others = missed[group] / np.maximum(1 - s_now, 1e-12)
        up = np.minimum(k + 1, top)
        down = np.maximum(k - 1, 0)
        gain = size * others * (share[idx, up] - s_now)
        loss = size * others * (s_now - share[idx, down])
        per_channel = np.bincount(chan, weights=k, minlength=len(names))
        can_up = (k < bounds.tactic_max) & ((k + 1 >= bounds.tactic_min) | (k + 1 == 0))
        can_up &= per_channel[chan] + 1 <= high[chan]
        can_down = (k > 0) & ((k - 1 == 0) | (k - 1 >= bounds.tactic_min))
        can_down &= per_channel[chan] - 1 >= low[chan]
        gain = np.where(can_up, gain, -np.inf)
        loss = np.where(can_down, loss, np.inf)
        best = None
        for i in np.argsort(-gain)[:3]:
            for j in np.argsort(loss)[:3]:
                if i == j or not np.isfinite(gain[i]) or not np.isfinite(loss[j]):
                    continue
                trial = k.copy()
                trial[i] += 1
                trial[j] -= 1
                v = total(trial)
                if v > value + 1e-9 and (best is None or v > best[0]):
                    best = (v, trial)
        if best is None:
            break
        value, k = best
    return k


def _weeks_since_data(planning: Planning) -> float:
    last = planning.history.last_week
    if last is None:
        return 52.0
    return max((planning.goal.window_start - last).days / 7 - 1, 0.0)


def _limit_use(
    planning: Planning, channels: dict[str, dict[str, object]], items: list[PlannedItem]
) -> float:
    goal = planning.goal
    uses = []
    per_channel: dict[str, float] = {}
    for i in items:
        per_channel[i.tactic.channel] = per_channel.get(i.tactic.channel, 0.0) + i.budget
    for channel, spend in per_channel.items():
        daily = channels.get(channel, {}).get("max_daily_budget")
        if daily:
            uses.append(spend / goal.days / (float(daily) * goal.units_per_usd))  # type: ignore[arg-type]
        if goal.constraints.channel_max.get(channel):
            uses.append(spend / goal.constraints.channel_max[channel])
    if goal.spend_cap:
        uses.append(sum(per_channel.values()) / goal.days / float(goal.spend_cap))
    return max(uses, default=0.0)


def _rank(options: list[PlannedOption], kpi: str) -> None:
    """Best expected KPI first; equal ones by lower risk."""
    ordered = sorted(options, key=lambda o: (-o.forecast.kpi(kpi)[1], o.risk.score))
    for rank, option in enumerate(ordered, start=1):
        option.rank = rank


def rationale(option: PlannedOption, planning: Planning) -> str:
    goal = planning.goal
    cur = goal.currency
    by_channel: dict[str, float] = {}
    for i in option.items:
        by_channel[i.tactic.channel] = by_channel.get(i.tactic.channel, 0.0) + i.budget
    spend = option.spend or 1.0
    mix = ", ".join(
        f"{c} {b / spend:.0%}" for c, b in sorted(by_channel.items(), key=lambda kv: -kv[1])[:4]
    )
    f = option.forecast
    kpi = f.kpi(goal.kpi)
    audiences = len({i.tactic.audience for i in option.items})
    text = (
        f"{OBJECTIVES[option.objective].capitalize()}. Spends {option.spend:,.0f} {cur} of "
        f"{goal.budget:,.0f} across {len(option.items)} tactics on {audiences} audiences "
        f"({mix}). Expected {goal.kpi} {kpi[1]:,.0f} (80% interval {kpi[0]:,.0f} to "
        f"{kpi[2]:,.0f}), revenue {f.revenue[1]:,.0f} {cur}, ROI {f.roi[1]:.2f}, reach "
        f"{f.reach[1]:,.0f} people. Risk {option.risk.score:.0f}/100"
        f" ({option.risk.explanation})."
    )
    if goal.target:
        chance = (
            "likely"
            if kpi[0] >= goal.target
            else "possible"
            if kpi[2] >= goal.target
            else "unlikely"
        )
        text += f" Reaching the target of {goal.target:,.0f} is {chance}."
    for note in planning.notes:
        text += f" Note: {note}."
    return text
