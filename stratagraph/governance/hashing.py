"""The content hash an approval binds to.

sha256 over a canonical JSON projection of what matters for spend and policy: the strategy
and its plan items (every property but the workflow's own bookkeeping), the goal and market
(budget, window, caps, currency), and the audiences, channels, assets and consent edges the
items point to, with their policy-relevant properties. Status, timestamps, approvals and
reports are left out, so recording them never voids an approval; any other change does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from stratagraph.store import GraphStore

from .subgraph import StrategySubgraph, fetch_subgraph

# written by the platform around a strategy, not part of what was approved
VOLATILE = frozenset(
    {
        "created_at",
        "updated_at",
        "batch",
        "status",
        "status_at",
        "content_hash",
        "maker",
        "submitted_by",
    }
)
# what policy looks at on the nodes a plan points to (None: every non-volatile property)
POLICY_PROPS: Mapping[str, tuple[str, ...] | None] = {
    "Strategy": None,
    "PlanItem": None,
    "Goal": None,
    "Market": ("uid", "code", "currency", "locale", "timezone", "spend_cap"),
    "Audience": ("uid", "market", "pii_free"),
    "Channel": (
        "uid",
        "kind",
        "cost_model",
        "unit_cost",
        "min_daily_budget",
        "max_daily_budget",
        "frequency_cap",
        "quiet_hours_start",
        "quiet_hours_end",
        "adapter",
        "endpoint",
    ),
    "Asset": (
        "uid",
        "kind",
        "format",
        "locale",
        "brand_approved",
        "expires_at",
        "version",
        "subject",
        "body",
    ),
    "REACHABLE_VIA": ("basis", "consented_at", "valid_until"),
}
HASH_PREFIX = "sha256:"


def _value(value: Any) -> Any:
    # the same number is the same content whether an engine hands back 3 or 3.0
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return str(value)


def _props(kind: str, props: Mapping[str, Any]) -> dict[str, Any]:
    keep = POLICY_PROPS.get(kind)
    return {
        k: _value(v)
        for k, v in sorted(props.items())
        if v is not None and k not in VOLATILE and (keep is None or k in keep)
    }


def canonical(sub: StrategySubgraph) -> dict[str, Any]:
    """The document that is hashed (also handy to diff two versions)."""
    return {
        "strategy": _props("Strategy", sub.strategy),
        "goals": [_props("Goal", g) for g in sub.goals],
        "markets": [_props("Market", m) for m in sub.markets],
        "goal_markets": [list(p) for p in sub.goal_markets],
        "items": [_props("PlanItem", i) for i in sub.items],
        "targets": [list(p) for p in sub.targets],
        "on": [list(p) for p in sub.ons],
        "uses": [list(p) for p in sub.uses],
        "depends_on": [list(p) for p in sub.depends],
        "audiences": [_props("Audience", a) for a in sub.audiences],
        "audience_markets": [list(p) for p in sub.audience_markets],
        "channels": [_props("Channel", c) for c in sub.channels],
        "assets": [_props("Asset", a) for a in sub.assets],
        "localized_for": [list(p) for p in sub.localized],
        "fits": [list(p) for p in sub.fits],
        "reachable_via": [[a, c, _props("REACHABLE_VIA", p)] for a, c, p in sub.reachable],
    }


def hash_subgraph(sub: StrategySubgraph) -> str:
    text = json.dumps(
        canonical(sub), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=True
    )
    return HASH_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(store: GraphStore, strategy_uid: str) -> str:
    """sha256 of the canonical projection of the strategy as it is in the store now."""
    return hash_subgraph(fetch_subgraph(store, strategy_uid))
