"""Media-mix series from the graph (media and outcome KPIObservations) as model input."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np

from stratagraph import cypher
from stratagraph.errors import UsageError
from stratagraph.reasoning.response import MediaData
from stratagraph.store import GraphStore

# a control with this name is the geo's size (Meridian scales by population), not a control
POPULATION = "population"


def mmm_markets(store: GraphStore) -> list[str]:
    return [r["market"] for r in store.read(cypher.load("reasoning/mmm_markets"))]


def load_media_data(store: GraphStore, market: str) -> MediaData:
    """A full geo x period x channel panel; refuses gaps instead of inventing values."""
    outcomes = store.read(cypher.load("reasoning/mmm_outcomes"), {"market": market})
    if not outcomes:
        known = ", ".join(mmm_markets(store)) or "none"
        raise UsageError(
            f"market {market!r} has no media-mix series (outcome KPIObservations); markets "
            f"with one: {known}. Load one with `stratagraph ingest FILE --format mmm ...`"
        )
    media = store.read(cypher.load("reasoning/mmm_media"), {"market": market})
    geos = sorted({r["geo"] for r in outcomes})
    periods = sorted({r["period"] for r in outcomes})
    channels = sorted({r["channel"] for r in media})
    g_i = {g: i for i, g in enumerate(geos)}
    t_i = {p: i for i, p in enumerate(periods)}
    c_i = {c: i for i, c in enumerate(channels)}
    shape = (len(geos), len(periods))
    kpi = "conversions" if any(r["conversions"] is not None for r in outcomes) else "revenue"
    outcome = np.full(shape, np.nan)
    revenue = np.full(shape, np.nan)
    controls: dict[str, np.ndarray] = defaultdict(lambda: np.full(shape, np.nan))
    for r in outcomes:
        at = (g_i[r["geo"]], t_i[r["period"]])
        outcome[at] = r[kpi] if r[kpi] is not None else np.nan
        if r["revenue"] is not None:
            revenue[at] = r["revenue"]
        for name, value in json.loads(r["controls"] or "{}").items():
            controls[name][at] = np.nan if value is None else float(value)
    spend = np.zeros((*shape, len(channels)))
    for r in media:
        if r["period"] in t_i and r["geo"] in g_i:
            spend[g_i[r["geo"]], t_i[r["period"]], c_i[r["channel"]]] = float(r["spend"])
    if np.isnan(outcome).any():
        missing = int(np.isnan(outcome).sum())
        raise UsageError(
            f"market {market!r}: {missing} geo-periods lack the KPI; the panel "
            "must be complete (impute or drop those periods before ingesting)"
        )
    population = controls.pop(POPULATION, None)
    names = tuple(sorted(k for k, v in controls.items() if not np.isnan(v).any()))
    rpo = None
    if kpi == "conversions" and not np.isnan(revenue).any():
        rpo = np.divide(revenue, outcome, out=np.zeros(shape), where=outcome > 0)
    return MediaData(
        periods=np.array(periods, dtype="datetime64[D]"),
        spend=spend,
        outcome=outcome,
        channels=tuple(channels),
        controls=np.stack([controls[n] for n in names], axis=-1) if names else None,
        control_names=names,
        revenue_per_outcome=rpo,
        geos=tuple(geos),
        population=None if population is None else np.nanmean(population, axis=1),
    )
