"""The true response curves of the sample twin, as written to ground_truth.json.

The generator draws its history from `TrueCurves` loaded back from the file it just wrote,
so the file and the data cannot disagree; backtests and the simulator channel load the
same file. Model, per week t of an (audience a, channel c) pair in market m:

    A_t  = s_t + decay_c * A_{t-1}            (geometric adstock, local currency;
                                               A_{-1} = carryover, 0 before the history)
    x_t  = A_t / fx_m                         (reference currency, USD)
    H(x) = x^shape_c / (x^shape_c + K_c^shape_c)   (Hill saturation, K_c in USD/week)
    S(d) = 1 + amplitude * cos(2*pi * days(d - peak) / period_days)  (d = the week's Monday)
    E[conversions_t] = beta_c * lift_{a,c} * S(d_t) * H(x_t)
    E[revenue_t]     = E[conversions_t] * revenue_per_conversion_m   (local currency)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

GROUND_TRUTH_FORMAT = "stratagraph.sample.ground_truth/1"
FORMULA = (
    "A_t = s_t + decay_c * A_(t-1), A_(-1) = carryover (0 before the history); "
    "x_t = A_t / fx_m; H(x) = x^shape_c / (x^shape_c + half_saturation_c^shape_c); "
    "S(d) = 1 + amplitude * cos(2*pi * (d - peak).days / period_days), d = Monday of week t; "
    "E[conversions_t] = beta_c * lift[a][c] * S(d_t) * H(x_t); "
    "E[revenue_t] = E[conversions_t] * revenue_per_conversion_m. "
    "s_t is the week's spend in the market's currency, fx_m its units per USD."
)


def hill(
    x: FloatArray, half_saturation: float | FloatArray, shape: float | FloatArray
) -> FloatArray:
    """x^s / (x^s + K^s), written as 1 / (1 + (K/x)^s) so large x cannot overflow."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore"):
        ratio = np.where(x > 0, np.asarray(half_saturation) / np.where(x > 0, x, 1.0), np.inf)
    return np.where(x > 0, 1.0 / (1.0 + ratio**shape), 0.0)


def adstock(
    spend: FloatArray, decay: float | FloatArray, carryover: float | FloatArray = 0.0
) -> FloatArray:
    """Geometric adstock along the last axis: one series, or a (pairs, weeks) grid with one
    decay and one carryover per row."""
    spend = np.asarray(spend, dtype=np.float64)
    out = np.empty_like(spend)
    decay_arr = np.asarray(decay, dtype=np.float64)
    state = np.broadcast_to(np.asarray(carryover, dtype=np.float64), spend.shape[:-1]).copy()
    for t in range(spend.shape[-1]):
        state = spend[..., t] + decay_arr * state
        out[..., t] = state
    return out


@dataclass(frozen=True)
class Seasonality:
    amplitude: float
    peak: date
    period_days: float

    def factor(self, start_week: date, weeks: int) -> FloatArray:
        days = (start_week - self.peak).days + 7.0 * np.arange(weeks)
        out: FloatArray = 1.0 + self.amplitude * np.cos(2.0 * np.pi * days / self.period_days)
        return out


