"""Input data, scaling and the baseline design matrix (intercepts, trend, seasonality, controls).

Everything the model sees is scaled so that the priors mean the same thing for every data set:
outcome and spend are divided by a per-geo size (population when given, else the geo's mean
outcome), then the outcome by its overall mean and each channel's spend by its mean non-zero
value. A unit of scaled outcome is "a typical period of a typical geo"; a unit of scaled spend is
"a typical period with this channel on".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .transforms import FloatArray

YEAR_DAYS = 365.25


def _float_array(value: Any, name: str) -> FloatArray:
    array = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} has missing or infinite values")
    return array


@dataclass(frozen=True)
class MediaData:
    """One KPI, its paid channels and its controls on a regular grid of periods and geos.

    `spend` is (G, T, C) (a (T, C) array is taken as one geo), `outcome` (G, T), `controls`
    (G, T, K), `revenue_per_outcome` (G, T) and `population` (G,). Periods must be equally spaced
    (weekly or daily) and in order; every geo has every period.
    """

    periods: npt.NDArray[np.datetime64]
    spend: FloatArray
    outcome: FloatArray
    channels: tuple[str, ...]
    controls: FloatArray | None = None
    control_names: tuple[str, ...] = ()
    revenue_per_outcome: FloatArray | None = None
    geos: tuple[str, ...] = ("all",)
    # Not in the first sketch of the API: Meridian's per-capita scaling needs it; when absent a
    # geo's mean outcome stands in for its size.
    population: FloatArray | None = None

    def __post_init__(self) -> None:
        # Frozen dataclass: coerce once here so the fitting code can trust shapes and dtypes.
        periods = np.asarray(self.periods).astype("datetime64[D]")
        spend = _float_array(self.spend, "spend")
        if spend.ndim == 2:
            spend = spend[None]
        outcome = _float_array(self.outcome, "outcome")
        if outcome.ndim == 1:
            outcome = outcome[None]
        n_geos, n_periods, n_channels = spend.shape
        if periods.shape != (n_periods,):
            raise ValueError(f"periods has shape {periods.shape}, spend has {n_periods} periods")
        if outcome.shape != (n_geos, n_periods):
            raise ValueError(f"outcome has shape {outcome.shape}, expected {(n_geos, n_periods)}")
        if len(self.channels) != n_channels:
            raise ValueError(f"{len(self.channels)} channel names for {n_channels} columns")
        if len(self.geos) != n_geos:
            raise ValueError(f"{len(self.geos)} geo names for {n_geos} geos")
        if np.any(spend < 0):
            raise ValueError("spend must be non-negative")
        steps = np.diff(periods.astype(np.int64))
        if n_periods < 2 or np.any(steps <= 0) or np.any(steps != steps[0]):
            raise ValueError("periods must be at least two, increasing and equally spaced")
        object.__setattr__(self, "periods", periods)
        object.__setattr__(self, "spend", spend)
        object.__setattr__(self, "outcome", outcome)
        if self.controls is not None:
            controls = _float_array(self.controls, "controls")
            if controls.ndim == 2:
                controls = controls[None]
            if controls.shape[:2] != (n_geos, n_periods):
                raise ValueError(f"controls has shape {controls.shape}")
            if len(self.control_names) != controls.shape[2]:
                raise ValueError("control_names does not match the control columns")
            object.__setattr__(self, "controls", controls)
        elif self.control_names:
            raise ValueError("control_names given without controls")
        if self.revenue_per_outcome is not None:
            revenue = _float_array(self.revenue_per_outcome, "revenue_per_outcome")
            revenue = np.broadcast_to(revenue, (n_geos, n_periods)).copy()
            object.__setattr__(self, "revenue_per_outcome", revenue)
        if self.population is not None:
            population = _float_array(self.population, "population").reshape(-1)
            if population.shape != (n_geos,) or np.any(population <= 0):
                raise ValueError("population must be (G,) and positive")
            object.__setattr__(self, "population", population)

    @property
    def revenue_weights(self) -> FloatArray:
        """Revenue per unit of outcome, (G, T); ones when the outcome is already revenue."""
        if self.revenue_per_outcome is None:
            return np.ones(self.outcome.shape)
        return self.revenue_per_outcome


@dataclass(frozen=True)
class Scaling:
    """The constants that map raw data to model units; stored with a fit to score new spend."""

    geo_size: FloatArray  # (G,)
    outcome_scale: float
    spend_scale: FloatArray  # (C,)
    control_center: FloatArray  # (K,)
    control_scale: FloatArray  # (K,)
    origin_day: int  # first period, days since the epoch
    step_days: int
    n_periods: int
    fourier_order: int
    trend: bool
    time_effects: bool = False
    names: tuple[str, ...] = field(default=())  # baseline column names

    @classmethod
    def from_data(
        cls, data: MediaData, *, fourier_order: int, trend: bool, time_effects: bool
    ) -> Scaling:
        if data.population is not None:
            size = data.population.copy()
        else:
            size = data.outcome.mean(axis=1)
            if np.any(size <= 0):
                raise ValueError("a geo has a non-positive mean outcome; give its population")
            if len(data.geos) == 1:
                size = np.ones(1)
        per_capita = data.outcome / size[:, None]
        outcome_scale = float(per_capita.mean())
        if outcome_scale <= 0:
            raise ValueError("the mean outcome must be positive")
        spend = data.spend / size[:, None, None]
        totals = data.spend.sum(axis=(0, 1))
        silent = [name for name, total in zip(data.channels, totals, strict=True) if total <= 0]
        if silent:
            raise ValueError(f"channels without any spend cannot be fitted: {', '.join(silent)}")
        positive = np.where(spend > 0, spend, np.nan)
        spend_scale = np.nanmean(positive, axis=(0, 1))
        if data.controls is not None:
            center = data.controls.mean(axis=(0, 1))
            scale = data.controls.std(axis=(0, 1))
            scale = np.where(scale > 0, scale, 1.0)
        else:
            center = scale = np.zeros(0)
        days = data.periods.astype(np.int64)
        geo_names = tuple(f"intercept[{geo}]" for geo in data.geos)
        season_names = tuple(
            f"{kind}{order}" for order in range(1, fourier_order + 1) for kind in ("sin", "cos")
        )
        names = (
            geo_names
            + (("trend",) if trend else ())
            + season_names
            + tuple(f"control[{name}]" for name in data.control_names)
            + (tuple(f"period[{day}]" for day in data.periods.astype(str)) if time_effects else ())
        )
        return cls(
            geo_size=size,
            outcome_scale=outcome_scale,
            spend_scale=spend_scale,
            control_center=center,
            control_scale=scale,
            origin_day=int(days[0]),
            step_days=int(days[1] - days[0]),
            n_periods=len(days),
            fourier_order=fourier_order,
            trend=trend,
            time_effects=time_effects,
            names=names,
        )

    @property
    def n_geos(self) -> int:
        return len(self.geo_size)

    def scale_spend(self, spend: FloatArray) -> FloatArray:
        """Raw spend (G, T, C) to model units."""
        scaled: FloatArray = spend / self.geo_size[:, None, None] / self.spend_scale
        return scaled

    def outcome_units(self) -> FloatArray:
        """Raw outcome per unit of scaled outcome, per geo (G,)."""
        units: FloatArray = self.geo_size * self.outcome_scale
        return units

    def baseline_design(
        self, periods: npt.NDArray[np.datetime64], controls: FloatArray | None
    ) -> FloatArray:
        """Baseline columns for every geo and period, shape (G, T, P), in `names` order."""
        days = np.asarray(periods).astype("datetime64[D]").astype(np.int64)
        n_geos, n_periods = self.n_geos, len(days)
        blocks = [np.broadcast_to(np.eye(n_geos)[:, None, :], (n_geos, n_periods, n_geos))]
        if self.trend:
            # 0 at the first fitted period, 1 at the last; extrapolates linearly beyond.
            span = max(self.n_periods - 1, 1) * self.step_days
            position = (days - self.origin_day) / span
            blocks.append(np.broadcast_to(position[None, :, None], (n_geos, n_periods, 1)))
        if self.fourier_order:
            angle = 2.0 * np.pi * self._day_of_year(days) / YEAR_DAYS
            waves = [
                f(order * angle)
                for order in range(1, self.fourier_order + 1)
                for f in (np.sin, np.cos)
            ]
            season = np.stack(waves, axis=-1)
            blocks.append(np.broadcast_to(season[None], (n_geos, n_periods, season.shape[1])))
        n_controls = len(self.control_center)
        if n_controls:
            if controls is None:
                raise ValueError(f"the model has {n_controls} controls; pass them")
            values = np.asarray(controls, dtype=np.float64)
            if values.ndim == 2:
                values = values[None]
            if values.shape != (n_geos, n_periods, n_controls):
                raise ValueError(
                    f"controls has shape {values.shape}, expected {(n_geos, n_periods, n_controls)}"
                )
            blocks.append((values - self.control_center) / self.control_scale)
        if self.time_effects:
            # One shared effect per fitted period; periods outside the fit get none (prior mean 0),
            # so forecasts fall back on the trend and the seasonality.
            index = (days - self.origin_day) // self.step_days
            inside = (
                (index >= 0)
                & (index < self.n_periods)
                & ((days - self.origin_day) % self.step_days == 0)
            )
            onehot = np.zeros((n_periods, self.n_periods))
            onehot[np.flatnonzero(inside), index[inside]] = 1.0
            blocks.append(np.broadcast_to(onehot[None], (n_geos, n_periods, self.n_periods)))
        design: FloatArray = np.concatenate(blocks, axis=-1).astype(np.float64)
        return design

    @staticmethod
    def _day_of_year(days: npt.NDArray[np.int64]) -> FloatArray:
        dates = days.astype("datetime64[D]")
        starts = dates.astype("datetime64[Y]").astype("datetime64[D]")
        day_of_year: FloatArray = (dates - starts).astype(np.float64)
        return day_of_year

    def to_dict(self) -> dict[str, Any]:
        return {
            "geo_size": self.geo_size.tolist(),
            "outcome_scale": self.outcome_scale,
            "spend_scale": self.spend_scale.tolist(),
            "control_center": self.control_center.tolist(),
            "control_scale": self.control_scale.tolist(),
            "origin_day": self.origin_day,
            "step_days": self.step_days,
            "n_periods": self.n_periods,
            "fourier_order": self.fourier_order,
            "trend": self.trend,
            "time_effects": self.time_effects,
            "names": list(self.names),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Scaling:
        return cls(
            geo_size=np.asarray(raw["geo_size"], dtype=np.float64),
            outcome_scale=float(raw["outcome_scale"]),
            spend_scale=np.asarray(raw["spend_scale"], dtype=np.float64),
            control_center=np.asarray(raw["control_center"], dtype=np.float64),
            control_scale=np.asarray(raw["control_scale"], dtype=np.float64),
            origin_day=int(raw["origin_day"]),
            step_days=int(raw["step_days"]),
            n_periods=int(raw["n_periods"]),
            fourier_order=int(raw["fourier_order"]),
            trend=bool(raw["trend"]),
            time_effects=bool(raw["time_effects"]),
            names=tuple(raw["names"]),
        )
