"""The simulator: a digital twin of the channels that draws outcomes from known response curves.

With the sample twin's ground truth (`STRATAGRAPH_SIMULATOR_TRUTH`, the ground_truth.json that
`stratagraph sample` writes) each day of a campaign gets:

- adstock per day with decay `decay_c ** (1/7)`, scaled so a steady daily spend s gives the
  weekly stock of a weekly spend 7s (`A = 7 a (1 - delta) / (1 - decay)`), starting from the
  pair's carry-over at the end of the history, decayed to the flight's first day;
- expected conversions `beta_c * lift_ac * S(day) * Hill(A / fx) / 7`, revenue at the market's
  revenue per conversion;
- the twin's noise: conversions ~ Poisson(mu e^eps), revenue x LogNormal, impressions from
  spend and CPM with LogNormal noise, clicks ~ Binomial(impressions, CTR), reach from the
  pair's reachable people.

Draws are seeded by (run seed, campaign, day), and the adapter keeps no state: it reads the
campaign's daily spend from the graph, so measuring a day twice gives the same numbers, and
launch, pause, budget and send calls are recorded by the outbox alone (the graph is the
simulator's ledger). A pair the truth does not know (or no truth file) is simulated from the
plan item's own forecast: conversions_p50 / budget per unit of spend.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from stratagraph.sample.curves import TrueCurves, hill
from stratagraph.settings import Settings

from .base import SENT, CallResult, ChannelAdapter, ChannelCall, Metrics


@cache
def load_truth(path: str) -> TrueCurves:
    return TrueCurves.load(Path(path))


def _rng(seed: int, campaign: str, day: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}|{campaign}|{day}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


class SimulatorAdapter(ChannelAdapter):
    name = "simulator"
    individual_sends = True
    bulk_budget = True

    def __init__(self, truth: TrueCurves | None) -> None:
        self.truth = truth

    @classmethod
    def create(cls, channel: dict[str, Any], settings: Settings) -> SimulatorAdapter:
        path = settings.simulator_truth
        return cls(load_truth(path) if path else None)

    def launch(self, call: ChannelCall) -> CallResult:
        return CallResult(SENT, 0.0, {"simulated": True})

    def pause(self, call: ChannelCall) -> CallResult:
        return CallResult(SENT, 0.0, {"simulated": True})

    def update_budget(self, call: ChannelCall) -> CallResult:
        # the twin spends the day's budget in full
        return CallResult(SENT, round(call.amount, 2), {"simulated": True})

    def send(self, call: ChannelCall) -> CallResult:
        return CallResult(SENT, round(min(call.unit_cost, call.amount), 4), {"simulated": True})

    # ------------------------------------------------------------------------ outcomes

    def fetch_metrics(self, call: ChannelCall) -> Metrics:
        day = call.day or ""
        spend_today = float(call.spend_by_day.get(day, 0.0))
        rng = _rng(call.seed, call.campaign, day)
        audience = str((call.audience or {}).get("uid") or "")
        channel = call.channel_uid
        truth = self.truth
        known = (
            truth is not None
            and channel in truth.channels
            and audience in truth.audiences
            and channel in truth.lift.get(audience, {})
        )
        if truth is not None and known:
            return self._from_truth(truth, call, audience, channel, day, spend_today, rng)
        return self._from_forecast(call, spend_today, rng)

    def _from_truth(
        self,
        truth: TrueCurves,
        call: ChannelCall,
        audience: str,
        channel: str,
        day: str,
        spend_today: float,
        rng: np.random.Generator,
    ) -> Metrics:
        ch = truth.channels[channel]
        market = truth.market_of(audience)
        fx = float(market["fx"])
        decay = float(ch["decay"])
        delta = decay ** (1.0 / 7.0)
        scale = 7.0 * (1.0 - delta) / (1.0 - decay) if decay < 1 else 7.0
        days = sorted(d for d in call.spend_by_day if d <= day)
        first = date.fromisoformat(days[0]) if days else date.fromisoformat(day)
        today = date.fromisoformat(day)
        gap = max(0, (first - truth.history_end).days - 1)
        stock = truth.carryover(audience, channel) / scale * delta**gap  # daily units
        d = first
        while d <= today:
            stock = float(call.spend_by_day.get(d.isoformat(), 0.0)) + delta * stock
            d += timedelta(days=1)
        weekly_stock = stock * scale
        response = float(hill(np.array([weekly_stock / fx]), ch["half_saturation"], ch["shape"])[0])
        season = float(truth.seasonality.factor(today, 1)[0])
        lift = float(truth.lift[audience][channel])
        mu = float(ch["beta"]) * lift * season * response / 7.0
        sigma_c = float(truth.noise["conversions"]["sigma"])
        conversions = float(rng.poisson(mu * math.exp(rng.normal(-(sigma_c**2) / 2, sigma_c))))
        sigma_r = float(truth.noise["revenue"]["sigma"])
        revenue = (
            conversions
            * float(market["revenue_per_conversion"])
            * math.exp(rng.normal(-(sigma_r**2) / 2, sigma_r))
        )
        sigma_i = float(truth.noise["impressions"]["sigma"])
        impressions = round(
            spend_today / (float(ch["cpm"]) * fx) * 1000.0 * math.exp(rng.normal(-0.005, sigma_i))
        )
        clicks = float(rng.binomial(int(impressions), float(ch["ctr"]))) if impressions else 0.0
        cap = float(truth.reachable.get(audience, {}).get(channel, {}).get("reach", 0) or 0)
        reach = (
            round(cap * (1.0 - math.exp(-impressions / (float(ch["frequency"]) * cap))))
            if cap > 0
            else 0.0
        )
        return Metrics(
            spend=spend_today,
            impressions=float(impressions),
            clicks=clicks,
            conversions=conversions,
            revenue=round(revenue, 2),
            reach=float(reach),
            detail={"model": "truth", "expected_conversions": round(mu, 4)},
        )

    def _from_forecast(
        self, call: ChannelCall, spend_today: float, rng: np.random.Generator
    ) -> Metrics:
        plan = call.plan
        budget = float(plan.get("budget") or 0.0)
        conv = float(plan.get("conversions_p50") or 0.0)
        revenue = float(plan.get("revenue_p50") or 0.0)
        rate = conv / budget if budget > 0 and conv > 0 else 0.01
        rpc = revenue / conv if conv > 0 and revenue > 0 else 50.0
        mu = spend_today * rate
        conversions = float(rng.poisson(mu)) if mu > 0 else 0.0
        impressions = round(spend_today / 5.0 * 1000.0) if spend_today > 0 else 0
        return Metrics(
            spend=spend_today,
            impressions=float(impressions),
            clicks=float(rng.binomial(int(impressions), 0.01)) if impressions else 0.0,
            conversions=conversions,
            revenue=round(conversions * rpc * math.exp(rng.normal(-0.00125, 0.05)), 2),
            reach=float(impressions) / 2.0,
            detail={"model": "forecast", "expected_conversions": round(mu, 4)},
        )
