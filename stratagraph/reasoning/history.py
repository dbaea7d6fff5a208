"""Campaign history from the graph, as weekly arrays per audience x channel pair."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from stratagraph import cypher
from stratagraph.store import GraphStore


@dataclass
class PairHistory:
    """Weekly series of one audience on one channel; weeks without a record spent nothing."""

    audience: str
    channel: str
    market: str
    units_per_usd: float
    audience_size: int
    spend: np.ndarray  # (T,) on the common week grid, in the market's currency
    conversions: np.ndarray  # (T,)
    revenue: np.ndarray  # (T,)
    impressions: np.ndarray  # (T,)
    reach: np.ndarray  # (T,)
    observed: np.ndarray  # (T,) bool: a KPIObservation exists for the week
    observations: list[str]  # uids, the evidence a forecast rests on

    @property
    def n_observed(self) -> int:
        return int(self.observed.sum())


@dataclass
class CampaignHistory:
    weeks: np.ndarray  # datetime64[D] Mondays, shape (T,)
    pairs: dict[tuple[str, str], PairHistory]

    @property
    def last_week(self) -> date | None:
        return None if len(self.weeks) == 0 else self.weeks[-1].astype(date)

    def channel_pairs(self, channel: str) -> list[PairHistory]:
        return [p for (_, c), p in sorted(self.pairs.items()) if c == channel]

    @property
    def channels(self) -> list[str]:
        return sorted({c for _, c in self.pairs})

    def until(self, last: date) -> CampaignHistory:
        """The history as it was known at the end of week `last` (for backtests)."""
        keep = self.weeks <= np.datetime64(last)
        return CampaignHistory(
            self.weeks[keep],
            {
                k: PairHistory(
                    p.audience,
                    p.channel,
                    p.market,
                    p.units_per_usd,
                    p.audience_size,
                    p.spend[keep],
                    p.conversions[keep],
                    p.revenue[keep],
                    p.impressions[keep],
                    p.reach[keep],
                    p.observed[keep],
                    p.observations,
                )
                for k, p in self.pairs.items()
            },
        )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def load_campaign_history(store: GraphStore, market: str = "") -> CampaignHistory:
    """Weekly campaign observations of a market's audiences (a Market uid; all with '')."""
    rows = store.read(cypher.load("reasoning/campaign_history"), {"market": market})
    if not rows:
        return CampaignHistory(np.array([], dtype="datetime64[D]"), {})
    weeks_seen = sorted({_monday(date.fromisoformat(r["week"])) for r in rows})
    grid = np.arange(
        np.datetime64(weeks_seen[0]), np.datetime64(weeks_seen[-1]) + 1, 7, dtype="datetime64[D]"
    )
    index = {d.astype(date): i for i, d in enumerate(grid)}
    grouped: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for r in rows:
        grouped[(r["audience"], r["channel"])].append(r)
    pairs: dict[tuple[str, str], PairHistory] = {}
    size = len(grid)
    for (audience, channel), records in grouped.items():
        arrays = {
            k: np.zeros(size) for k in ("spend", "conversions", "revenue", "impressions", "reach")
        }
        observed = np.zeros(size, dtype=bool)
        for r in records:
            i = index[_monday(date.fromisoformat(str(r["week"])))]
            for k in arrays:
                arrays[k][i] += float(r[k])  # type: ignore[arg-type]
            observed[i] = True
        pairs[(audience, channel)] = PairHistory(
            audience,
            channel,
            str(records[0]["market"]),
            float(records[0]["units_per_usd"]),  # type: ignore[arg-type]
            int(records[0]["audience_size"]),  # type: ignore[call-overload]
            observed=observed,
            observations=sorted(str(r["observation"]) for r in records),
            **arrays,
        )
    return CampaignHistory(grid, pairs)
