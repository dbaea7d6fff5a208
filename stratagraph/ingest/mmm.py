"""The wide media-mix format: one row per period (and geo), spend columns per channel.

A row becomes one `outcome` KPIObservation (the KPI and the controls of that period, OF the
dataset's Market) and one `media` KPIObservation per channel (spend and impressions, OF the
Channel), all IN_MARKET the dataset's Market. Channels and the Market are created as needed.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from stratagraph.errors import InputProblem, UsageError
from stratagraph.graph_schema import SCHEMA

from .plan import Table, node_table, rel_tables
from .readers import Records, SourceFile

_SPEND_SUFFIX = re.compile(r"(?i)[_\s-]*(spend|cost|investment)$")
_SLUG = re.compile(r"[^A-Za-z0-9_.\-]+")


@dataclass(frozen=True)
class MMMOptions:
    date_col: str
    spend_cols: tuple[str, ...]
    outcome_col: str
    geo_col: str | None = None
    impression_cols: tuple[str, ...] = ()
    outcome_kind: str = "conversions"  # or "revenue"
    revenue_col: str | None = None
    revenue_per_outcome_col: str | None = None
    control_cols: tuple[str, ...] = ()
    channel_names: tuple[str, ...] = ()
    market: str | None = None
    currency: str = "USD"
    timezone: str = "UTC"
    locale: str = "en-US"
    channel_kind: str = "other"
    period_days: int | None = None
    ignore_cols: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        """Stable text of the options: part of the batch identity."""
        return repr(sorted((k, v) for k, v in self.__dict__.items()))


def channel_name(spend_col: str) -> str:
    return _SPEND_SUFFIX.sub("", spend_col) or spend_col


def _slug(value: str) -> str:
    return _SLUG.sub("-", value.strip()).strip("-") or "x"


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    result = float(value)
    if not math.isfinite(result):
        raise ValueError("not a finite number")
    return result


def _check_columns(source: SourceFile, opts: MMMOptions) -> None:
    if opts.outcome_kind not in ("conversions", "revenue"):
        raise UsageError("--outcome-kind must be conversions or revenue")
    if opts.impression_cols and len(opts.impression_cols) != len(opts.spend_cols):
        raise UsageError("--impression-cols must name one column per spend column, in order")
    if opts.channel_names and len(opts.channel_names) != len(opts.spend_cols):
        raise UsageError("--channel-names must name one channel per spend column, in order")
    needed = [
        opts.date_col,
        opts.outcome_col,
        *opts.spend_cols,
        *opts.impression_cols,
        *opts.control_cols,
    ]
    needed += [c for c in (opts.geo_col, opts.revenue_col, opts.revenue_per_outcome_col) if c]
    for col in needed:
        if col not in source.columns:
            source.problems.append(
                InputProblem(
                    source.name,
                    None,
                    col,
                    f"column not in the file (columns: {', '.join(source.columns)})",
                )
            )


def unused_columns(source: SourceFile, opts: MMMOptions) -> list[str]:
    used = {
        opts.date_col,
        opts.outcome_col,
        opts.geo_col,
        opts.revenue_col,
        opts.revenue_per_outcome_col,
        *opts.spend_cols,
        *opts.impression_cols,
        *opts.control_cols,
        *opts.ignore_cols,
        "",
    }
    return [c for c in source.columns if c not in used]


def _infer_period_days(dates: Sequence[date]) -> int:
    distinct = sorted(set(dates))
    if len(distinct) < 2:
        return 7
    gaps = [(b - a).days for a, b in itertools.pairwise(distinct)]
    return max(1, int(statistics.median(gaps)))


def mmm_tables(
    source: SourceFile, opts: MMMOptions, problems: list[InputProblem], max_field_length: int
) -> list[Table]:
    _check_columns(source, opts)
    if any(p.row is None for p in source.problems):
        return []
    market = opts.market or _slug(source.path.stem)
    names = opts.channel_names or tuple(channel_name(c) for c in opts.spend_cols)
    channels = [_slug(n) for n in names]

    parsed: list[tuple[int, date, str, dict[str, float | None]]] = []
    seen: dict[tuple[str, date], int] = {}
    numeric_cols = [opts.outcome_col, *opts.spend_cols, *opts.impression_cols, *opts.control_cols]
    numeric_cols += [c for c in (opts.revenue_col, opts.revenue_per_outcome_col) if c]
    for number, values_in in source.records:
        row_problems: list[InputProblem] = []
        raw_date = values_in.get(opts.date_col)
        try:
            day = date.fromisoformat(str(raw_date).strip()[:10])
        except ValueError:
            row_problems.append(
                InputProblem(
                    source.name,
                    number,
                    opts.date_col,
                    f"{raw_date!r} is not a date (YYYY-MM-DD)",
                )
            )
            day = date.min
        geo = str(values_in.get(opts.geo_col, "")).strip() if opts.geo_col else ""
        if opts.geo_col and not geo:
            row_problems.append(
                InputProblem(source.name, number, opts.geo_col, "required value is missing")
            )
        values: dict[str, float | None] = {}
        for col in numeric_cols:
            try:
                values[col] = _number(values_in.get(col))
            except (TypeError, ValueError):
                row_problems.append(
                    InputProblem(
                        source.name, number, col, f"{values_in.get(col)!r} is not a number"
                    )
                )
        for col in (opts.outcome_col, *opts.spend_cols):
            if col in values and values[col] is None:
                row_problems.append(
                    InputProblem(source.name, number, col, "required value is missing")
                )
        key = (geo, day)
        if not row_problems and key in seen:
            row_problems.append(
                InputProblem(
                    source.name,
                    number,
                    opts.date_col,
                    f"a second row for {geo + ' ' if geo else ''}{day} (first at row {seen[key]})",
                )
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        seen[key] = number
        parsed.append((number, day, geo, values))

    period = timedelta(days=(opts.period_days or _infer_period_days([p[1] for p in parsed])) - 1)
    # numbered 0: built from the options, not from a row
    market_rec = Records(
        [
            {
                "uid": market,
                "code": market,
                "name": market,
                "currency": opts.currency,
                "locale": opts.locale,
                "timezone": opts.timezone,
            }
        ],
        [0],
    )
    channel_recs = Records(
        [
            {"uid": c, "name": n, "kind": opts.channel_kind}
            for c, n in zip(channels, names, strict=True)
        ],
        [0] * len(channels),
    )
    observations, of_rels, in_market = Records(), Records(), Records()
    for number, day, geo, values in parsed:
        stem = f"{market}:{_slug(geo)}:{day.isoformat()}" if geo else f"{market}:{day.isoformat()}"
        common = {"period_start": day.isoformat(), "period_end": (day + period).isoformat()}
        if geo:
            common["geo"] = geo
        outcome = values[opts.outcome_col]
        out: dict[str, Any] = {"uid": f"{stem}:outcome", "kind": "outcome", **common}
        out[opts.outcome_kind] = outcome
        if opts.revenue_col:
            out["revenue"] = values[opts.revenue_col]
        elif opts.revenue_per_outcome_col and outcome is not None:
            rpo = values[opts.revenue_per_outcome_col]
            out["revenue"] = None if rpo is None else outcome * rpo
        if opts.control_cols:
            out["controls"] = {c: values[c] for c in opts.control_cols}
        observations.append(number, out)
        of_rels.append(number, {"from": out["uid"], "to": market, "to_label": "Market"})
        in_market.append(number, {"from": out["uid"], "to": market, "from_label": "KPIObservation"})
        for i, (channel, col) in enumerate(zip(channels, opts.spend_cols, strict=True)):
            media: dict[str, Any] = {
                "uid": f"{stem}:{channel}",
                "kind": "media",
                **common,
                "spend": values[col],
            }
            if opts.impression_cols:
                media["impressions"] = values[opts.impression_cols[i]]
            observations.append(number, media)
            of_rels.append(number, {"from": media["uid"], "to": channel, "to_label": "Channel"})
            in_market.append(
                number, {"from": media["uid"], "to": market, "from_label": "KPIObservation"}
            )

    # the dataset's market and channels may already be described better by other inputs
    defaults = [
        node_table(source, SCHEMA.node("Market"), market_rec, problems, max_field_length),
        node_table(source, SCHEMA.node("Channel"), channel_recs, problems, max_field_length),
    ]
    for table in defaults:
        table.create_only = True
    tables = [
        *defaults,
        node_table(source, SCHEMA.node("KPIObservation"), observations, problems, max_field_length),
    ]
    tables += rel_tables(source, SCHEMA.rel("OF"), of_rels, problems, max_field_length)
    tables += rel_tables(source, SCHEMA.rel("IN_MARKET"), in_market, problems, max_field_length)
    return tables
