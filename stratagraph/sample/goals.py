"""Goals for the 13 weeks after the history, sized from the brand's own recent spend.

Each goal's target is 10% above what business as usual would expect (the last 26 weeks'
allocation, flat per week, scaled to the budget), computed from the true curves, so a good
plan can beat it and a lazy one cannot. The business-as-usual value is kept in
ground_truth.json for backtests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from .catalog import GOAL_END, GOAL_START, HOLIDAY_END, HOLIDAY_START
from .curves import TrueCurves
from .entities import Channels, Markets
from .streams import nice_round, stream
from .tables import Table, rel_table

RECENT_WEEKS = 26
TARGET_UPLIFT = 1.1
MIN_AUDIENCE_SIZE = 1000
FREQUENCY_CAP = 3


@dataclass(frozen=True)
class GoalSpec:
    suffix: str
    title: str
    kpi: str
    start: date
    end: date
    budget_factor: float  # budget relative to recent weekly spend x weeks
    channel_min: dict[str, float]  # channel uid -> share of the budget
    channel_max: dict[str, float]


GOALS = (
    GoalSpec(
        "q4",
        "Q4 2026 conversions",
        "conversions",
        GOAL_START,
        GOAL_END,
        1.0,
        {"ch-search": 0.1},
        {"ch-display": 0.25, "ch-video": 0.35},
    ),
    GoalSpec(
        "holiday",
        "holiday revenue 2026",
        "revenue",
        HOLIDAY_START,
        HOLIDAY_END,
        1.3,
        {"ch-email": 0.05},
        {"ch-sms": 0.1},
    ),
)


def build_goals(
    seed: int,
    curves: TrueCurves,
    keys: list[tuple[str, str]],
    history_market: np.ndarray,
    spend: np.ndarray,
    carry: np.ndarray,
    markets: Markets,
    channels: Channels,
) -> tuple[Table, Table, dict[str, Any]]:
    rng = stream(seed, "goals")
    present = {c.uid for c in channels.specs}
    uids, names, kpis, targets, budgets, starts, ends, codes, constraints = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    truth: dict[str, Any] = {}
    for m, spec in enumerate(markets.specs):
        rows = np.nonzero(history_market == m)[0]
        recent = spend[rows, -RECENT_WEEKS:].sum(axis=1)
        if recent.sum() <= 0:  # a market that went dark: fall back to its whole history
            recent = spend[rows].sum(axis=1)
        weekly = max(float(recent.sum()) / RECENT_WEEKS, 1000.0 * spec.fx)
        share = recent / recent.sum() if recent.sum() > 0 else np.zeros(len(rows))
        # even markets get both goals, odd ones only the quarter: "1-2 goals per market"
        for goal in GOALS[: 2 if m % 2 == 0 else 1]:
            weeks = ((goal.end - goal.start).days + 1) // 7
            budget = nice_round(weekly * weeks * goal.budget_factor * rng.uniform(0.9, 1.1))
            bau = _business_as_usual(
                curves,
                [keys[r] for r in rows],
                share,
                carry[rows],
                budget,
                goal.start,
                weeks,
                goal.kpi,
            )
            goal_uid = f"goal-{spec.code.lower()}-{goal.suffix}"
            uids.append(goal_uid)
            names.append(f"{spec.code} {goal.title}")
            kpis.append(goal.kpi)
            targets.append(nice_round(bau * TARGET_UPLIFT, 3))
            budgets.append(budget)
            starts.append(goal.start.isoformat())
            ends.append(goal.end.isoformat())
            codes.append(spec.code)
            constraints.append(
                json.dumps(
                    {
                        "currency": spec.currency,
                        "channel_min": {
                            c: nice_round(budget * s)
                            for c, s in goal.channel_min.items()
                            if c in present
                        },
                        "channel_max": {
                            c: nice_round(budget * s)
                            for c, s in goal.channel_max.items()
                            if c in present
                        },
                        "min_audience_size": MIN_AUDIENCE_SIZE,
                        "frequency_cap": FREQUENCY_CAP,
                    },
                    sort_keys=True,
                )
            )
            truth[goal_uid] = {
                "kpi": goal.kpi,
                "budget": budget,
                "business_as_usual": bau,
                "target": targets[-1],
                "plan": "flat weekly spend per history pair, shares of the "
                f"last {RECENT_WEEKS} weeks, carryover from the history",
            }
    table = Table("Goal").add("uid", "str", uids).add("name", "str", names)
    table.add("kpi", "str", kpis).add("target", "float", targets)
    table.add("budget", "float", budgets).add("window_start", "str", starts)
    table.add("window_end", "str", ends).add("market", "str", codes)
    table.add("constraints", "str", constraints)
    market_of = {s.code: u for u, s in zip(markets.uids, markets.specs, strict=True)}
    in_market = rel_table("IN_MARKET", uids, [market_of[c] for c in codes], from_label="Goal")
    return table, in_market, truth


def _business_as_usual(
    curves: TrueCurves,
    keys: list[tuple[str, str]],
    share: np.ndarray,
    carry: np.ndarray,
    budget: float,
    start: date,
    weeks: int,
    kpi: str,
) -> float:
    if not keys:
        return 0.0
    lead = (start - GOAL_START).days // 7  # dark weeks between the history and the window
    plan = np.zeros((len(keys), lead + weeks))
    plan[:, lead:] = (share * budget / weeks)[:, None]
    conversions = curves.expected_conversions_grid(keys, plan, GOAL_START, carry)[:, lead:]
    if kpi == "conversions":
        return float(conversions.sum())
    rpc = np.array([curves.market_of(a)["revenue_per_conversion"] for a, _ in keys])
    return float((conversions.sum(axis=1) * rpc).sum())
