"""Fit options and the priors on the channel parameters, on the unconstrained scale.

The sampler works on z = (logit decay, log lambda, log effect, log sigma); each prior below is
written as a density of z, so the Jacobian of the transform is folded in.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from .transforms import DEFAULT_MAX_LAG, FloatArray

EffectPrior = Literal["roi", "share"]
Saturation = Literal["logistic", "hill"]


@dataclass(frozen=True)
class FitOptions:
    """Model structure and priors. Defaults are the ones argued for in ADR 0005."""

    max_lag: int = DEFAULT_MAX_LAG  # periods of carry-over (8 weeks; use more for daily data)
    saturation: Saturation = "logistic"  # "hill": slope-1 Hill, kept for comparisons
    fourier_order: int = 2
    trend: bool = True
    # One effect per period shared by all geos (Meridian's default for geo data); None: on when
    # there are several geos, off for a single series (where it would be confounded with noise).
    time_effects: bool | None = None
    time_effect_sd: float = 0.5
    # "roi": LogNormal(roi_prior) on each channel's ROI, which needs spend and revenue in the
    # same currency. "share": LogNormal(share_prior) on each channel's share of the revenue,
    # for spend given in other units (an index, impressions, GRPs).
    effect_prior: EffectPrior = "roi"
    roi_prior: tuple[float, float] = (0.2, 0.9)
    share_prior: tuple[float, float] = (math.log(0.1), 1.0)
    decay_prior: tuple[float, float] = (1.0, 1.0)  # Beta(a, b) on the adstock decay
    saturation_prior: tuple[float, float] = (3.0, 1.0)  # Gamma(shape, rate) on lambda
    intercept_prior: tuple[float, float] = (1.0, 1.0)  # Normal, scaled outcome units
    coef_prior_sd: float = 1.0  # Normal(0, sd) on trend, season and standardised controls
    noise_prior_sd: float = 1.0  # HalfNormal on the noise sd, scaled outcome units
    n_starts: int = 3  # L-BFGS starts for the MAP (decay and saturation can trade off)

    def __post_init__(self) -> None:
        if self.max_lag < 1 or self.fourier_order < 0 or self.n_starts < 1:
            raise ValueError("max_lag and n_starts must be positive, fourier_order >= 0")
        if self.effect_prior not in ("roi", "share"):
            raise ValueError("effect_prior is 'roi' or 'share'")
        if self.saturation not in ("logistic", "hill"):
            raise ValueError("saturation is 'logistic' or 'hill'")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> FitOptions:
        fields = dict(raw)
        for key in (
            "roi_prior",
            "share_prior",
            "decay_prior",
            "saturation_prior",
            "intercept_prior",
        ):
            fields[key] = tuple(fields[key])
        return cls(**fields)

    @property
    def effect_prior_params(self) -> tuple[float, float]:
        return self.roi_prior if self.effect_prior == "roi" else self.share_prior


def log_prior(z: FloatArray, n_channels: int, options: FitOptions) -> tuple[FloatArray, FloatArray]:
    """Log prior density of z (..., 3C + 1) and its gradient, up to a constant."""
    c = n_channels
    za, zl, zm, zs = z[..., :c], z[..., c : 2 * c], z[..., 2 * c : 3 * c], z[..., 3 * c]
    decay = 1.0 / (1.0 + np.exp(-za))
    a, b = options.decay_prior
    shape, rate = options.saturation_prior
    mu, sd = options.effect_prior_params
    lam = np.exp(zl)
    var = np.exp(2.0 * zs)
    tau2 = options.noise_prior_sd**2
    # log(decay) and log(1 - decay) written so that neither overflows for large |za|.
    value = (
        -(a * np.logaddexp(0.0, -za) + b * np.logaddexp(0.0, za)).sum(-1)
        + (shape * zl - rate * lam).sum(-1)
        - (0.5 * ((zm - mu) / sd) ** 2).sum(-1)
        + (zs - 0.5 * var / tau2)
    )
    grad = np.concatenate(
        [
            a * (1.0 - decay) - b * decay,
            shape - rate * lam,
            -(zm - mu) / sd**2,
            (1.0 - var / tau2)[..., None],
        ],
        axis=-1,
    )
    return np.asarray(value, dtype=np.float64), grad
