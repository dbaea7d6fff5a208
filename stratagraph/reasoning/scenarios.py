"""What-if scenarios: `budget=+20%`, `budget=50000`, `channel:UID=off`, `window=START..END`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from stratagraph.errors import UsageError
from stratagraph.reasoning.goals import Goal


@dataclass(frozen=True)
class Scenario:
    text: str
    budget_factor: float = 1.0
    budget: float | None = None
    channels_off: tuple[str, ...] = ()
    window: tuple[date, date] | None = None

    def apply(self, goal: Goal) -> Goal:
        budget = self.budget if self.budget is not None else goal.budget * self.budget_factor
        constraints = goal.constraints
        if self.channels_off:
            constraints = dataclasses.replace(
                constraints,
                excluded_channels=tuple(
                    sorted(set(constraints.excluded_channels) | set(self.channels_off))
                ),
            )
        start, end = self.window or (goal.window_start, goal.window_end)
        return dataclasses.replace(
            goal, budget=budget, constraints=constraints, window_start=start, window_end=end
        )


def parse_scenarios(texts: list[str]) -> list[Scenario]:
    return [parse_scenario(t) for t in texts]


def parse_scenario(text: str) -> Scenario:
    key, sep, value = text.partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not value:
        raise UsageError(f"scenario {text!r}: expected key=value, e.g. budget=+20%")
    if key == "budget":
        try:
            if value.endswith("%"):
                return Scenario(text, budget_factor=1 + float(value[:-1]) / 100)
            amount = float(value)
        except ValueError:
            raise UsageError(
                f"scenario {text!r}: budget takes +N% / -N% or an amount, e.g. budget=+20%"
            ) from None
        if amount <= 0:
            raise UsageError(f"scenario {text!r}: the budget must be positive")
        return Scenario(text, budget=amount)
    if key.startswith("channel:"):
        channel = key.split(":", 1)[1]
        if value.lower() != "off" or not channel:
            raise UsageError(f"scenario {text!r}: use channel:UID=off")
        return Scenario(text, channels_off=(channel,))
    if key == "window":
        first, dots, last = value.partition("..")
        try:
            start, end = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise UsageError(
                f"scenario {text!r}: window takes START..END dates, e.g. "
                "window=2027-01-04..2027-02-28"
            ) from None
        if not dots or end < start:
            raise UsageError(f"scenario {text!r}: the window must end after it starts")
        return Scenario(text, window=(start, end))
    raise UsageError(
        f"scenario {text!r}: unknown key {key!r}; use budget=, channel:UID= or window="
    )
