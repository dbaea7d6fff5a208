"""Independent random streams per role, so one part changing does not reshuffle the rest."""

from __future__ import annotations

import zlib
from datetime import date, timedelta

import numpy as np


def stream(seed: int, role: str) -> np.random.Generator:
    # crc32 is stable across runs and platforms, unlike hash()
    return np.random.default_rng([seed, zlib.crc32(role.encode())])


def mean_one_lognormal(
    rng: np.random.Generator, sigma: float, size: int | tuple[int, ...]
) -> np.ndarray:
    """exp(N(-sigma^2/2, sigma)): multiplicative noise whose mean is exactly 1."""
    return np.exp(rng.normal(-0.5 * sigma * sigma, sigma, size))


def times(start: date, days: np.ndarray, seconds: np.ndarray) -> list[str]:
    """ISO-8601 UTC times `start + days + seconds`, vectorised."""
    base = np.datetime64(start.isoformat(), "s")
    moments = (
        base
        + days.astype("timedelta64[D]").astype("timedelta64[s]")
        + seconds.astype("timedelta64[s]")
    )
    return [t + "Z" for t in np.datetime_as_string(moments, unit="s").tolist()]


def day_strings(start: date, count: int, step_days: int = 7) -> list[str]:
    return [(start + timedelta(days=step_days * i)).isoformat() for i in range(count)]


def nice_round(value: float, digits: int = 2) -> float:
    """Round up to `digits` significant figures: budgets and caps read like a person set them."""
    if value <= 0:
        return 0.0
    scale = 10.0 ** (np.floor(np.log10(value)) - digits + 1)
    return float(np.ceil(value / scale) * scale)
