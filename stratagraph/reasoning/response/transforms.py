"""Media transforms: normalised geometric adstock, logistic (or Hill) saturation.

Arrays carry channels on the last axis and time on the one before it, so the same code serves
one series (T, C), a geo panel (G, T, C) and a batch of posterior draws (S, G, T, C): the
channel parameters broadcast against the leading axes.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
FloatT = TypeVar("FloatT", np.float32, np.float64)

# Eight weeks of carry-over, as PyMC-Marketing's example (l_max=8) and Meridian (max_lag=8).
DEFAULT_MAX_LAG = 8


def adstock_weights(alpha: FloatArray, max_lag: int = DEFAULT_MAX_LAG) -> FloatArray:
    """Normalised geometric weights, shape alpha.shape[:-1] + (max_lag, C).

    w[l] = alpha**l / sum_k alpha**k: the weights sum to one, so a constant spend keeps its level
    after adstock and the decay does not trade off against the saturation scale or the effect size.
    """
    lags = np.arange(max_lag, dtype=np.float64)[:, None]
    powers = np.asarray(alpha, dtype=np.float64)[..., None, :] ** lags
    weights: FloatArray = powers / powers.sum(axis=-2, keepdims=True)
    return weights


def adstock_weights_grad(
    alpha: FloatArray, max_lag: int = DEFAULT_MAX_LAG
) -> tuple[FloatArray, FloatArray]:
    """The weights and their derivative with respect to alpha (same shapes)."""
    alpha = np.asarray(alpha, dtype=np.float64)
    lags = np.arange(max_lag, dtype=np.float64)[:, None]
    powers = alpha[..., None, :] ** lags
    # d(alpha**l)/d(alpha) = l * alpha**(l-1); written without alpha**-1 so alpha = 0 is fine.
    dpowers = lags * alpha[..., None, :] ** np.maximum(lags - 1.0, 0.0)
    total = powers.sum(axis=-2, keepdims=True)
    weights: FloatArray = powers / total
    dweights: FloatArray = (dpowers - weights * dpowers.sum(axis=-2, keepdims=True)) / total
    return weights, dweights


def convolve_lags(x: FloatArray, weights: FloatArray) -> FloatArray:
    """out[..., t, c] = sum_l weights[..., l, c] * x[..., t - l, c], spend before t=0 taken as 0."""
    max_lag = weights.shape[-2]
    n_periods = x.shape[-2]
    shape = np.broadcast_shapes(x.shape, (*weights.shape[:-2], 1, weights.shape[-1]))
    out = np.zeros(shape, dtype=np.float64)
    for lag in range(min(max_lag, n_periods)):
        out[..., lag:, :] += weights[..., lag : lag + 1, :] * x[..., : n_periods - lag, :]
    return out


def geometric_adstock(
    x: FloatArray, alpha: FloatArray, max_lag: int = DEFAULT_MAX_LAG
) -> FloatArray:
    """Normalised geometric adstock of x (..., T, C) with decay alpha (..., C) in [0, 1)."""
    return convolve_lags(np.asarray(x, dtype=np.float64), adstock_weights(alpha, max_lag))


def logistic_saturation(x: FloatArray, lam: FloatArray) -> FloatArray:
    """(1 - exp(-lam x)) / (1 + exp(-lam x)), computed as tanh(lam x / 2) (no overflow)."""
    out: FloatArray = np.tanh(0.5 * np.asarray(lam) * np.asarray(x))
    return out


def saturation(kind: str, u: npt.NDArray[FloatT]) -> npt.NDArray[FloatT]:
    """The saturation curve `kind` ("logistic" or "hill") at u = lam * x, in u's precision."""
    out: npt.NDArray[FloatT] = u / (1.0 + u) if kind == "hill" else np.tanh(0.5 * u)
    return out


def saturation_with_slope(kind: str, u: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The curve at u = lam * x and its derivative in u."""
    if kind == "hill":
        inverse = 1.0 / (1.0 + u)
        return u * inverse, inverse * inverse
    sat = np.tanh(0.5 * u)
    return sat, 0.5 * (1.0 - sat * sat)


def half_saturation(kind: str) -> float:
    """lam * x at which the curve reaches half its maximum."""
    return 1.0 if kind == "hill" else float(np.log(3.0))
