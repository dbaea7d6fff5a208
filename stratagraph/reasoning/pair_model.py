"""Response of each audience x channel pair, pooled towards its channel.

For channel c and pair p (an audience of market m), with weekly spend s_pt in the market's
currency and u_m units of it per US dollar:

    A_pt  = s_pt + decay_c * A_p,t-1                         geometric adstock
    x_pt  = A_pt / u_m                                       in USD, comparable across markets
    mu_pt = beta_c * S_t * x^shape_c / (x^shape_c + K_c^shape_c)   Hill saturation
    S_t   = exp(a_c cos(2 pi doy / 365.25) + b_c sin(...))   yearly seasonality
    y_pt  ~ Poisson(lift_p * mu_pt * e^eps)
    lift_p ~ Gamma(alpha_c, rate = alpha_c / m_p),  m_p = (size_p / median size)^gamma_c

The pair lift is integrated out (Gamma-Poisson), so the fit optimises eight channel
parameters whatever the number of pairs; a pair with little history keeps a lift near its
prior mean m_p: the channel's curve, scaled by how the channel's response grows with
audience size (which also gives pairs without any history an informed prior).
Uncertainty: a Laplace approximation around the MAP for the channel parameters, the exact
Gamma posterior for each lift given them, and week-level overdispersion eps estimated from
the residuals. Priors are weak and written below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
from numpy.typing import DTypeLike
from scipy import optimize, special
from threadpoolctl import threadpool_limits

from stratagraph.reasoning.history import CampaignHistory, PairHistory

PARAMS = (
    "decay",
    "half_saturation",
    "shape",
    "beta",
    "season_cos",
    "season_sin",
    "alpha",
    "size_elasticity",
)
_YEAR = 365.25


def seasonal_basis(weeks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    doy = (weeks - weeks.astype("datetime64[Y]")).astype(float)
    angle = 2 * np.pi * doy / _YEAR
    return np.cos(angle), np.sin(angle)


def adstock_matrix(decay: float, size: int) -> np.ndarray:
    """W[t, t'] = decay^(t - t') for t' <= t: adstock of a series is series @ W.T."""
    lags = np.arange(size)[:, None] - np.arange(size)[None, :]
    return np.where(lags >= 0, decay ** np.clip(lags, 0, None), 0.0)


def hill(x: np.ndarray, half: float | np.ndarray, shape: float | np.ndarray) -> np.ndarray:
    """x^s / (x^s + K^s), computed as 1 / (1 + (K/x)^s): it never overflows into NaN (an
    infinite ratio gives 0, a zero one 1) and keeps float32 inputs in float32, where the
    power runs several times faster."""
    with np.errstate(divide="ignore", over="ignore"):
        ratio = np.divide(half, np.maximum(x, 0.0))
        np.power(ratio, shape, out=ratio)
    ratio += 1.0
    out: np.ndarray = np.reciprocal(ratio, out=ratio)
    return out


@dataclass
class ChannelData:
    channel: str
    pairs: list[PairHistory]
    weeks: np.ndarray
    spend_usd: np.ndarray  # (P, T)
    conversions: np.ndarray  # (P, T)
    observed: np.ndarray  # (P, T) bool
    cos: np.ndarray  # (T,)
    sin: np.ndarray
    log_size: np.ndarray  # (P,) log(audience size / median size)
    median_size: float

    @classmethod
    def build(cls, channel: str, history: CampaignHistory) -> ChannelData:
        pairs = history.channel_pairs(channel)
        cos, sin = seasonal_basis(history.weeks)
        sizes = np.array([max(p.audience_size, 1) for p in pairs], dtype=float)
        median = float(np.median(sizes)) if len(sizes) else 1.0
        return cls(
            channel=channel,
            pairs=pairs,
            weeks=history.weeks,
            spend_usd=np.array([p.spend / p.units_per_usd for p in pairs]),
            conversions=np.array([p.conversions for p in pairs]),
            observed=np.array([p.observed for p in pairs]),
            cos=cos,
            sin=sin,
            log_size=np.log(sizes / median),
            median_size=median,
        )

    @property
    def n_observations(self) -> int:
        return int(self.observed.sum())


