"""Pacing: how a plan item's budget is spread over the days of its flight.

The amount of a day is the budget still free (budget minus what is reserved, spent or
already planned) times that day's weight over the weights of the days left, rounded down to
cents, so the days of a flight never add up to more than the budget, and a day that spent
less (a refused or failed call) leaves its money to the days after it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

PACINGS = ("even", "front_loaded", "back_loaded")


def weights(pacing: str | None, count: int) -> list[float]:
    """Relative weight of each day: even 1; front-loaded 1.5 falling to 0.5; back-loaded the
    reverse."""
    if count <= 0:
        return []
    if count == 1 or pacing in (None, "", "even"):
        return [1.0] * count
    ramp = [1.5 - k / (count - 1) for k in range(count)]
    return ramp if pacing == "front_loaded" else ramp[::-1]


def day_amount(free: float, flight: Sequence[date], day: date, pacing: str | None) -> float:
    """What `day` may spend of `free`, given the remaining flight days (`day` first)."""
    remaining = [d for d in flight if d >= day]
    if day not in remaining or free <= 0:
        return 0.0
    w = weights(pacing, len(flight))[len(flight) - len(remaining) :]
    share = w[0] / sum(w)
    return math.floor(free * share * 100 + 1e-6) / 100


def schedule(budget: float, flight: Sequence[date], pacing: str | None) -> dict[date, float]:
    """The whole flight's daily amounts if every day spends what it is given (for --dry-run
    and the docs)."""
    out: dict[date, float] = {}
    free = budget
    for d in flight:
        amount = day_amount(free, flight, d, pacing)
        out[d] = amount
        free -= amount
    # the cents left by rounding down go to the last day, still within the budget
    if flight and free > 0.005:
        out[flight[-1]] = round(out[flight[-1]] + math.floor(free * 100 + 1e-6) / 100, 2)
    return out
