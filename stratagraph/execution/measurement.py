"""Measurement: what a run did against what was forecast.

Every measure action writes one KPIObservation per campaign and day, of kind `campaign`,
`OF` the Campaign (which `REALIZES` its PlanItem, `RUNS_ON` its Channel and `TARGETS` its
Audience) and `FROM_ACTION` the measure action, so the copilot's next fit reads it like any
other campaign result, and any number can be traced to the strategy version that produced it.

`run_report` puts progress, spend against budget, realised against forecast (the forecast
scaled to the share of the item's budget spent so far) and the guardrails' drift flags side
by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stratagraph import cypher
from stratagraph.store import GraphStore

from .control import get_run
from .guardrails import Band


@dataclass
class CampaignReport:
    campaign: str
    plan_item: str
    channel: str
    audience: str | None
    status: str
    budget: float
    spend: float
    reserved: float
    conversions: float
    revenue: float
    forecast: dict[str, float | None]
    drift: str | None
    drift_periods: int
    reason: str | None

    @property
    def roi(self) -> float | None:
        return self.revenue / self.spend if self.spend > 0 else None

    @property
    def cpa(self) -> float | None:
        return self.spend / self.conversions if self.conversions > 0 else None

    @property
    def share_spent(self) -> float:
        return self.spend / self.budget if self.budget > 0 else 0.0

    def expected(self, metric: str, q: str = "p50") -> float | None:
        value = self.forecast.get(f"{metric}_{q}")
        return value * self.share_spent if value is not None else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "plan_item": self.plan_item,
            "channel": self.channel,
            "audience": self.audience,
            "status": self.status,
            "budget": self.budget,
            "spend": round(self.spend, 2),
            "reserved": round(self.reserved, 2),
            "conversions": self.conversions,
            "revenue": round(self.revenue, 2),
            "roi": self.roi,
            "cpa": self.cpa,
            "forecast": self.forecast,
            "expected_to_date": {
                "conversions_p10": self.expected("conversions", "p10"),
                "conversions_p50": self.expected("conversions"),
                "conversions_p90": self.expected("conversions", "p90"),
                "revenue_p50": self.expected("revenue"),
            },
            "drift": self.drift,
            "drift_periods": self.drift_periods,
            "reason": self.reason,
        }


@dataclass
class RunReport:
    run: str
    strategy: str
    status: str
    clock: str
    now: str | None
    budget: float
    reserved: float
    spent: float
    first_day: str
    last_day: str
    closed_through: str | None
    actions: dict[str, dict[str, int]]
    campaigns: list[CampaignReport] = field(default_factory=list)
    reason: str | None = None
    kill_switch: bool = False

    @property
    def days_total(self) -> int:
        return (date.fromisoformat(self.last_day) - date.fromisoformat(self.first_day)).days + 1

    @property
    def days_done(self) -> int:
        if not self.closed_through:
            return 0
        return (
            date.fromisoformat(self.closed_through) - date.fromisoformat(self.first_day)
        ).days + 1

    def total(self, metric: str) -> float:
        return float(sum(getattr(c, metric) for c in self.campaigns))

    def forecast_total(self, metric: str, q: str = "p50") -> float:
        return float(sum(c.forecast.get(f"{metric}_{q}") or 0.0 for c in self.campaigns))

    @property
    def drift_flags(self) -> list[dict[str, Any]]:
        return [
            {
                "campaign": c.campaign,
                "drift": c.drift,
                "periods": c.drift_periods,
                "status": c.status,
                "reason": c.reason,
            }
            for c in self.campaigns
            if c.drift or c.status == "paused"
        ]

    def realised_vs_forecast(self) -> dict[str, Any]:
        """Totals: realised, and the forecast scaled to the share of the budget spent."""
        spent = self.total("spend")
        budget = sum(c.budget for c in self.campaigns) or 1.0
        share = spent / budget
        out: dict[str, Any] = {
            "spend": round(spent, 2),
            "budget": round(budget, 2),
            "share_spent": round(share, 4),
        }
        for metric in ("conversions", "revenue"):
            out[metric] = {
                "realised": round(self.total(metric), 2),
                **{
                    f"forecast_{q}": round(self.forecast_total(metric, q) * share, 2)
                    for q in ("p10", "p50", "p90")
                },
            }
        out["roi"] = {
            "realised": round(self.total("revenue") / spent, 4) if spent else None,
            **{
                f"forecast_{q}": (
                    round(self.forecast_total("revenue", q) / budget, 4) if budget else None
                )
                for q in ("p10", "p50", "p90")
            },
        }
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "strategy": self.strategy,
            "status": self.status,
            "clock": self.clock,
            "now": self.now,
            "budget": self.budget,
            "reserved": round(self.reserved, 4),
            "spent": round(self.spent, 2),
            "days": {
                "done": self.days_done,
                "total": self.days_total,
                "first": self.first_day,
                "last": self.last_day,
            },
            "actions": self.actions,
            "realised_vs_forecast": self.realised_vs_forecast(),
            "drift_flags": self.drift_flags,
            "campaigns": [c.as_dict() for c in self.campaigns],
            "reason": self.reason,
            "kill_switch": self.kill_switch,
        }


def run_report(store: GraphStore, run: str) -> RunReport:
    info = get_run(store, run)
    actions: dict[str, dict[str, int]] = {}
    for r in store.read(cypher.load("execution/run_progress"), {"run": run}):
        actions.setdefault(str(r["kind"]), {})[str(r["status"])] = int(r["actions"])
    totals: dict[str, dict[str, float]] = {}
    for o in store.read(cypher.load("execution/observations"), {"run": run}):
        t = totals.setdefault(str(o["campaign"]), {"conversions": 0.0, "revenue": 0.0})
        t["conversions"] += float(o["conversions"])
        t["revenue"] += float(o["revenue"])
    campaigns = []
    for c in store.read(cypher.load("execution/campaigns"), {"run": run}):
        uid = str(c["campaign"])
        forecast = {
            k: (float(c[k]) if isinstance(c[k], int | float) else None)
            for k in (
                "conversions_p10",
                "conversions_p50",
                "conversions_p90",
                "revenue_p10",
                "revenue_p50",
                "revenue_p90",
                "roi_p10",
                "roi_p50",
                "roi_p90",
            )
        }
        band = Band.of(dict(c))
        forecast["cpa_low"], forecast["cpa_high"] = band.cpa_low, band.cpa_high
        campaigns.append(
            CampaignReport(
                campaign=uid,
                plan_item=str(c["plan_item"]),
                channel=str(c["channel"] or ""),
                audience=str(c["audience"]) if c["audience"] else None,
                status=str(c["status"]),
                budget=float(c["budget"] or 0.0),
                spend=float(c["spend"] or 0.0),
                reserved=float(c["reserved"] or 0.0),
                conversions=totals.get(uid, {}).get("conversions", 0.0),
                revenue=totals.get(uid, {}).get("revenue", 0.0),
                forecast=forecast,
                drift=str(c["drift"]) if c["drift"] else None,
                drift_periods=int(c["drift_periods"] or 0),
                reason=str(c["reason"]) if c["reason"] else None,
            )
        )
    return RunReport(
        run=run,
        strategy=str(info.get("strategy_uid")),
        status=str(info.get("status")),
        clock=str(info.get("clock") or ""),
        now=str(info["now"]) if info.get("now") else None,
        budget=float(info.get("budget") or 0.0),
        reserved=float(info.get("reserved") or 0.0),
        spent=float(info.get("spent") or 0.0),
        first_day=str(info.get("first_day")),
        last_day=str(info.get("last_day")),
        closed_through=str(info["closed_through"]) if info.get("closed_through") else None,
        actions=actions,
        campaigns=campaigns,
        reason=str(info["reason"]) if info.get("reason") else None,
        kill_switch=bool(info.get("kill_switch")),
    )


def list_runs(store: GraphStore) -> list[dict[str, Any]]:
    return [dict(r) for r in store.read(cypher.load("execution/list_runs"))]
