"""Guardrails: a campaign whose realised CPA or ROI stays outside its forecast's p10-p90 band
for `guardrail_periods` consecutive periods of `guardrail_period_days` days is paused, with
the reason on the campaign, an `execution.guardrail.pause` audit event, and a pause action to
its channel.

The bands come from the plan item's forecast of the week a period falls in (the copilot
writes predictive weekly quantiles: a campaign ramps up through adstock); without a weekly
forecast, from the window's: ROI in [roi_p10, roi_p90]; CPA in
[budget / conversions_p90, budget / conversions_p10]. A period is judged only once all its
measurements are in, and only once (`Campaign.checked_through`), so a restart never counts a
period twice. A period without spend is not judged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from stratagraph import cypher
from stratagraph.governance import audit
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.settings import Settings
from stratagraph.store import GraphStore

from . import outbox


@dataclass(frozen=True)
class Band:
    roi_low: float | None
    roi_high: float | None
    cpa_low: float | None
    cpa_high: float | None
    weekly: dict[str, Any] | None = None

    def for_period(self, start: date) -> Band:
        """The band of the forecast week a period starts in, when the plan item has a weekly
        forecast: a campaign ramps up through adstock, so its first weeks fall short of the
        window's average without anything being wrong. Else the window's band."""
        w = self.weekly
        if not w:
            return self
        week = (start - date.fromisoformat(str(w["weekly_start"]))).days // 7
        week = min(max(week, 0), len(w["weekly_spend"]) - 1)
        spend = float(w["weekly_spend"][week])
        c10, c90 = (
            float(w["weekly_conversions_p10"][week]),
            float(w["weekly_conversions_p90"][week]),
        )
        r10, r90 = float(w["weekly_revenue_p10"][week]), float(w["weekly_revenue_p90"][week])
        if spend <= 0:
            return self
        return Band(
            roi_low=r10 / spend,
            roi_high=r90 / spend,
            cpa_low=spend / c90 if c90 > 0 else None,
            cpa_high=spend / c10 if c10 > 0 else None,
        )

    @classmethod
    def of(cls, plan: dict[str, Any]) -> Band:
        def num(key: str) -> float | None:
            value = plan.get(key)
            return float(value) if isinstance(value, int | float) else None

        budget = num("spend_p50") or num("budget")
        c10, c90 = num("conversions_p10"), num("conversions_p90")
        keys = (
            "weekly_start",
            "weekly_spend",
            "weekly_conversions_p10",
            "weekly_conversions_p90",
            "weekly_revenue_p10",
            "weekly_revenue_p90",
        )
        weekly = {k: plan[k] for k in keys} if all(plan.get(k) for k in keys) else None
        return cls(
            roi_low=num("roi_p10"),
            roi_high=num("roi_p90"),
            cpa_low=budget / c90 if budget and c90 else None,
            cpa_high=budget / c10 if budget and c10 else None,
            weekly=weekly,
        )

    def judge(self, spend: float, conversions: float, revenue: float) -> tuple[str, bool]:
        """What is outside the band ('' when inside) and whether it is on the adverse side
        (ROI below p10 or CPA above its high end)."""
        if spend <= 0:
            return "", False
        found: list[str] = []
        adverse = False
        roi = revenue / spend
        if self.roi_low is not None and roi < self.roi_low:
            found.append(f"roi {roi:.2f} below p10 {self.roi_low:.2f}")
            adverse = True
        elif self.roi_high is not None and roi > self.roi_high:
            found.append(f"roi {roi:.2f} above p90 {self.roi_high:.2f}")
        cpa = spend / conversions if conversions > 0 else math.inf
        if self.cpa_high is not None and cpa > self.cpa_high:
            shown = "inf" if math.isinf(cpa) else f"{cpa:.2f}"
            found.append(f"cpa {shown} above {self.cpa_high:.2f}")
            adverse = True
        elif self.cpa_low is not None and cpa < self.cpa_low:
            found.append(f"cpa {cpa:.2f} below {self.cpa_low:.2f}")
        return "; ".join(found), adverse


def period_ends(first: date, last: date, days: int) -> list[date]:
    ends = []
    end = first + timedelta(days=days - 1)
    while end <= last:
        ends.append(end)
        end += timedelta(days=days)
    return ends


def check_run(
    store: GraphStore,
    settings: Settings,
    run: str,
    row: dict[str, Any],
    unsettled: dict[str, dict[bool, int]],
    *,
    actor: str,
) -> list[str]:
    """Judge every period that is complete and not judged yet; returns paused campaigns."""
    closed = row.get("closed_through")
    if not closed:
        return []
    first = date.fromisoformat(str(row["first_day"]))
    through = date.fromisoformat(str(closed))
    if unsettled:
        earliest = min(date.fromisoformat(d) for d in unsettled)
        through = min(through, earliest - timedelta(days=1))
    ends = period_ends(first, through, settings.guardrail_period_days)
    if not ends:
        return []
    campaigns = [
        c
        for c in store.read(cypher.load("execution/campaigns"), {"run": run})
        if c["status"] == "live"
        and (
            (c["checked_through"] or "") < ends[-1].isoformat()
            or int(c["drift_periods"] or 0) >= settings.guardrail_periods
        )
    ]
    if not campaigns:
        return []
    obs: dict[str, dict[str, dict[str, float]]] = {}
    for o in store.read(cypher.load("execution/observations"), {"run": run}):
        obs.setdefault(str(o["campaign"]), {})[str(o["day"])] = o
    paused = []
    for c in campaigns:
        band = Band.of(c)
        periods = int(c["drift_periods"] or 0)
        drift = str(c["drift"] or "")
        for end in ends:
            if end.isoformat() <= str(c["checked_through"] or ""):
                continue
            start = end - timedelta(days=settings.guardrail_period_days - 1)
            days = [
                v
                for d, v in obs.get(str(c["campaign"]), {}).items()
                if start.isoformat() <= d <= end.isoformat()
            ]
            spend = sum(float(v["spend"]) for v in days)
            if spend <= 0:
                continue
            drift, adverse = band.for_period(start).judge(
                spend,
                sum(float(v["conversions"]) for v in days),
                sum(float(v["revenue"]) for v in days),
            )
            counts = adverse or (bool(drift) and settings.guardrail_pause_upside)
            periods = periods + 1 if counts else 0
            store.write(
                cypher.load("execution/set_drift"),
                {
                    "campaign": c["campaign"],
                    "day": end.isoformat(),
                    "periods": periods,
                    "drift": drift,
                    "now": now_iso(),
                },
            )
            if periods >= settings.guardrail_periods:
                break
        if periods >= settings.guardrail_periods and pause_campaign(
            store, run, c, drift, periods, actor=actor
        ):
            paused.append(str(c["campaign"]))
    return paused


def pause_campaign(
    store: GraphStore,
    run: str,
    campaign: dict[str, Any],
    drift: str,
    periods: int,
    *,
    actor: str,
) -> bool:
    reason = f"guardrail: {drift} for {periods} period(s) in a row"
    info = store.read(cypher.load("execution/get_run"), {"uid": run})[0]["run"]
    at = str(info["now"]) if info.get("clock") == "simulated" else now_iso()
    action = outbox.action_row(
        run=run,
        plan_item=str(campaign["plan_item"]),
        campaign=str(campaign["campaign"]),
        channel=str(campaign["channel"] or ""),
        kind=outbox.PAUSE,
        step=f"guardrail:{periods}",
        scheduled_for=at,
    )
    rows = store.write(
        cypher.load("execution/pause_campaign"),
        {"campaign": campaign["campaign"], "reason": reason, "action": action, "now": now_iso()},
    )
    if not rows or not rows[0]["ok"]:
        return False
    outbox.cancel_actions(
        store, run, reason="campaign paused by guardrail", campaign=str(campaign["campaign"])
    )
    audit.record(
        store,
        actor,
        "execution.guardrail.pause",
        str(campaign["campaign"]),
        {"run": run, "plan_item": campaign["plan_item"], "reason": reason},
    )
    return True
