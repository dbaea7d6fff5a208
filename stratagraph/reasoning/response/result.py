"""A fitted response model: posterior draws, summaries, predictions and (de)serialisation.

In raw units the fitted model is, for geo g, period t and channel c (size_g = population, or the
geo's mean outcome, or 1 for a single series):

    outcome[g, t] = size_g * (baseline[g, t] + sum_c beta_c * sat_c(adstock_c(x[g, :, c]))[t])
                    + size_g * sigma * noise
    x[g, t, c] = spend[g, t, c] / size_g / spend_scale_c

with normalised geometric adstock (decay_c, max_lag periods) and logistic saturation
tanh(lam_c * x / 2) (or lam_c x / (1 + lam_c x) with FitOptions(saturation="hill")).
`samples` holds posterior draws in these units.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from .design import MediaData, Scaling
from .model import MarginalModel
from .priors import FitOptions
from .summary import ChannelSummary, Interval, interval, posterior_quantities
from .transforms import (
    FloatArray,
    adstock_weights,
    convolve_lags,
    half_saturation,
    saturation,
)

FORMAT = "stratagraph.response-fit/1"


@dataclass(frozen=True, eq=False)  # holds arrays: compare summaries, not fits
class ResponseFit:
    """Posterior of a response model. Arrays in `samples` have the draws on their first axis.

    samples: decay (S, C); lam (S, C) logistic rate on the scaled spend axis; beta (S, C) outcome
    per period per unit of geo size at full saturation; sigma (S,) noise sd per unit of geo size;
    baseline (S, P) coefficients (names in `baseline_names`) per unit of geo size; roi, mroi and
    contribution (S, C) over the fitted sample (contribution in outcome units).
    """

    channels: tuple[str, ...]
    geos: tuple[str, ...]
    control_names: tuple[str, ...]
    options: FitOptions
    scaling: Scaling
    samples: dict[str, FloatArray]
    spend_total: FloatArray  # (C,)
    outcome_total: float
    channel_obs: tuple[int, ...]  # geo-periods with spend, per channel
    history: FloatArray  # (G, max_lag - 1, C) raw spend of the last fitted periods
    allocation: FloatArray  # (G, C) each channel's share of its spend by geo
    revenue_per_outcome: FloatArray  # (G,) mean over the sample, for revenue response curves
    n_observations: int
    seconds: float
    diagnostics: dict[str, float] = field(default_factory=dict)

    @property
    def baseline_names(self) -> tuple[str, ...]:
        return self.scaling.names

    @property
    def n_draws(self) -> int:
        return len(self.samples["decay"])

    def channel_summary(self, level: float = 0.8) -> list[ChannelSummary]:
        s = self.samples
        # Spend per period, spread over geos in proportion to their size, at half saturation.
        half_spend = (
            half_saturation(self.options.saturation)
            / s["lam"]
            * self.scaling.spend_scale
            * float(self.scaling.geo_size.sum())
        )
        out = []
        for c, name in enumerate(self.channels):
            out.append(
                ChannelSummary(
                    channel=name,
                    spend=float(self.spend_total[c]),
                    n_obs=self.channel_obs[c],
                    decay=interval(s["decay"][:, c], level),
                    saturation=interval(s["lam"][:, c], level),
                    half_saturation_spend=interval(half_spend[:, c], level),
                    contribution=interval(s["contribution"][:, c], level),
                    contribution_share=interval(
                        s["contribution"][:, c] / self.outcome_total, level
                    ),
                    roi=interval(s["roi"][:, c], level),
                    mroi=interval(s["mroi"][:, c], level),
                )
            )
        return out

    def total_roi(self, level: float = 0.8) -> Interval:
        """Incremental revenue of all paid channels / all paid spend, over the sample."""
        revenue = self.samples["roi"] @ self.spend_total
        return interval(revenue / self.spend_total.sum(), level)

    def _channel(self, channel: str) -> int:
        try:
            return self.channels.index(channel)
        except ValueError:
            raise KeyError(
                f"unknown channel {channel!r}; fitted: {', '.join(self.channels)}"
            ) from None

    def _panel(self, values: npt.ArrayLike, name: str) -> tuple[FloatArray, bool]:
        array = np.asarray(values, dtype=np.float64)
        single = array.ndim == 2
        if single:
            if len(self.geos) != 1:
                raise ValueError(f"{name} must be (G, T, C) for a model with {len(self.geos)} geos")
            array = array[None]
        if (
            array.ndim != 3
            or array.shape[0] != len(self.geos)
            or array.shape[2] != len(self.channels)
        ):
            raise ValueError(
                f"{name} has shape {array.shape}; expected ({len(self.geos)}, T, "
                f"{len(self.channels)})"
            )
        if not np.all(np.isfinite(array)) or np.any(array < 0):
            raise ValueError(f"{name} must be finite and non-negative")
        return array, single

    def predict(
        self,
        spend: npt.ArrayLike,
        *,
        draws: bool = True,
        carryover: npt.ArrayLike | None = None,
    ) -> FloatArray:
        """Media contribution (outcome units) of a spend plan, per geo, period and channel.

        `spend` is (G, T, C), or (T, C) for a single-geo model. `carryover` is the spend of the
        periods just before the plan, same layout, any length (None: nothing was spent before);
        pass `fit.history` to continue straight after the fitted sample. Returns draws
        (S, G, T, C) of the expected contribution (no observation noise), or their mean
        (G, T, C) with draws=False; the geo axis is dropped for (T, C) input.
        """
        plan, single = self._panel(spend, "spend")
        lead = 0
        if carryover is not None:
            before, _ = self._panel(carryover, "carryover")
            lead = before.shape[1]
            plan = np.concatenate([before, plan], axis=1)
        x = self.scaling.scale_spend(plan)
        s = self.samples
        weights = adstock_weights(s["decay"], self.options.max_lag)
        size = self.scaling.geo_size[None, :, None, None]
        chunks = []
        with threadpool_limits(1):  # small products: BLAS threads only contend
            for start in range(0, self.n_draws, 100):
                part = slice(start, start + 100)
                ad = convolve_lags(x[None], weights[part, None])
                u = s["lam"][part, None, None, :] * ad[:, :, lead:, :]
                sat = saturation(self.options.saturation, u)
                chunks.append(s["beta"][part, None, None, :] * sat * size)
        out = np.concatenate(chunks)
        result: FloatArray = out if draws else out.mean(axis=0)
        if single:
            result = result[..., 0, :, :] if draws else result[0]
        return result

    def predict_baseline(
        self,
        periods: npt.ArrayLike,
        controls: npt.ArrayLike | None = None,
        *,
        draws: bool = True,
    ) -> FloatArray:
        """Baseline outcome (no paid media) per geo and period: (S, G, T), or (G, T) means.

        Fitted periods use their fitted per-period effects; later periods extrapolate the trend
        and repeat the seasonality. Controls (G, T, K) are required when the model has any.
        """
        stamps = np.asarray(periods).astype("datetime64[D]")
        values = None if controls is None else np.asarray(controls, dtype=np.float64)
        design = self.scaling.baseline_design(stamps, values)
        out = np.einsum("gtp,sp->sgt", design, self.samples["baseline"])
        out = out * self.scaling.geo_size[None, :, None]
        result: FloatArray = out if draws else out.mean(axis=0)
        return result

    def response_curve(
        self,
        channel: str,
        spend_grid: npt.ArrayLike,
        *,
        level: float = 0.8,
        revenue: bool = False,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Steady-state response per period to a constant spend per period: (mean, low, high).

        Each grid value is total spend per period over all geos, split across geos as the
        channel's spend was in the sample. With normalised adstock the steady state of a
        constant spend is the spend itself, so no decay enters. Outcome units, or revenue
        (at each geo's mean revenue per outcome) with revenue=True.
        """
        c = self._channel(channel)
        grid = np.asarray(spend_grid, dtype=np.float64).reshape(-1)
        size = self.scaling.geo_size
        x = (
            grid[None, :]
            * self.allocation[:, c, None]
            / size[:, None]
            / self.scaling.spend_scale[c]
        )
        unit = size * (self.revenue_per_outcome if revenue else 1.0)
        s = self.samples
        sat = saturation(self.options.saturation, s["lam"][:, c, None, None] * x[None])
        response = s["beta"][:, c, None] * np.einsum("sgk,g->sk", sat, unit)
        tail = 0.5 * (1.0 - level)
        low, high = np.quantile(response, [tail, 1.0 - tail], axis=0)
        return response.mean(axis=0), low, high

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (lists, floats, strings), for caching in the graph or on disk."""
        return {
            "format": FORMAT,
            "channels": list(self.channels),
            "geos": list(self.geos),
            "control_names": list(self.control_names),
            "options": self.options.to_dict(),
            "scaling": self.scaling.to_dict(),
            "samples": {key: value.tolist() for key, value in self.samples.items()},
            "spend_total": self.spend_total.tolist(),
            "outcome_total": self.outcome_total,
            "channel_obs": list(self.channel_obs),
            "history": self.history.tolist(),
            "allocation": self.allocation.tolist(),
            "revenue_per_outcome": self.revenue_per_outcome.tolist(),
            "n_observations": self.n_observations,
            "seconds": self.seconds,
            "diagnostics": dict(self.diagnostics),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ResponseFit:
        if raw.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} document: {raw.get('format')!r}")

        def array(value: Any) -> FloatArray:
            return np.asarray(value, dtype=np.float64)

        n_channels = len(raw["channels"])
        history = array(raw["history"]).reshape(len(raw["geos"]), -1, n_channels)
        return cls(
            channels=tuple(raw["channels"]),
            geos=tuple(raw["geos"]),
            control_names=tuple(raw["control_names"]),
            options=FitOptions.from_dict(raw["options"]),
            scaling=Scaling.from_dict(raw["scaling"]),
            samples={key: array(value) for key, value in raw["samples"].items()},
            spend_total=array(raw["spend_total"]),
            outcome_total=float(raw["outcome_total"]),
            channel_obs=tuple(int(n) for n in raw["channel_obs"]),
            history=history,
            allocation=array(raw["allocation"]),
            revenue_per_outcome=array(raw["revenue_per_outcome"]),
            n_observations=int(raw["n_observations"]),
            seconds=float(raw["seconds"]),
            diagnostics={key: float(value) for key, value in raw["diagnostics"].items()},
        )


def build_fit(
    data: MediaData,
    model: MarginalModel,
    z: FloatArray,
    rng: np.random.Generator,
    *,
    diagnostics: dict[str, float],
    started: float,
) -> ResponseFit:
    """Turn posterior draws of the unconstrained parameters into a ResponseFit."""
    p = model.unpack(z)
    derived = posterior_quantities(model, z, rng)
    scale = model.scaling.outcome_scale
    samples = {
        "decay": p.decay,
        "lam": p.lam,
        "beta": derived["beta"] * scale,
        "sigma": np.sqrt(p.var) * scale,
        "baseline": derived["baseline"] * scale,
        "roi": derived["roi"],
        "mroi": derived["mroi"],
        "contribution": derived["contribution"],
    }
    spend_by_geo = data.spend.sum(axis=1)
    keep = max(model.options.max_lag - 1, 0)
    n_periods = data.spend.shape[1]
    return ResponseFit(
        channels=data.channels,
        geos=data.geos,
        control_names=data.control_names,
        options=model.options,
        scaling=model.scaling,
        samples=samples,
        spend_total=model.spend_total,
        outcome_total=model.outcome_total,
        channel_obs=tuple(int(n) for n in (data.spend > 0).sum(axis=(0, 1))),
        history=data.spend[:, n_periods - min(keep, n_periods) :, :].copy(),
        allocation=spend_by_geo / spend_by_geo.sum(axis=0),
        revenue_per_outcome=data.revenue_weights.mean(axis=1),
        n_observations=int(data.outcome.size),
        seconds=time.perf_counter() - started,
        diagnostics=diagnostics,
    )
