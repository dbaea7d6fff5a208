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

import numpy as np

from .catalog import ASSET_FITS, HISTORY_START, HISTORY_WEEKS, SLOT_WEEKS
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
    history.tables = _tables(
        plan, seed, curves, history, keys, mu, pairs, audiences, channels, markets, assets
    )
    return history


def _tables(
    plan: ScalePlan,
    seed: int,
    curves: TrueCurves,
    h: History,
    keys: list[tuple[str, str]],
    mu: np.ndarray,
    pairs: Pairs,
    audiences: Audiences,
    channels: Channels,
    markets: Markets,
    assets: Assets,
) -> list[Table]:
    rng = stream(seed, "outcomes")
    noise = curves.noise
    n = len(h.pair)
    ch = pairs.channel[h.pair]
    m = audiences.market[pairs.audience[h.pair]]
    fx = np.array([s.fx for s in markets.specs])[m][:, None]
    decimals = np.array([s.decimals for s in markets.specs])[m][:, None]
    scale = 10.0**decimals
    spec = [channels.specs[c] for c in ch]
    cpm = np.array([s.cpm for s in spec])[:, None]
    ctr = np.array([s.ctr for s in spec])[:, None]
    freq = np.array([s.frequency for s in spec])[:, None]
    reach_cap = pairs.reach[h.pair].astype(np.float64)[:, None]
    rpc = markets.revenue_per_conversion[m][:, None]
    shape = (n, HISTORY_WEEKS)

    # outcome noise, exactly as ground_truth.json "noise" states
    sigma_c = float(noise["conversions"]["sigma"])
    conversions = rng.poisson(mu * mean_one_lognormal(rng, sigma_c, shape)).astype(np.float64)
    revenue = (
        np.round(
            conversions
            * rpc
            * mean_one_lognormal(rng, float(noise["revenue"]["sigma"]), shape)
            * scale
        )
        / scale
    )
    impressions = np.round(
        h.spend
        / (cpm * fx)
        * 1000.0
        * mean_one_lognormal(rng, float(noise["impressions"]["sigma"]), shape)
    )
    clicks = rng.binomial(impressions.astype(np.int64), np.broadcast_to(ctr, shape))
    with np.errstate(divide="ignore", invalid="ignore"):
        reach = np.where(
            reach_cap > 0,
            np.round(reach_cap * (1.0 - np.exp(-impressions / (freq * reach_cap)))),
            0.0,
        )

    slot_of_week = np.arange(HISTORY_WEEKS) // SLOT_WEEKS
    observed = h.active[:, slot_of_week]
    rows, weeks = np.nonzero(observed)
    pair_key = [f"{a.removeprefix('aud-')}-{c.removeprefix('ch-')}" for a, c in keys]
    mondays = day_strings(HISTORY_START, HISTORY_WEEKS)
    sundays = day_strings(HISTORY_START + timedelta(days=6), HISTORY_WEEKS)
    compact = [d.replace("-", "") for d in mondays]
    codes = [markets.specs[int(x)].code for x in m]

    kpi_uid = [
        f"kpi-{pair_key[r]}-{compact[w]}"
        for r, w in zip(rows.tolist(), weeks.tolist(), strict=True)
    ]
    slot = weeks // SLOT_WEEKS
    cmp_of_row = [
        f"cmp-{pair_key[r]}-{s + 1}" for r, s in zip(rows.tolist(), slot.tolist(), strict=True)
    ]
    kpi = Table("KPIObservation").add("uid", "str", kpi_uid)
    kpi.add("kind", "str", ["campaign"] * len(rows))
    kpi.add("period_start", "str", [mondays[w] for w in weeks.tolist()])
    kpi.add("period_end", "str", [sundays[w] for w in weeks.tolist()])
    kpi.add("geo", "str", [codes[r] for r in rows.tolist()])
    for name, grid in (
        ("spend", h.spend),
        ("impressions", impressions),
        ("clicks", clicks.astype(np.float64)),
        ("conversions", conversions),
        ("revenue", revenue),
        ("reach", reach),
    ):
        kpi.add(name, "float", grid[rows, weeks].astype(np.float64))
    of = rel_table("OF", kpi_uid, cmp_of_row, from_label="KPIObservation", to_label="Campaign")

    # one campaign per active (pair, slot)
    c_rows, c_slots = np.nonzero(h.active)
    uids, names, channel_uid, spent, budget, starts, ends, audience_uid, asset_uid = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    by_market_kind: dict[tuple[int, str], list[int]] = {}
    for i, (am, kind) in enumerate(zip(assets.market.tolist(), assets.kind, strict=True)):
        by_market_kind.setdefault((am, kind), []).append(i)
    headroom = 1.0 + rng.random(len(c_rows)) * 0.15  # budgets are set a little above spend
    for k, (r, s) in enumerate(zip(c_rows.tolist(), c_slots.tolist(), strict=True)):
        a_uid, c_uid = keys[r]
        start = HISTORY_START + timedelta(weeks=s * SLOT_WEEKS)
        end = start + timedelta(weeks=SLOT_WEEKS, days=-1)
        total = float(
            np.round(h.spend[r, s * SLOT_WEEKS : (s + 1) * SLOT_WEEKS].sum() * scale[r, 0])
            / scale[r, 0]
        )
        uids.append(f"cmp-{pair_key[r]}-{s + 1}")
        names.append(
            f"{audiences.name[pairs.audience[h.pair[r]]]} – "
            f"{channels.specs[ch[r]].name} – {start:%b %Y}"
        )
        channel_uid.append(c_uid)
        spent.append(total)
        budget.append(nice_round(total * float(headroom[k]), 3))
        starts.append(start.isoformat())
        ends.append(end.isoformat())
        audience_uid.append(a_uid)
        asset_uid.append(
            _pick_asset(assets, by_market_kind, int(m[r]), channels.specs[ch[r]].kind, end, rng)
        )
    campaign = Table("Campaign").add("uid", "str", uids).add("name", "str", names)
    campaign.add("channel", "str", channel_uid).add("status", "str", ["completed"] * len(uids))
    campaign.add("budget", "float", budget).add("spend", "float", spent)
    campaign.add("start", "str", starts).add("end", "str", ends)
    return [
        campaign,
        rel_table("RUNS_ON", uids, channel_uid),
        rel_table("TARGETS", uids, audience_uid, from_label="Campaign", to_label="Audience"),
        rel_table("USES", uids, asset_uid, from_label="Campaign", to_label="Asset"),
        kpi,
        of,
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
