"""Goals: what the brand wants, read from the graph (or a goal file) into a typed spec."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from stratagraph import cypher
from stratagraph.errors import NotFound, UsageError
from stratagraph.store import GraphStore


@dataclass(frozen=True)
class GoalConstraints:
    """Amounts are totals over the goal window, in the market's currency."""

    channel_min: dict[str, float] = field(default_factory=dict)
    channel_max: dict[str, float] = field(default_factory=dict)
    min_audience_size: int = 0
    frequency_cap: float | None = None  # exposures per reachable person per week
    excluded_channels: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: str | dict[str, Any] | None, goal: str) -> GoalConstraints:
        if raw is None or raw == "":
            return cls()
        try:
            data = json.loads(raw) if isinstance(raw, str) else dict(raw)
        except json.JSONDecodeError as exc:
            raise UsageError(f"goal {goal}: constraints are not JSON ({exc.msg})") from None
        known = {
            "channel_min",
            "channel_max",
            "min_audience_size",
            "frequency_cap",
            "excluded_channels",
            "currency",
        }
        unknown = set(data) - known
        if unknown:
            raise UsageError(
                f"goal {goal}: unknown constraint(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(known))}"
            )
        try:
            return cls(
                channel_min={str(k): float(v) for k, v in data.get("channel_min", {}).items()},
                channel_max={str(k): float(v) for k, v in data.get("channel_max", {}).items()},
                min_audience_size=int(data.get("min_audience_size", 0)),
                frequency_cap=(
                    float(data["frequency_cap"]) if data.get("frequency_cap") is not None else None
                ),
                excluded_channels=tuple(str(c) for c in data.get("excluded_channels", ())),
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise UsageError(f"goal {goal}: malformed constraints ({exc})") from None


@dataclass(frozen=True)
class Goal:
    uid: str
    name: str
    kpi: str
    target: float | None
    budget: float
    window_start: date
    window_end: date
    market_uid: str
    market_code: str
    currency: str
    units_per_usd: float
    spend_cap: float | None
    constraints: GoalConstraints

    @property
    def days(self) -> int:
        return (self.window_end - self.window_start).days + 1

    @property
    def weeks(self) -> list[date]:
        """Mondays of the weeks the window touches (the models are weekly)."""
        first = self.window_start - timedelta(days=self.window_start.weekday())
        out = []
        week = first
        while week <= self.window_end:
            out.append(week)
            week += timedelta(days=7)
        return out

    def week_days(self) -> list[int]:
        """Days of the window inside each week (the first and last may be partial)."""
        return [
            (min(w + timedelta(days=6), self.window_end) - max(w, self.window_start)).days + 1
            for w in self.weeks
        ]


def load_goal(store: GraphStore, uid: str) -> Goal:
    rows = store.read(cypher.load("reasoning/goal"), {"goal": uid})
    if not rows:
        raise NotFound(
            f"no Goal with uid {uid!r}; list them with "
            '`stratagraph cypher "MATCH (g:Goal) RETURN g.uid, g.name"`'
        )
    goal, market = rows[0]["goal"], rows[0]["market"]
    if market is None:
        raise UsageError(
            f"goal {uid} is not linked to a Market (Goal)-[:IN_MARKET]->(Market); ingest an "
            "IN_MARKET relationship for it"
        )
    start, end = date.fromisoformat(goal["window_start"]), date.fromisoformat(goal["window_end"])
    if end < start:
        raise UsageError(f"goal {uid}: window_end {end} is before window_start {start}")
    return Goal(
        uid=uid,
        name=str(goal.get("name") or uid),
        kpi=str(goal["kpi"]),
        target=goal.get("target"),
        budget=float(goal["budget"]),
        window_start=start,
        window_end=end,
        market_uid=str(market["uid"]),
        market_code=str(market.get("code") or market["uid"]),
        currency=str(market.get("currency") or "USD"),
        units_per_usd=float(market.get("units_per_usd") or 1.0),
        spend_cap=market.get("spend_cap"),
        constraints=GoalConstraints.parse(goal.get("constraints"), uid),
    )


def load_goal_file(path: Path) -> list[dict[str, Any]]:
    """A goal file: one JSON object (or a list) with the Goal columns, as for ingest."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such goal file") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    rows = data if isinstance(data, list) else [data]
    if not all(isinstance(r, dict) for r in rows):
        raise UsageError(f"{path}: expected a JSON object or a list of objects")
    return rows
