"""Build a sample twin: the brand's world, its two-year history and its goals, as files."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from stratagraph.errors import UsageError
from stratagraph.graph_schema import SCHEMA

from .contacts import build_contacts
from .curves import TrueCurves
from .entities import (
    Markets,
    build_assets,
    build_audiences,
    build_channels,
    build_lift,
    build_markets,
    build_pairs,
    build_signals,
)
from .goals import build_goals
from .history import build_history
from .records import (
    asset_tables,
    audience_tables,
    channel_table,
    contact_tables,
    market_table,
    reach_table,
    signal_tables,
)
from .scales import resolve_scale
from .streams import nice_round
from .tables import Table, concat
from .truth import add_carryover, build_document, write_document
from .writers import FILE_FORMATS, write_table

GROUND_TRUTH_FILE = "ground_truth.json"
CAP_HEADROOM = 1.25  # a market's daily cap leaves this much room above its known needs


@dataclass
class TwinSummary:
    out_dir: Path
    scale: str
    seed: int
    files: dict[str, int] = field(default_factory=dict)  # file name -> rows
    node_rows: int = 0
    relationship_rows: int = 0
    entities: int = 0
    seconds: float = 0.0

    @property
    def ground_truth(self) -> Path:
        return self.out_dir / GROUND_TRUTH_FILE


def generate_twin(
    out_dir: Path,
    *,
    scale: str | int = "small",
    seed: int = 7,
    file_format: str = "csv",
    progress: Callable[[str], None] | None = None,
) -> TwinSummary:
    """Write a deterministic synthetic brand in the ingest formats, plus ground_truth.json."""
    started = time.perf_counter()
    if file_format not in FILE_FORMATS:
        raise UsageError(f"unknown file format {file_format!r}; use {', '.join(FILE_FORMATS)}")
    say = progress or (lambda _m: None)
    plan = resolve_scale(scale)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    markets = build_markets(plan, seed)
    channels = build_channels(plan, seed)
    audiences = build_audiences(plan, markets, seed)
    signals = build_signals(plan, audiences, seed)
    pairs = build_pairs(audiences, channels, seed)
    lift = build_lift(audiences, markets, channels, seed)
    assets = build_assets(plan, markets, channels, seed)
    contacts = build_contacts(plan.contacts, audiences, pairs, channels, markets, seed)
    audiences.pii_free[
        np.unique(np.concatenate([contacts.audience, contacts.second[contacts.second >= 0]]))
    ] = False

    # The history is drawn from the curves as read back from the file, so they cannot differ.
    truth_path = out_dir / GROUND_TRUTH_FILE
    document = build_document(plan, seed, markets, channels, audiences, lift, pairs)
    write_document(document, truth_path)
    curves = TrueCurves.load(truth_path)
    history = build_history(plan, seed, curves, pairs, audiences, channels, markets, assets)
    keys = history.key(pairs, audiences, channels)
    carry = curves.adstock_grid(keys, history.spend)[:, -1] if keys else np.zeros(0)
    add_carryover(document, keys, carry)

    history_market = audiences.market[pairs.audience[history.pair]]
    goal, goal_market, goal_truth = build_goals(
        seed, curves, keys, history_market, history.spend, carry, markets, channels
    )
    markets.spend_cap = _spend_caps(history.spend, history_market, markets, goal)
    document["goals"] = goal_truth
    write_document(document, truth_path)

    audience, audience_market = audience_tables(audiences, markets)
    contact, contact_market, member_of, consents = contact_tables(contacts, audiences, markets)
    tables = [
        market_table(markets),
        channel_table(channels),
        audience,
        *signal_tables(signals),
        contact,
        *asset_tables(assets, markets, channels),
        goal,
        *history.tables,
        concat([audience_market, goal_market, contact_market]),
        reach_table(pairs, audiences, channels),
        member_of,
        consents,
    ]
    summary = TwinSummary(out_dir=out_dir, scale=plan.name, seed=seed)
    _write_all(tables, out_dir, file_format, summary, say)
    summary.seconds = time.perf_counter() - started
    return summary


def _spend_caps(
    spend: np.ndarray, history_market: np.ndarray, markets: Markets, goals: Table
) -> np.ndarray:
    """Daily caps with room for the busiest historical week and for all goals at once."""
    goal_daily: dict[str, float] = defaultdict(float)
    columns = {name: values for name, (_, values) in goals.columns.items()}
    for code, budget, start, end in zip(
        columns["market"],
        columns["budget"],
        columns["window_start"],
        columns["window_end"],
        strict=True,
    ):
        days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
        goal_daily[code] += budget / days  # goal windows overlap: their paces add up
    caps = []
    for m, spec in enumerate(markets.specs):
        weekly = spend[history_market == m].sum(axis=0)
        busiest = float(weekly.max()) / 7 if weekly.size else 0.0
        daily = max(busiest, goal_daily[spec.code], 1000.0 * spec.fx) * CAP_HEADROOM
        caps.append(nice_round(daily))
    return np.array(caps)


def _write_all(
    tables: list[Table],
    out_dir: Path,
    file_format: str,
    summary: TwinSummary,
    say: Callable[[str], None],
) -> None:
    # node files first: an ingest of a prefix of the list still finds every endpoint
    ordered = sorted(tables, key=lambda t: not t.is_node)
    for table in ordered:
        path = write_table(table, out_dir, file_format)
        rows = len(table)
        summary.files[path.name] = rows
        if SCHEMA.has_node(table.name):
            summary.node_rows += rows
        else:
            summary.relationship_rows += rows
        say(f"wrote {path.name} ({rows} rows)")
    summary.entities = summary.node_rows + summary.relationship_rows