class TrueCurves:
    """Expected outcomes of any weekly spend plan, from a ground_truth.json document."""

    def __init__(self, document: dict[str, Any]) -> None:
        if document.get("format") != GROUND_TRUTH_FORMAT:
            raise ValueError(f"not a {GROUND_TRUTH_FORMAT} document")
        self.document = document
        self.channels: dict[str, dict[str, Any]] = document["channels"]
        self.markets: dict[str, dict[str, Any]] = document["markets"]
        self.audiences: dict[str, dict[str, Any]] = document["audiences"]
        self.lift: dict[str, dict[str, float]] = document["lift"]
        self.reachable: dict[str, dict[str, dict[str, Any]]] = document["reachable"]
        self.carryover_at_end: dict[str, dict[str, float]] = document["carryover_at_end"]
        season = document["seasonality"]
        self.seasonality = Seasonality(
            float(season["amplitude"]),
            date.fromisoformat(season["peak"]),
            float(season["period_days"]),
        )
        self.noise: dict[str, Any] = document["noise"]
        self.history_start = date.fromisoformat(document["history"]["start"])
        self.history_end = date.fromisoformat(document["history"]["end"])

    @classmethod
    def load(cls, path: Path | str) -> TrueCurves:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def market_of(self, audience_uid: str) -> dict[str, Any]:
        return self.markets[self.audiences[audience_uid]["market"]]

    def carryover(self, audience_uid: str, channel_uid: str, start: date | None = None) -> float:
        """Adstock state going into the week of `start` (default: the week after the
        history): the state at the end of the history, decayed over the weeks between."""
        carry = float(self.carryover_at_end.get(audience_uid, {}).get(channel_uid, 0.0))
        if start is None or not carry:
            return carry
        idle = max((start - self.history_end).days // 7, 0)  # history_end is a Sunday
        return carry * float(self.channels[channel_uid]["decay"]) ** idle

    def expected_conversions(
        self,
        audience_uid: str,
        channel_uid: str,
        weekly_spend: Sequence[float] | FloatArray,
        start_week: date,
        carryover: float = 0.0,
    ) -> FloatArray:
        """Mean conversions per week of a spend plan (local currency, weeks from a Monday)."""
        spend = np.asarray(weekly_spend, dtype=np.float64)[None, :]
        grid = self.expected_conversions_grid(
            [(audience_uid, channel_uid)], spend, start_week, np.array([carryover])
        )
        out: FloatArray = grid[0]
        return out

    def expected_revenue(
        self,
        audience_uid: str,
        channel_uid: str,
        weekly_spend: Sequence[float] | FloatArray,
        start_week: date,
        carryover: float = 0.0,
    ) -> FloatArray:
        """Mean revenue per week (the market's currency) of a spend plan."""
        rpc = float(self.market_of(audience_uid)["revenue_per_conversion"])
        conversions = self.expected_conversions(
            audience_uid, channel_uid, weekly_spend, start_week, carryover
        )
        return conversions * rpc

    def expected_media(
        self, audience_uid: str, channel_uid: str, weekly_spend: Sequence[float] | FloatArray
    ) -> dict[str, FloatArray]:
        """Mean impressions and clicks of a spend plan, and the reach at those impressions.

        Impressions and clicks are exact means under the noise model; reach is the reach
        formula evaluated at the mean impressions (a close, slightly high approximation).
        """
        spend = np.asarray(weekly_spend, dtype=np.float64)
        channel = self.channels[channel_uid]
        fx = float(self.market_of(audience_uid)["fx"])
        impressions = spend / (float(channel["cpm"]) * fx) * 1000.0
        cap = float(self.reachable.get(audience_uid, {}).get(channel_uid, {}).get("reach", 0))
        reach = (
            cap * (1.0 - np.exp(-impressions / (float(channel["frequency"]) * cap)))
            if cap > 0
            else np.zeros_like(impressions)
        )
        return {
            "impressions": impressions,
            "clicks": impressions * float(channel["ctr"]),
            "reach": reach,
        }

    def adstock_grid(
        self,
        pairs: Sequence[tuple[str, str]],
        spend: FloatArray,
        carryover: FloatArray | None = None,
    ) -> FloatArray:
        decay = np.array([self.channels[c]["decay"] for _, c in pairs], dtype=np.float64)
        carry = np.zeros(len(pairs)) if carryover is None else carryover
        return adstock(spend, decay, carry)

    def expected_conversions_grid(
        self,
        pairs: Sequence[tuple[str, str]],
        spend: FloatArray,
        start_week: date,
        carryover: FloatArray | None = None,
    ) -> FloatArray:
        """Vectorised form: `spend` is (pairs, weeks); one row per (audience, channel)."""
        if start_week.weekday() != 0:
            raise ValueError(f"start_week {start_week} is not a Monday")
        spend = np.asarray(spend, dtype=np.float64)
        if spend.ndim != 2 or spend.shape[0] != len(pairs):
            raise ValueError("spend must be a (pairs, weeks) array with one row per pair")
        if np.any(spend < 0):
            raise ValueError("spend cannot be negative")
        ch = [self.channels[c] for _, c in pairs]
        fx = np.array([self.market_of(a)["fx"] for a, _ in pairs], dtype=np.float64)
        beta = np.array([c["beta"] for c in ch], dtype=np.float64)
        half = np.array([c["half_saturation"] for c in ch], dtype=np.float64)
        shape = np.array([c["shape"] for c in ch], dtype=np.float64)
        lift = np.array([self.lift[a][c] for a, c in pairs], dtype=np.float64)
        stock = self.adstock_grid(pairs, spend, carryover)
        response = hill(stock / fx[:, None], half[:, None], shape[:, None])
        season = self.seasonality.factor(start_week, spend.shape[1])
        out: FloatArray = (beta * lift)[:, None] * season[None, :] * response
        return out


def round_sig(value: float, digits: int = 4) -> float:
    """Parameters are rounded before use, so the JSON holds exactly what generated the data."""
    if value == 0:
        return 0.0
    return float(f"{value:.{digits}g}")
