"""Allocate a budget across tactics under constraints, for one objective.

Exact on a budget grid: a max-plus dynamic programme first splits each channel's budget
among its tactics (so per-channel minima and maxima can be imposed), then splits the total
among channels. Response curves may be S-shaped; the programme does not need concavity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

NEG = -np.inf


@dataclass(frozen=True)
class Bounds:
    """Feasible spend, in grid steps."""

    tactic_min: np.ndarray  # (N,) smallest non-zero spend
    tactic_max: np.ndarray  # (N,)
    channel_min: dict[str, int]
    channel_max: dict[str, int]


@cache
def _antidiagonals(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index arrays that lay out every (i, k - i) pair of a size x size table by row k."""
    k = np.arange(size)[:, None]
    i = np.arange(size)[None, :]
    j = k - i
    return np.broadcast_to(i, (size, size)), np.clip(j, 0, None), j < 0


def _maxplus(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """c[k] = max_{i+j=k} a[i] + b[j]; also the i chosen for each k (the smallest on ties)."""
    rows, cols, outside = _antidiagonals(len(a))
    table = a[rows] + b[cols]
    table[outside] = NEG
    arg = np.argmax(table, axis=1)
    return table[np.arange(len(a)), arg], arg


def _masked(values: np.ndarray, low: int, high: int) -> np.ndarray:
    out = values.copy()
    steps = np.arange(len(values))
    out[(steps > 0) & (steps < low)] = NEG
    out[steps > high] = NEG
    return out


def allocate(
    values: np.ndarray, channels: Sequence[str], bounds: Bounds, *, spend_all: bool = True
) -> np.ndarray:
    """Steps per tactic maximising the summed values. `values` is (N, G+1): value of
    giving tactic i k grid steps. With spend_all, the whole budget is used if feasible."""
    n, size = values.shape
    order = sorted(set(channels))
    channel_curves: dict[str, np.ndarray] = {}
    channel_splits: dict[str, list[tuple[int, np.ndarray]]] = {}
    for channel in order:
        members = [i for i in range(n) if channels[i] == channel]
        curve = _masked(
            values[members[0]],
            int(bounds.tactic_min[members[0]]),
            int(bounds.tactic_max[members[0]]),
        )
        splits: list[tuple[int, np.ndarray]] = []
        for i in members[1:]:
            tactic = _masked(values[i], int(bounds.tactic_min[i]), int(bounds.tactic_max[i]))
            curve, arg = _maxplus(curve, tactic)
            splits.append((i, arg))
        low = bounds.channel_min.get(channel, 0)
        high = bounds.channel_max.get(channel, size - 1)
        limited = curve.copy()
        steps = np.arange(size)
        limited[(steps < low) | (steps > high)] = NEG
        if not np.isfinite(limited).any():
            limited = curve  # an impossible minimum (e.g. no tactic can absorb it) is dropped
        channel_curves[channel] = limited
        channel_splits[channel] = [(members[0], np.array([])), *splits]
    total = channel_curves[order[0]]
    across: list[np.ndarray] = []
    for channel in order[1:]:
        total, arg = _maxplus(total, channel_curves[channel])
        across.append(arg)
    feasible = np.isfinite(total)
    if not feasible.any():
        return np.zeros(n, dtype=int)
    k = size - 1 if spend_all and feasible[-1] else int(np.argmax(np.where(feasible, total, NEG)))
    # walk back: the share of each channel, then of each tactic within it
    per_channel: dict[str, int] = {}
    for channel, arg in zip(reversed(order[1:]), reversed(across), strict=True):
        first = int(arg[k])
        per_channel[channel] = k - first
        k = first
    per_channel[order[0]] = k
    steps_out = np.zeros(n, dtype=int)
    for channel in order:
        k = per_channel[channel]
        splits = channel_splits[channel]
        for i, arg in reversed(splits[1:]):
            first = int(arg[k])
            steps_out[i] = k - first
            k = first
        steps_out[splits[0][0]] = k
    return steps_out
