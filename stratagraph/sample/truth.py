"""The ground_truth.json document: every parameter that generated the twin's outcomes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .catalog import HISTORY_END, HISTORY_START, HISTORY_WEEKS, REFERENCE_CURRENCY
from .curves import FORMULA, GROUND_TRUTH_FORMAT
from .entities import Audiences, Channels, Markets, Pairs
from .history import SPEND_PROCESS
from .scales import ScalePlan

SEASONALITY = {
    "kind": "yearly_cosine",
    "amplitude": 0.2,
    "peak": "2025-11-27",  # Thanksgiving week: the holiday peak, repeating every period
    "period_days": 365.25,
    "formula": "S(d) = 1 + amplitude * cos(2*pi * (d - peak).days / period_days)",
}
NOISE = {
    "conversions": {
        "sigma": 0.1,
        "formula": "Poisson(mu * exp(e)), e ~ N(-sigma^2/2, sigma); "
        "mean mu, variance mu + mu^2 * (exp(sigma^2) - 1)",
    },
    "revenue": {
        "sigma": 0.05,
        "formula": "conversions * revenue_per_conversion_m * exp(e), "
        "e ~ N(-sigma^2/2, sigma), rounded to the currency's minor units",
    },
    "impressions": {
        "sigma": 0.1,
        "formula": "round(spend / (cpm_c * fx_m) * 1000 * exp(e)), "
        "e ~ N(-sigma^2/2, sigma); messages sent for email and sms",
    },
    "clicks": {"formula": "Binomial(impressions, ctr_c)"},
    "reach": {
        "formula": "round(R * (1 - exp(-impressions / (frequency_c * R)))), "
        "R = REACHABLE_VIA.reach of the pair"
    },
}


def _f(values: np.ndarray | list[float]) -> list[float]:
    return [float(v) for v in values]


def build_document(
    plan: ScalePlan,
    seed: int,
    markets: Markets,
    channels: Channels,
    audiences: Audiences,
    lift: np.ndarray,
    pairs: Pairs,
) -> dict[str, Any]:
    ch_uids = [c.uid for c in channels.specs]
    reachable: dict[str, dict[str, dict[str, Any]]] = {}
    for a, c, basis, reach in zip(
        pairs.audience.tolist(),
        pairs.channel.tolist(),
        pairs.basis,
        pairs.reach.tolist(),
        strict=True,
    ):
        reachable.setdefault(audiences.uid[a], {})[ch_uids[c]] = {
            "basis": str(basis),
            "reach": int(reach),
        }
    return {
        "format": GROUND_TRUTH_FORMAT,
        "seed": seed,
        "scale": plan.name,
        "reference_currency": REFERENCE_CURRENCY,
        "formula": FORMULA,
        "saturation": {
            "kind": "hill",
            "unit": f"{REFERENCE_CURRENCY} of weekly adstocked spend",
            "formula": "x^shape / (x^shape + half_saturation^shape)",
        },
        "adstock": {
            "kind": "geometric",
            "formula": "A_t = s_t + decay * A_(t-1)",
            "unit": "the market's currency",
            "initial": 0.0,
        },
        "seasonality": SEASONALITY,
        "noise": NOISE,
        "history": {
            "start": HISTORY_START.isoformat(),
            "end": HISTORY_END.isoformat(),
            "weeks": HISTORY_WEEKS,
            "spend_process": SPEND_PROCESS,
        },
        "markets": {
            uid: {
                "code": s.code,
                "currency": s.currency,
                "fx": s.fx,
                "revenue_per_conversion": float(rpc),
            }
            for uid, s, rpc in zip(
                markets.uids, markets.specs, markets.revenue_per_conversion, strict=True
            )
        },
        "channels": {
            c.uid: {
                "kind": c.kind,
                "decay": float(d),
                "beta": float(b),
                "half_saturation": float(k),
                "shape": c.shape,
                "cpm": c.cpm,
                "ctr": c.ctr,
                "frequency": c.frequency,
            }
            for c, d, b, k in zip(
                channels.specs, channels.decay, channels.beta, channels.half_saturation, strict=True
            )
        },
        "audiences": {
            uid: {"market": markets.uids[int(m)], "size": int(size)}
            for uid, m, size in zip(audiences.uid, audiences.market, audiences.size, strict=True)
        },
        "lift": {
            uid: dict(zip(ch_uids, _f(row), strict=True))
            for uid, row in zip(audiences.uid, lift, strict=True)
        },
        "reachable": reachable,
        "carryover_at_end": {},
        "goals": {},
    }


def add_carryover(document: dict[str, Any], keys: list[tuple[str, str]], state: np.ndarray) -> None:
    """Adstock at the end of the history (local currency), the start of any future plan."""
    carry: dict[str, dict[str, float]] = {}
    for (a, c), value in zip(keys, state.tolist(), strict=True):
        if value > 0:
            carry.setdefault(a, {})[c] = float(value)  # exact: floats round-trip in JSON
    document["carryover_at_end"] = carry


def write_document(document: dict[str, Any], path: Path) -> None:
    text = json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
