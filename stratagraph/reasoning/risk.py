"""Risk score 0-100 of a strategy, as the weighted sum of named factors in [0, 1]."""

from __future__ import annotations

import math
from dataclasses import dataclass

# weights sum to 100: the score is the weighted mean of the factors
WEIGHTS = {
    "forecast_spread": 30.0,
    "evidence_sparsity": 20.0,
    "novelty": 20.0,
    "data_staleness": 15.0,
    "policy_closeness": 15.0,
}
SPARSE_WEEKS = 26  # fewer observed weeks than this and a pair's curve is mostly the channel's
STALE_WEEKS = 26


@dataclass(frozen=True)
class RiskAssessment:
    score: float
    factors: dict[str, float]
    explanation: str

    @property
    def names(self) -> list[str]:
        return list(self.factors)

    @property
    def values(self) -> list[float]:
        return [round(v, 4) for v in self.factors.values()]


def assess(
    *,
    kpi_p10: float,
    kpi_p50: float,
    kpi_p90: float,
    budgets: list[float],
    observed_weeks: list[int],
    weeks_since_data: float,
    limit_use: float,
    drift: float = 0.0,
) -> RiskAssessment:
    """limit_use: the highest share of any policy limit the plan uses (1 = at the limit)."""
    total = sum(budgets) or 1.0
    spread = (kpi_p90 - kpi_p10) / kpi_p50 if kpi_p50 > 0 else 2.0
    factors = {
        # relative 80% width: 0.2 wide scores 0.33, 0.6 wide 0.7
        "forecast_spread": 1 - math.exp(-2 * max(spread, 0.0)),
        "evidence_sparsity": sum(
            b * max(0.0, 1 - n / SPARSE_WEEKS) for b, n in zip(budgets, observed_weeks, strict=True)
        )
        / total,
        "novelty": sum(b for b, n in zip(budgets, observed_weeks, strict=True) if n == 0) / total,
        "data_staleness": min(max(weeks_since_data, 0.0) / STALE_WEEKS, 1.0),
        # nothing until 80% of a limit, then rising to 1 at the limit
        "policy_closeness": min(max((limit_use - 0.8) / 0.2, 0.0), 1.0),
    }
    weights = dict(WEIGHTS)
    if drift > 0:
        factors["drift"] = min(drift, 1.0)
        weights["drift"] = 20.0
    score = sum(weights[k] * v for k, v in factors.items()) / sum(weights.values()) * 100
    top = sorted(factors.items(), key=lambda kv: -weights[kv[0]] * kv[1])[:2]
    explanation = "; ".join(
        f"{name.replace('_', ' ')} {value:.2f}" for name, value in top if value > 0.05
    )
    return RiskAssessment(round(score, 1), factors, explanation or "no factor stands out")