@dataclass
class ChannelFit:
    """Posterior of one channel's response, with the lift of every pair that has history."""

    channel: str
    draws: dict[str, np.ndarray]  # channel parameters, (D,) each
    lift_shape: np.ndarray  # (D, P) Gamma posterior of each pair's lift, per draw
    lift_rate: np.ndarray  # (D, P)
    pair_index: dict[str, int]  # audience uid -> row
    overdispersion: float  # sd of the week-level log noise
    n_observations: int
    n_pairs: int
    map_estimate: dict[str, float] = field(default_factory=dict)
    carry_usd: np.ndarray | None = None  # (P, D) adstock at the end of the history, per draw
    last_week: date | None = None
    median_size: float = 1.0

    @property
    def n_draws(self) -> int:
        return len(self.draws["beta"])

    def subset(self, draws: int) -> ChannelFit:
        """The first `draws` posterior draws: enough to rank allocations, cheaper to score."""
        if draws >= self.n_draws:
            return self
        return replace(
            self,
            draws={k: v[:draws] for k, v in self.draws.items()},
            lift_shape=self.lift_shape[:draws],
            lift_rate=self.lift_rate[:draws],
            carry_usd=None if self.carry_usd is None else self.carry_usd[:, :draws],
        )

    def lift_draws(self, audience: str, size: int, rng: np.random.Generator) -> np.ndarray:
        """The pair's lift per draw; a pair without history gets the channel's prior for an
        audience of its size."""
        if audience in self.pair_index:
            i = self.pair_index[audience]
            return rng.gamma(self.lift_shape[:, i], 1.0 / self.lift_rate[:, i])
        alpha = self.draws["alpha"]
        mean = np.exp(self.draws["size_elasticity"] * math.log(max(size, 1) / self.median_size))
        return rng.gamma(alpha, mean / alpha)

    def carryover(self, audience: str, start: date | None = None) -> np.ndarray:
        """The pair's adstock going into the week of `start`, per draw: what was left at the
        end of the history, decayed over the weeks without spend in between."""
        if self.carry_usd is None or audience not in self.pair_index:
            return np.zeros(self.n_draws)
        carry: np.ndarray = self.carry_usd[self.pair_index[audience]]
        if start is not None and self.last_week is not None:
            idle = max((start - self.last_week).days // 7 - 1, 0)
            if idle:
                carry = carry * self.draws["decay"] ** idle
        return carry

    def expected_weekly(
        self,
        spend_usd: np.ndarray,
        weeks: np.ndarray,
        carry_usd: np.ndarray,
        dtype: DTypeLike = np.float64,
    ) -> np.ndarray:
        """Mean conversions for a lift of 1, per draw, plan and week.

        spend_usd is (B, W) (B plans of W weekly amounts) or (W,); returns (D, B, W) or
        (D, W); carry_usd is the adstock at the start, per draw (D,). float32 is for
        ranking many plans, where its precision is plenty and its speed counts.
        """
        d = {k: v.astype(dtype, copy=False) for k, v in self.draws.items()}
        plans = np.atleast_2d(spend_usd).astype(dtype, copy=False)
        decay = d["decay"][:, None]
        stock = np.empty((self.n_draws, plans.shape[0], len(weeks)), dtype=dtype)
        previous = np.broadcast_to(carry_usd.astype(dtype)[:, None], stock.shape[:2])
        for t in range(len(weeks)):
            previous = plans[None, :, t] + decay * previous
            stock[:, :, t] = previous
        cos, sin = (b.astype(dtype) for b in seasonal_basis(weeks))
        season = np.exp(d["season_cos"][:, None] * cos + d["season_sin"][:, None] * sin)
        sat = hill(stock, d["half_saturation"][:, None, None], d["shape"][:, None, None])
        sat *= d["beta"][:, None, None]
        sat *= season[:, None, :]
        result: np.ndarray = sat if spend_usd.ndim == 2 else sat[:, 0, :]
        return result


class _Objective:
    """Negative log posterior of the channel parameters, lifts integrated out."""

    def __init__(self, data: ChannelData) -> None:
        self.data = data
        mask = data.observed
        self.y = np.where(mask, data.conversions, 0.0)
        self.mask = mask
        self.y_total = self.y.sum(axis=1)
        self.log_factorial = float(special.gammaln(self.y + 1).sum())
        active = data.spend_usd[data.spend_usd > 0]
        self.spend_scale = float(np.median(active)) if active.size else 1.0
        self.y_scale = max(float(self.y[mask].mean()) if mask.any() else 1.0, 1e-3)

    def unpack(self, z: np.ndarray) -> dict[str, float]:
        return {
            "decay": float(special.expit(z[0])) * 0.95,
            "half_saturation": float(np.exp(z[1])) * self.spend_scale,
            "shape": float(np.exp(z[2])),
            "beta": float(np.exp(z[3])) * self.y_scale,
            "season_cos": float(z[4]),
            "season_sin": float(z[5]),
            "alpha": float(np.exp(z[6])),
            "size_elasticity": float(z[7]),
        }

    def mean(self, p: dict[str, float]) -> np.ndarray:
        size = self.data.spend_usd.shape[1]
        stock = self.data.spend_usd @ adstock_matrix(p["decay"], size).T
        season = np.exp(p["season_cos"] * self.data.cos + p["season_sin"] * self.data.sin)
        mean: np.ndarray = (
            p["beta"] * season[None, :] * hill(stock, p["half_saturation"], p["shape"])
        )
        return mean

    def __call__(self, z: np.ndarray) -> float:
        if not np.all(np.isfinite(z)) or np.any(np.abs(z[[1, 2, 3, 6]]) > 12):
            return 1e12
        p = self.unpack(z)
        mu = np.maximum(self.mean(p), 1e-12)
        alpha = p["alpha"]
        rate = alpha * np.exp(-p["size_elasticity"] * self.data.log_size)
        m_total = np.where(self.mask, mu, 0.0).sum(axis=1)
        loglik = float((np.where(self.mask, self.y * np.log(mu), 0.0)).sum()) - self.log_factorial
        loglik += float(
            (
                special.gammaln(alpha + self.y_total)
                - special.gammaln(alpha)
                + alpha * np.log(rate)
                - (alpha + self.y_total) * np.log(rate + m_total)
            ).sum()
        )
        return -(loglik + self.log_prior(z))

    @staticmethod
    def log_prior(z: np.ndarray) -> float:
        # decay ~ logit-normal around 0.3; saturation point within e^+-1.5 of the typical
        # weekly spend; shape near 1; seasonality a few tens of percent; pooling strength
        # alpha ~ LogNormal(log 10, 1) (lift sd about 0.3); size elasticity ~ N(0, 0.5)
        # -- all weak
        return float(
            -0.5 * ((z[0] + 0.85) / 1.5) ** 2
            - 0.5 * (z[1] / 1.5) ** 2
            - 0.5 * (z[2] / 0.5) ** 2
            - 0.5 * (z[3] / 3.0) ** 2
            - 0.5 * (z[4] / 0.3) ** 2
            - 0.5 * (z[5] / 0.3) ** 2
            - 0.5 * ((z[6] - math.log(10.0)) / 1.0) ** 2
            - 0.5 * (z[7] / 0.5) ** 2
        )


def _hessian(f: _Objective, z: np.ndarray, step: float = 1e-3) -> np.ndarray:
    n = len(z)
    h = np.zeros((n, n))
    f0 = f(z)
    for i in range(n):
        for j in range(i, n):
            zi = z.copy()
            if i == j:
                zi[i] += step
                up = f(zi)
                zi[i] -= 2 * step
                down = f(zi)
                h[i, i] = (up - 2 * f0 + down) / step**2
            else:
                vals = []
                for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                    zz = z.copy()
                    zz[i] += si * step
                    zz[j] += sj * step
                    vals.append(f(zz))
                h[i, j] = h[j, i] = (vals[0] - vals[1] - vals[2] + vals[3]) / (4 * step**2)
    return h


def fit_channel(
    channel: str, history: CampaignHistory, *, draws: int = 400, seed: int = 0
) -> ChannelFit:
    # the matrices are small: BLAS threads only contend with each other (200x slower on a
    # busy 2-core machine, measured)
    with threadpool_limits(1):
        return _fit_channel(channel, history, draws=draws, seed=seed)


def _fit_channel(channel: str, history: CampaignHistory, *, draws: int, seed: int) -> ChannelFit:
    data = ChannelData.build(channel, history)
    objective = _Objective(data)
    base = np.array([-0.85, 0.0, 0.0, 0.0, 0.0, 0.0, math.log(10.0), 0.0])
    shift = np.array([1.35, 0.7, 0.3, 0.5, 0, 0, 0, 0])
    starts = [base, base + shift, base - shift]
    best = min(
        (optimize.minimize(objective, z0, method="L-BFGS-B") for z0 in starts),
        key=lambda r: r.fun,
    )
    z_map = best.x
    rng = np.random.default_rng(seed)
    hess = _hessian(objective, z_map)
    try:
        cov = np.linalg.inv(hess + np.eye(len(z_map)) * 1e-6)
        # a non-positive curvature means the data cannot pin a parameter: fall back on a
        # wide diagonal, which widens the forecasts instead of inventing precision
        if not np.all(np.linalg.eigvalsh(cov) > 0):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        cov = np.diag(1.0 / np.maximum(np.abs(np.diag(hess)), 1.0))
    z_draws = rng.multivariate_normal(z_map, cov, size=draws, method="svd")
    unpacked = [objective.unpack(z) for z in z_draws]
    draws_dict = {k: np.array([u[k] for u in unpacked]) for k in PARAMS}
    p_map = objective.unpack(z_map)
    mu = objective.mean(p_map)
    alpha = p_map["alpha"]
    m_total = np.where(data.observed, mu, 0.0).sum(axis=1)
    shape = alpha + objective.y_total
    rate = alpha * np.exp(-p_map["size_elasticity"] * data.log_size) + m_total
    lift = shape / rate
    fitted = lift[:, None] * mu
    pearson = np.where(
        data.observed & (fitted > 5),
        ((data.conversions - fitted) ** 2 - fitted) / np.maximum(fitted, 1e-9) ** 2,
        np.nan,
    )
    excess = float(np.nanmean(pearson)) if np.isfinite(pearson).any() else 0.01
    over = float(np.sqrt(max(excess, 0.0)))
    size = len(data.weeks)
    carry = np.zeros((len(data.pairs), draws))
    # each pair's lift posterior given each draw of the channel parameters, so the two
    # uncertainties are not counted twice (a high beta draw means lower lifts)
    shapes = np.zeros((draws, len(data.pairs)))
    rates = np.zeros((draws, len(data.pairs)))
    for k, params in enumerate(unpacked):
        weights = params["decay"] ** np.arange(size)[::-1]
        carry[:, k] = data.spend_usd @ weights
        m_k = np.where(data.observed, objective.mean(params), 0.0).sum(axis=1)
        shapes[k] = params["alpha"] + objective.y_total
        rates[k] = params["alpha"] * np.exp(-params["size_elasticity"] * data.log_size) + m_k
    return ChannelFit(
        channel=channel,
        draws=draws_dict,
        lift_shape=shapes,
        lift_rate=rates,
        pair_index={p.audience: i for i, p in enumerate(data.pairs)},
        overdispersion=over,
        n_observations=data.n_observations,
        n_pairs=len(data.pairs),
        map_estimate=p_map,
        carry_usd=carry,
        last_week=history.last_week,
        median_size=data.median_size,
    )
