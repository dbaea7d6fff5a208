"""Two years of weekly campaigns, with outcomes drawn from the true curves.

Spend process (documented in ground_truth.json too): a share of the lawful reachable pairs
has history; each runs at most one campaign per 26-week slot; inside a campaign, flights
switch on and off (a Markov chain) and the weekly level is drawn around the channel's
saturation point, so the data show spend from well below to well above it, plus dark
weeks that reveal the carry-over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from .catalog import ASSET_FITS, HISTORY_START, HISTORY_WEEKS, SLOT_WEEKS, ChannelSpec
from .curves import TrueCurves
from .entities import Assets, Audiences, Channels, Markets, Pairs
from .scales import ScalePlan
from .streams import day_strings, mean_one_lognormal, nice_round, stream
from .tables import Table, rel_table

SPEND_PROCESS = {
    "history_pairs": "reachable pairs with a legal basis other than none, outside test "
    "cells, each with probability history_share; every channel has one",
    "slots": f"{HISTORY_WEEKS // SLOT_WEEKS} slots of {SLOT_WEEKS} weeks; a history pair runs "
    "a campaign in a slot with probability slot_probability (at least one)",
    "flights": "first week of a campaign on; then on->off 0.2, off->on 0.5 per week",
    "level": "per campaign L = half_saturation_c * fx_m * (1 - decay_c) * exp(N(0, 0.8))",
    "weekly_spend": "L * exp(N(0, 0.25)), x2.5 in burst weeks (p = 0.06), clipped to "
    "7 * [min_daily_budget, max_daily_budget] * fx_m, rounded to minor units",
    "before_history": "no spend (adstock starts at 0 on the first Monday)",
}
ON_TO_OFF = 0.2
OFF_TO_ON = 0.5
LEVEL_SIGMA = 0.8
WEEK_SIGMA = 0.25
BURST_P = 0.06
BURST_X = 2.5


@dataclass
class History:
    pair: np.ndarray  # index into Pairs of each history row
    spend: np.ndarray  # (history pairs, weeks), local currency
    active: np.ndarray  # (history pairs, slots)
    tables: list[Table]

    def key(self, pairs: Pairs, audiences: Audiences, channels: Channels) -> list[tuple[str, str]]:
        return [
            (audiences.uid[pairs.audience[p]], channels.specs[pairs.channel[p]].uid)
            for p in self.pair.tolist()
        ]


def choose_history_pairs(
    plan: ScalePlan, pairs: Pairs, audiences: Audiences, n_channels: int, rng: np.random.Generator
) -> np.ndarray:
    lawful = (pairs.basis != "none") & ~audiences.test_cell[pairs.audience]
    chosen = lawful & (rng.random(len(pairs.basis)) < plan.history_share)
    for c in range(n_channels):  # every channel's curve must be identifiable
        candidates = np.nonzero(lawful & (pairs.channel == c))[0]
        if len(candidates) and not chosen[candidates].any():
            chosen[candidates[int(rng.integers(len(candidates)))]] = True
    return np.nonzero(chosen)[0]


def simulate_spend(
    plan: ScalePlan,
    hp: np.ndarray,
    pairs: Pairs,
    audiences: Audiences,
    channels: Channels,
    markets: Markets,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    n, slots = len(hp), HISTORY_WEEKS // SLOT_WEEKS
    active = rng.random((n, slots)) < plan.slot_probability
    none = ~active.any(axis=1)
    active[none, rng.integers(0, slots, int(none.sum()))] = True
    ch = pairs.channel[hp]
    m = audiences.market[pairs.audience[hp]]
    fx = np.array([s.fx for s in markets.specs])[m]
    decimals = np.array([s.decimals for s in markets.specs])[m]
    level = (channels.half_saturation[ch] * fx * (1 - channels.decay[ch]))[:, None] * np.exp(
        rng.normal(0.0, LEVEL_SIGMA, (n, slots))
    )
    on = np.zeros((n, HISTORY_WEEKS), dtype=bool)
    state = np.ones(n, dtype=bool)
    draws = rng.random((n, HISTORY_WEEKS))
    for t in range(HISTORY_WEEKS):
        if t % SLOT_WEEKS == 0:
            state = np.ones(n, dtype=bool)
        else:
            state = np.where(state, draws[:, t] >= ON_TO_OFF, draws[:, t] < OFF_TO_ON)
        on[:, t] = state
    weekly = np.repeat(level, SLOT_WEEKS, axis=1) * np.exp(
        rng.normal(0.0, WEEK_SIGMA, (n, HISTORY_WEEKS))
    )
    weekly *= np.where(rng.random((n, HISTORY_WEEKS)) < BURST_P, BURST_X, 1.0)
    lo = np.array([c.min_daily for c in channels.specs])[ch] * 7 * fx
    hi = np.array([c.max_daily for c in channels.specs])[ch] * 7 * fx
    weekly = np.clip(weekly, lo[:, None], hi[:, None])
    running = on & np.repeat(active, SLOT_WEEKS, axis=1)
    spend = np.where(running, weekly, 0.0)
    scale = (10.0**decimals)[:, None]
    return np.round(spend * scale) / scale, active


def build_history(
    plan: ScalePlan,
    seed: int,
    curves: TrueCurves,
    pairs: Pairs,
    audiences: Audiences,
    channels: Channels,
    markets: Markets,
    assets: Assets,
) -> History:
    rng = stream(seed, "history")
    hp = choose_history_pairs(plan, pairs, audiences, len(channels.specs), rng)
    spend, active = simulate_spend(plan, hp, pairs, audiences, channels, markets, rng)
    history = History(hp, spend, active, [])
    keys = history.key(pairs, audiences, channels)
    mu = curves.expected_conversions_grid(keys, spend, HISTORY_START)
    rng = stream(seed, "outcomes")
    rows = _Rows.of(history, keys, pairs, audiences, channels, markets)
    outcomes = draw_outcomes(curves, rows, spend, mu, rng)
    history.tables = [
        *_campaign_tables(history, rows, audiences, channels, assets, rng),
        *_observation_tables(history, rows, outcomes),
    ]
    return history


@dataclass
class _Rows:
    """Per history pair: what the outcome draws and the file rows need, as columns."""

    keys: list[tuple[str, str]]  # (audience uid, channel uid)
    slug: list[str]  # "de-003-search", the readable part of campaign and observation uids
    channel: list[ChannelSpec]
    market: np.ndarray  # market index
    audience_name: list[str]
    fx: np.ndarray  # (pairs, 1)
    minor: np.ndarray  # (pairs, 1): 100 for cents, 1 for yen
    reach: np.ndarray  # (pairs, 1): REACHABLE_VIA.reach
    revenue_per_conversion: np.ndarray  # (pairs, 1)
    codes: list[str]

    @classmethod
    def of(
        cls,
        history: History,
        keys: list[tuple[str, str]],
        pairs: Pairs,
        audiences: Audiences,
        channels: Channels,
        markets: Markets,
    ) -> _Rows:
        m = audiences.market[pairs.audience[history.pair]]
        specs = markets.specs
        return cls(
            keys=keys,
            slug=[f"{a.removeprefix('aud-')}-{c.removeprefix('ch-')}" for a, c in keys],
            channel=[channels.specs[c] for c in pairs.channel[history.pair].tolist()],
            market=m,
            audience_name=[audiences.name[a] for a in pairs.audience[history.pair].tolist()],
            fx=np.array([s.fx for s in specs])[m][:, None],
            minor=(10.0 ** np.array([s.decimals for s in specs]))[m][:, None],
            reach=pairs.reach[history.pair].astype(np.float64)[:, None],
            revenue_per_conversion=markets.revenue_per_conversion[m][:, None],
            codes=[specs[int(x)].code for x in m.tolist()],
        )

    def column(self, name: str) -> np.ndarray:
        return np.array([getattr(c, name) for c in self.channel], dtype=np.float64)[:, None]


def draw_outcomes(
    curves: TrueCurves, rows: _Rows, spend: np.ndarray, mu: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Weekly results of every pair, with the noise ground_truth.json states."""
    noise = curves.noise
    shape = spend.shape
    conversions = rng.poisson(
        mu * mean_one_lognormal(rng, float(noise["conversions"]["sigma"]), shape)
    ).astype(np.float64)
    revenue_noise = mean_one_lognormal(rng, float(noise["revenue"]["sigma"]), shape)
    revenue = np.round(conversions * rows.revenue_per_conversion * revenue_noise * rows.minor)
    impressions = np.round(
        spend
        / (rows.column("cpm") * rows.fx)
        * 1000.0
        * mean_one_lognormal(rng, float(noise["impressions"]["sigma"]), shape)
    )
    clicks = rng.binomial(impressions.astype(np.int64), np.broadcast_to(rows.column("ctr"), shape))
    cap = np.where(rows.reach > 0, rows.reach, 1.0)  # no reach, no division by zero
    reach = np.where(
        rows.reach > 0,
        np.round(rows.reach * (1.0 - np.exp(-impressions / (rows.column("frequency") * cap)))),
        0.0,
    )
    return {
        "spend": spend,
        "impressions": impressions,
        "clicks": clicks.astype(np.float64),
        "conversions": conversions,
        "revenue": revenue / rows.minor,
        "reach": reach,
    }


