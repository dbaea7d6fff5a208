"""Per-draw contributions, ROI and mROI, and their summaries as (mean, low, high) intervals.

ROI: incremental revenue attributed to a channel over the sample / its spend over the sample.
mROI: incremental revenue of 1% more spend on that channel in every period / that extra spend.
Contribution share: the channel's incremental outcome / the total outcome over the sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .model import MarginalModel
from .transforms import FloatArray

MARGINAL_STEP = 0.01


class Interval(NamedTuple):
    """Posterior mean and equal-tailed credible interval."""

    mean: float
    low: float
    high: float


def interval(draws: FloatArray, level: float) -> Interval:
    if not 0.0 < level < 1.0:
        raise ValueError("level must be in (0, 1)")
    tail = 0.5 * (1.0 - level)
    low, high = np.quantile(draws, [tail, 1.0 - tail])
    return Interval(float(np.mean(draws)), float(low), float(high))


@dataclass(frozen=True)
class ChannelSummary:
    """One channel's fitted response, every estimate with its credible interval."""

    channel: str
    spend: float  # over the sample
    n_obs: int  # geo-periods with spend on this channel
    decay: Interval  # geometric adstock decay per period (normalised weights)
    saturation: Interval  # logistic lambda, on spend / geo size / spend scale
    half_saturation_spend: Interval  # spend per period (all geos) at half the maximum response
    contribution: Interval  # incremental outcome over the sample
    contribution_share: Interval  # of the total outcome
    roi: Interval
    mroi: Interval


def posterior_quantities(
    model: MarginalModel, z: FloatArray, rng: np.random.Generator
) -> dict[str, FloatArray]:
    """Per draw z (S, D): beta, contribution, ROI, mROI and the baseline coefficients.

    Scaled model units throughout; computed in chunks so the (S, C, N) arrays stay small.
    """
    p = model.unpack(z)
    parts: dict[str, list[FloatArray]] = {
        "beta": [],
        "contribution": [],
        "mroi": [],
        "baseline": [],
    }
    step = model.batch_size
    for start in range(0, len(z), step):
        chunk = z[start : start + step]
        sat = model.saturated(chunk)
        beta = model.beta(sat, p.effect[start : start + step])
        # Adstock is linear, so scaling all spend by 1.01 bumps each channel on its own.
        bumped = model.saturated(chunk, 1.0 + MARGINAL_STEP)
        parts["beta"].append(beta)
        parts["contribution"].append(beta * (sat @ model.outcome_weight))
        extra_revenue = beta * ((bumped - sat) @ model.revenue_weight)
        parts["mroi"].append(extra_revenue / (MARGINAL_STEP * model.spend_total))
        parts["baseline"].append(model.draw_baseline(chunk, sat, rng))
    out = {key: np.concatenate(value) for key, value in parts.items()}
    out["roi"] = p.effect * model.denominator / model.spend_total
    return out
