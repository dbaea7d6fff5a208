"""The marginal posterior of the channel parameters, with the baseline integrated out.

Given the channel parameters z = (logit decay, log lambda, log effect, log sigma), the model is
linear-Gaussian in the baseline coefficients (geo intercepts, trend, seasonality, controls and,
with geos, one effect per period), so those are integrated out exactly: optimiser and sampler
only see 3C + 1 dimensions, and the baseline is drawn afterwards from its exact conditional.
The baseline prior is whitened and its design rotated once (an eigendecomposition), after which
every per-draw quantity is diagonal. Everything is vectorised over a batch of draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .design import MediaData, Scaling
from .priors import FitOptions, log_prior
from .transforms import (
    FloatArray,
    adstock_weights,
    adstock_weights_grad,
    saturation,
    saturation_with_slope,
)

# Draws evaluated together are capped so each (draws, C, N) temporary stays about 2 MB: in cache,
# elementwise numpy runs two to three times faster than on large arrays.
BATCH_ELEMENTS = 1 << 18


@dataclass(frozen=True)
class Params:
    decay: FloatArray  # (S, C)
    lam: FloatArray  # (S, C)
    effect: FloatArray  # (S, C) ROI, or share of revenue
    var: FloatArray  # (S,) noise variance, scaled outcome units


class Baseline:
    """The whitened baseline design: geo intercepts, dense columns, optional per-period effects.

    Products with the design use its block structure (indicator columns are sums and
    broadcasts), so the per-period effects of a 40 x 156 panel cost next to nothing.
    """

    def __init__(
        self, design: FloatArray, prior_mean: FloatArray, prior_sd: FloatArray, n_periods: int
    ) -> None:
        n_geos, n_times, n_coef = design.shape
        self.shape = (n_geos, n_times)
        self.n_time_fx = n_periods
        self.dense = design[..., n_geos : n_coef - n_periods].reshape(n_geos * n_times, -1)
        self.prior_mean, self.prior_sd = prior_mean, prior_sd
        whitened = design.reshape(-1, n_coef) * prior_sd
        eigval, eigvec = np.linalg.eigh(whitened.T @ whitened)
        self.eigval: FloatArray = np.clip(eigval, 0.0, None)
        self.eigvec: FloatArray = eigvec
        self.offset: FloatArray = design.reshape(-1, n_coef) @ prior_mean

    def project(self, r: FloatArray) -> FloatArray:
        """u = (W U)^T r for residuals r (S, N); W is the whitened design."""
        panel = r.reshape(r.shape[0], *self.shape)
        parts = [panel.sum(axis=2), r @ self.dense]
        if self.n_time_fx:
            parts.append(panel.sum(axis=1))
        projected: FloatArray = (np.concatenate(parts, axis=1) * self.prior_sd) @ self.eigvec
        return projected

    def expand(self, b: FloatArray) -> FloatArray:
        """(W U) b for rotated coefficients b (S, P), as (S, N)."""
        coef = (b @ self.eigvec.T) * self.prior_sd
        n_geos, n_times = self.shape
        k = self.dense.shape[1]
        out = coef[:, :n_geos, None] + (coef[:, n_geos : n_geos + k] @ self.dense.T).reshape(
            -1, n_geos, n_times
        )
        if self.n_time_fx:
            out = out + coef[:, None, n_geos + k :]
        flat: FloatArray = out.reshape(len(b), -1)
        return flat

    def coefficients(self, delta: FloatArray) -> FloatArray:
        """Baseline coefficients from rotated, whitened ones."""
        coef: FloatArray = self.prior_mean + self.prior_sd * (delta @ self.eigvec.T)
        return coef


class MarginalModel:
    """Log posterior of z (up to a constant) and its gradient, for a batch of points."""

    def __init__(self, data: MediaData, options: FitOptions) -> None:
        self.options = options
        time_effects = options.time_effects
        if time_effects is None:
            time_effects = len(data.geos) > 1
        self.scaling = sc = Scaling.from_data(
            data,
            fourier_order=options.fourier_order,
            trend=options.trend,
            time_effects=time_effects,
        )
        self.n_channels = len(data.channels)
        self.units = sc.outcome_units()  # raw outcome per scaled unit, per geo
        x = sc.scale_spend(data.spend)  # (G, T, C)
        n_geos, n_times, _ = x.shape
        self.n_obs = n_geos * n_times
        # lagged[c, l, g * T + t] = x[g, t - l, c]: adstock becomes one batched matmul.
        lagged = np.zeros((self.n_channels, options.max_lag, n_geos, n_times))
        for lag in range(min(options.max_lag, n_times)):
            lagged[:, lag, :, lag:] = x[:, : n_times - lag, :].transpose(2, 0, 1)
        self.lagged = lagged.reshape(self.n_channels, options.max_lag, -1)
        # Revenue per unit of scaled outcome: turns a scaled contribution into money.
        self.revenue_weight = (data.revenue_weights * self.units[:, None]).reshape(-1)
        self.outcome_weight = np.repeat(self.units, n_times)
        self.spend_total = data.spend.sum(axis=(0, 1))
        self.revenue_total = float((data.outcome * data.revenue_weights).sum())
        self.outcome_total = float(data.outcome.sum())
        # contribution (revenue) = effect * denominator: ROI times spend, or share times revenue.
        if options.effect_prior == "roi":
            self.denominator = self.spend_total.copy()
        else:
            self.denominator = np.full(self.n_channels, self.revenue_total)

        design = sc.baseline_design(data.periods, data.controls)
        n_coef = design.shape[-1]
        prior_mean = np.zeros(n_coef)
        prior_sd = np.full(n_coef, options.coef_prior_sd)
        prior_mean[:n_geos], prior_sd[:n_geos] = options.intercept_prior
        n_time_fx = n_times if sc.time_effects else 0
        if n_time_fx:
            prior_sd[n_coef - n_time_fx :] = options.time_effect_sd
        self.baseline = Baseline(design, prior_mean, prior_sd, n_time_fx)
        self.y0 = (data.outcome / self.units[:, None]).reshape(-1) - self.baseline.offset

    @property
    def batch_size(self) -> int:
        return max(1, BATCH_ELEMENTS // (self.n_channels * int(self.n_obs)))

    @property
    def dim(self) -> int:
        return 3 * self.n_channels + 1

    def unpack(self, z: FloatArray) -> Params:
        c = self.n_channels
        z = np.atleast_2d(z)
        return Params(
            decay=1.0 / (1.0 + np.exp(-z[:, :c])),
            lam=np.exp(z[:, c : 2 * c]),
            effect=np.exp(z[:, 2 * c : 3 * c]),
            var=np.exp(2.0 * z[:, 3 * c]),
        )

    def adstocked(self, weights: FloatArray) -> FloatArray:
        """Adstock for a batch of weights (S, L, C): (S, C, N), one batched matmul."""
        out: FloatArray = np.matmul(weights.transpose(2, 0, 1), self.lagged).transpose(1, 0, 2)
        return out

    def saturated(self, z: FloatArray, scale: float = 1.0) -> FloatArray:
        """Saturated adstocked spend (S, C, N), with every channel's spend times `scale`."""
        p = self.unpack(z)
        ad = self.adstocked(adstock_weights(p.decay, self.options.max_lag))
        sat: FloatArray = saturation(self.options.saturation, scale * p.lam[:, :, None] * ad)
        return sat

    def beta(self, sat: FloatArray, effect: FloatArray) -> FloatArray:
        """Scaled-outcome effect per unit of saturation, (S, C), from the effect parameter."""
        per_unit = sat @ self.revenue_weight
        return np.asarray(effect * self.denominator / per_unit, dtype=np.float64)

    def _marginal(self, r: FloatArray, var: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Log marginal likelihood of residuals r (S, N) and the projections u."""
        u = self.baseline.project(r)
        v = var[:, None]
        den = v + self.baseline.eigval
        value = (
            -0.5 * self.n_obs * np.log(var)
            - 0.5 * (r * r).sum(axis=1) / var
            + 0.5 * (u * u / (v * den)).sum(axis=1)
            - 0.5 * np.log(den / v).sum(axis=1)
        )
        return value, u

    def log_posterior(self, z: FloatArray, *, grad: bool = False) -> tuple[FloatArray, FloatArray]:
        """Values (S,) and, with grad, gradients (S, D) for a batch z (S, D); chunked."""
        z = np.atleast_2d(z)
        values, grads = [], []
        step = self.batch_size
        for start in range(0, len(z), step):
            value, gradient = self._log_posterior(z[start : start + step], grad)
            values.append(value)
            grads.append(gradient)
        return np.concatenate(values), np.concatenate(grads)

    def _likelihood(
        self, sat: FloatArray, p: Params
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Log marginal likelihood, residuals, projections and beta, given the saturation."""
        beta = self.beta(sat, p.effect)
        r = self.y0 - np.einsum("sc,scn->sn", beta, sat)
        value, u = self._marginal(r, p.var)
        return value, r, u, beta

    def _log_posterior(self, z: FloatArray, grad: bool) -> tuple[FloatArray, FloatArray]:
        p = self.unpack(z)
        prior, prior_grad = log_prior(z, self.n_channels, self.options)
        kind = self.options.saturation
        if not grad:
            # The sampler's path: tanh in float32 is four times faster, and its 1e-7 relative
            # error moves log p by about 1e-4, far below anything that decides a Metropolis
            # step. Gradients (MAP, Hessian) stay in float64.
            ad = self.adstocked(adstock_weights(p.decay, self.options.max_lag))
            dose32 = (p.lam[:, :, None] * ad).astype(np.float32)
            value = self._likelihood(saturation(kind, dose32).astype(np.float64), p)[0]
            return value + prior, np.zeros_like(z)

        weights, dweights = adstock_weights_grad(p.decay, self.options.max_lag)
        ad = self.adstocked(weights)
        dose = p.lam[:, :, None] * ad
        sat, dsat_ddose = saturation_with_slope(kind, dose)
        value, r, u, beta = self._likelihood(sat, p)
        var = p.var
        den = var[:, None] + self.baseline.eigval
        resid = r - self.baseline.expand(u / den)
        q = resid / var[:, None]  # d log p / d media
        # Columns: d log p / d media, and revenue per scaled unit (beta depends on sat through it).
        probes = np.stack([q, np.broadcast_to(self.revenue_weight, q.shape)], axis=2)
        sat_q, per_unit = np.moveaxis(np.matmul(sat, probes), 2, 0)

        def through(dsat: FloatArray) -> FloatArray:
            # beta = effect * denom / sum(sat * rw) moves with sat: the revenue stays put.
            own, dunit = np.moveaxis(np.matmul(dsat, probes), 2, 0)
            return np.asarray(beta * (own - sat_q * dunit / per_unit), dtype=np.float64)

        logistic_jac = (p.decay * (1.0 - p.decay))[:, :, None]
        g_decay = through(dsat_ddose * p.lam[:, :, None] * self.adstocked(dweights) * logistic_jac)
        g_lam = through(dsat_ddose * dose)
        e = self.baseline.eigval
        v = var[:, None]
        g_var = (
            -0.5 * self.n_obs / var
            + 0.5 * (r * r).sum(axis=1) / var**2
            - 0.5 * (u * u * (2.0 * v + e) / (v * den) ** 2).sum(axis=1)
            + 0.5 * (e / (v * den)).sum(axis=1)
        )
        gradient = np.concatenate(
            [g_decay, g_lam, beta * sat_q, (2.0 * var * g_var)[:, None]], axis=1
        )
        return value + prior, gradient + prior_grad

    def scalar(self) -> Callable[[FloatArray], tuple[float, FloatArray]]:
        """Negative log posterior and gradient at one point, for scipy.optimize."""

        def objective(z: FloatArray) -> tuple[float, FloatArray]:
            value, gradient = self._log_posterior(z[None], True)
            return -float(value[0]), -gradient[0]

        return objective

    def draw_baseline(self, z: FloatArray, sat: FloatArray, rng: np.random.Generator) -> FloatArray:
        """Baseline coefficients (S, P) from their exact Gaussian conditional given z (S, D)."""
        p = self.unpack(z)
        beta = self.beta(sat, p.effect)
        u = self.baseline.project(self.y0 - np.einsum("sc,scn->sn", beta, sat))
        v = p.var[:, None]
        den = v + self.baseline.eigval
        delta = u / den + np.sqrt(v / den) * rng.standard_normal(u.shape)
        return self.baseline.coefficients(delta)
