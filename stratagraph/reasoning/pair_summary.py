"""Channel summaries of pooled pair models, in the same form as media-mix summaries."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from stratagraph.reasoning.history import CampaignHistory
from stratagraph.reasoning.pair_model import ChannelData, ChannelFit, _Objective
from stratagraph.reasoning.response.summary import ChannelSummary, interval

MARGINAL = 0.01


def _revenue_per_conversion(data: ChannelData) -> np.ndarray:
    """Per pair: its own revenue per conversion (prices differ by market and currency)."""
    out = []
    for pair in data.pairs:
        conv = float(pair.conversions.sum())
        out.append(float(pair.revenue.sum()) / conv if conv else 0.0)
    return np.array(out)


def summarise(
    fits: dict[str, ChannelFit], history: CampaignHistory, *, level: float = 0.8
) -> list[ChannelSummary]:
    """Decay, saturation, contribution share, ROI and marginal ROI per channel, each with
    its credible interval, over the history the models saw. Money is in US dollars."""
    total_conversions = sum(float(p.conversions[p.observed].sum()) for p in history.pairs.values())
    out = []
    with threadpool_limits(1):
        for channel, fit in sorted(fits.items()):
            data = ChannelData.build(channel, history)
            objective = _Objective(data)
            rpc_usd = _revenue_per_conversion(data) / np.array(
                [p.units_per_usd for p in data.pairs]
            )
            spend_usd = float(data.spend_usd[data.observed].sum())
            bumped = _Objective(_scaled(data, 1 + MARGINAL))
            conv, revenue, extra = [], [], []
            for k in range(fit.n_draws):
                params = {name: float(fit.draws[name][k]) for name in fit.draws}
                lift = fit.lift_shape[k] / fit.lift_rate[k]
                mean = np.where(data.observed, objective.mean(params), 0.0).sum(axis=1) * lift
                conv.append(mean.sum())
                revenue.append(float((mean * rpc_usd).sum()))
                more = np.where(data.observed, bumped.mean(params), 0.0).sum(axis=1) * lift
                extra.append(float(((more - mean) * rpc_usd).sum()))
            conv_a, revenue_a, extra_a = np.array(conv), np.array(revenue), np.array(extra)
            out.append(
                ChannelSummary(
                    channel=channel,
                    spend=spend_usd,
                    n_obs=fit.n_observations,
                    decay=interval(fit.draws["decay"], level),
                    saturation=interval(fit.draws["shape"], level),
                    half_saturation_spend=interval(fit.draws["half_saturation"], level),
                    contribution=interval(conv_a, level),
                    contribution_share=interval(conv_a / max(total_conversions, 1e-9), level),
                    roi=interval(revenue_a / max(spend_usd, 1e-9), level),
                    mroi=interval(extra_a / max(spend_usd * MARGINAL, 1e-9), level),
                )
            )
    return out


def _scaled(data: ChannelData, factor: float) -> ChannelData:
    return ChannelData(
        channel=data.channel,
        pairs=data.pairs,
        weeks=data.weeks,
        spend_usd=data.spend_usd * factor,
        conversions=data.conversions,
        observed=data.observed,
        cos=data.cos,
        sin=data.sin,
        log_size=data.log_size,
        median_size=data.median_size,
    )