def _observation_tables(
    history: History, rows: _Rows, outcomes: dict[str, np.ndarray]
) -> list[Table]:
    """One KPIObservation per week of every campaign, dark weeks included: they show decay."""
    observed = history.active[:, np.arange(HISTORY_WEEKS) // SLOT_WEEKS]
    pair, week = (a.tolist() for a in np.nonzero(observed))
    mondays = day_strings(HISTORY_START, HISTORY_WEEKS)
    sundays = day_strings(HISTORY_START + timedelta(days=6), HISTORY_WEEKS)
    compact = [d.replace("-", "") for d in mondays]
    uids = [f"kpi-{rows.slug[p]}-{compact[w]}" for p, w in zip(pair, week, strict=True)]
    campaigns = [
        f"cmp-{rows.slug[p]}-{w // SLOT_WEEKS + 1}" for p, w in zip(pair, week, strict=True)
    ]
    kpi = Table("KPIObservation").add("uid", "str", uids)
    kpi.add("kind", "str", ["campaign"] * len(uids))
    kpi.add("period_start", "str", [mondays[w] for w in week])
    kpi.add("period_end", "str", [sundays[w] for w in week])
    kpi.add("geo", "str", [rows.codes[p] for p in pair])
    for name, grid in outcomes.items():
        kpi.add(name, "float", grid[pair, week])
    of = rel_table("OF", uids, campaigns, from_label="KPIObservation", to_label="Campaign")
    return [kpi, of]


def _campaign_tables(
    history: History,
    rows: _Rows,
    audiences: Audiences,
    channels: Channels,
    assets: Assets,
    rng: np.random.Generator,
) -> list[Table]:
    """One completed campaign per active (pair, slot), using one fitting creative."""
    pair, slot = (a.tolist() for a in np.nonzero(history.active))
    by_market_kind: dict[tuple[int, str], list[int]] = {}
    for i, (am, kind) in enumerate(zip(assets.market, assets.kind, strict=True)):
        by_market_kind.setdefault((am, kind), []).append(i)
    headroom = 1.0 + rng.random(len(pair)) * 0.15  # budgets are set a little above spend
    columns: dict[str, list[Any]] = {
        k: [] for k in ("uid", "name", "channel", "budget", "spend", "start", "end")
    }
    audience_uid, asset_uid = [], []
    for k, (p, s) in enumerate(zip(pair, slot, strict=True)):
        start = HISTORY_START + timedelta(weeks=s * SLOT_WEEKS)
        end = start + timedelta(weeks=SLOT_WEEKS, days=-1)
        minor = float(rows.minor[p, 0])
        total = round(float(history.spend[p, s * SLOT_WEEKS : (s + 1) * SLOT_WEEKS].sum()) * minor)
        columns["uid"].append(f"cmp-{rows.slug[p]}-{s + 1}")
        columns["name"].append(f"{rows.audience_name[p]} – {rows.channel[p].name} – {start:%b %Y}")
        columns["channel"].append(rows.keys[p][1])
        columns["spend"].append(total / minor)
        columns["budget"].append(nice_round(total / minor * float(headroom[k]), 3))
        columns["start"].append(start.isoformat())
        columns["end"].append(end.isoformat())
        audience_uid.append(rows.keys[p][0])
        market = int(rows.market[p])
        asset_uid.append(
            _pick_asset(assets, by_market_kind, market, rows.channel[p].kind, end, rng)
        )
    uids = columns["uid"]
    campaign = Table("Campaign")
    for name in ("uid", "name", "channel"):
        campaign.add(name, "str", columns[name])
    campaign.add("status", "str", ["completed"] * len(uids))
    campaign.add("budget", "float", columns["budget"]).add("spend", "float", columns["spend"])
    campaign.add("start", "str", columns["start"]).add("end", "str", columns["end"])
    return [
        campaign,
        rel_table("RUNS_ON", uids, columns["channel"]),
        rel_table("TARGETS", uids, audience_uid, from_label="Campaign", to_label="Audience"),
        rel_table("USES", uids, asset_uid, from_label="Campaign", to_label="Asset"),
    ]


def _pick_asset(
    assets: Assets,
    by_market_kind: dict[tuple[int, str], list[int]],
    market: int,
    channel_kind: str,
    end: date,
    rng: np.random.Generator,
) -> str:
    """An approved creative of the market that fits the channel and was valid all campaign."""
    fitting = [
        i
        for kind, fits in ASSET_FITS.items()
        if channel_kind in fits
        for i in by_market_kind.get((market, kind), [])
    ]
    valid = [i for i in fitting if assets.approved[i] and assets.expires[i] > end]
    pool = valid or [i for i in fitting if assets.approved[i]] or fitting
    return assets.uid[pool[int(rng.integers(len(pool)))]]
