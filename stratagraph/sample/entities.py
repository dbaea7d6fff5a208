"""The brand's world without history: markets, channels, audiences, signals, reach, assets.

Each builder returns plain arrays (used by the history and the goals) and leaves turning
them into ingest tables to `tables_of`, since some node properties (a market's spend cap,
an audience's pii_free) are only known once the history and the contacts exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .catalog import (
    ASSET_FITS,
    ASSET_FORMATS,
    BODIES,
    BRAND,
    CHANNELS,
    GOAL_END,
    GOAL_START,
    HISTORY_END,
    MARKETS,
    QUALIFIERS,
    SEGMENTS,
    SUBJECTS,
    THEME_WORDS,
    THEMES,
    ChannelSpec,
    MarketSpec,
    language,
)
from .curves import round_sig
from .scales import ScalePlan
from .streams import mean_one_lognormal, stream, times

MEDIAN_AUDIENCE = 400_000  # people, for a market of weight 1
SIGNAL_KINDS = ("intent", "affinity", "churn", "engagement", "lifecycle", "price")
NONE_BASIS_SHARE = 0.05  # reachable pairs with no legal basis: governance must refuse them
ASSET_MIX = {"copy": 0.35, "image": 0.3, "video": 0.15, "email_template": 0.15, "audio": 0.05}


@dataclass
class Markets:
    specs: list[MarketSpec]
    uids: list[str]
    revenue_per_conversion: np.ndarray  # local currency, jittered per seed
    spend_cap: np.ndarray = field(default_factory=lambda: np.zeros(0))  # set from the history


@dataclass
class Channels:
    specs: list[ChannelSpec]
    beta: np.ndarray
    half_saturation: np.ndarray  # USD of weekly adstock
    decay: np.ndarray

    def index(self, uid: str) -> int:
        return next(i for i, c in enumerate(self.specs) if c.uid == uid)

    def of_kind(self, kinds: tuple[str, ...]) -> list[int]:
        return [i for i, c in enumerate(self.specs) if c.kind in kinds]


@dataclass
class Audiences:
    uid: list[str]
    market: np.ndarray
    size: np.ndarray
    segment: np.ndarray
    name: list[str]
    pii_free: np.ndarray
    test_cell: np.ndarray  # tiny new segments: no history, below the usual minimum size


@dataclass
class Pairs:
    """Reachable (audience, channel) pairs and their legal basis."""

    audience: np.ndarray
    channel: np.ndarray
    basis: np.ndarray  # of str
    reach: np.ndarray
    consented_at: list[str | None]
    valid_until: list[str | None]


@dataclass
class Assets:
    uid: list[str] = field(default_factory=list)
    market: list[int] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    approved: list[bool] = field(default_factory=list)
    expires: list[date] = field(default_factory=list)
    themes: list[list[str]] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    subject: list[str | None] = field(default_factory=list)
    body: list[str | None] = field(default_factory=list)
    variant_of: dict[int, int] = field(default_factory=dict)  # asset index -> its base


def build_markets(plan: ScalePlan, seed: int) -> Markets:
    rng = stream(seed, "markets")
    specs = list(MARKETS[: plan.markets])
    rpc = [
        round_sig(m.revenue_per_conversion * float(j), 4)
        for m, j in zip(specs, mean_one_lognormal(rng, 0.05, len(specs)), strict=True)
    ]
    return Markets(specs, [f"mkt-{m.code.lower()}" for m in specs], np.array(rpc))


def build_channels(plan: ScalePlan, seed: int) -> Channels:
    rng = stream(seed, "channels")
    specs = list(CHANNELS[: plan.channels])
    n = len(specs)
    # jitter so each seed has its own truth, while channels keep their character
    beta = np.array([c.beta for c in specs]) * mean_one_lognormal(rng, 0.1, n)
    half = np.array([c.half_saturation for c in specs]) * mean_one_lognormal(rng, 0.1, n)
    decay = np.clip(np.array([c.decay for c in specs]) + rng.normal(0, 0.03, n), 0.02, 0.9)
    rounded = [np.array([round_sig(float(v), 4) for v in a]) for a in (beta, half, decay)]
    return Channels(specs, *rounded)


def build_audiences(plan: ScalePlan, markets: Markets, seed: int) -> Audiences:
    rng = stream(seed, "audiences")
    per = plan.audiences_per_market
    width = max(3, len(str(per)))
    uids, names, market_idx, segments = [], [], [], []
    for m, spec in enumerate(markets.specs):
        order = rng.permutation(len(SEGMENTS))  # each market leads with other segments
        for i in range(per):
            seg = int(order[i % len(SEGMENTS)])
            qual = QUALIFIERS[(i // len(SEGMENTS)) % len(QUALIFIERS)]
            cycle = i // (len(SEGMENTS) * len(QUALIFIERS))
            label = (
                SEGMENTS[seg][0]
                + (f" {qual}" if qual else "")
                + (f" #{cycle + 1}" if cycle else "")
            )
            uids.append(f"aud-{spec.code.lower()}-{i + 1:0{width}d}")
            names.append(f"{spec.code} · {label}")
            market_idx.append(m)
            segments.append(seg)
    market = np.array(market_idx)
    weight = np.array([markets.specs[m].weight for m in market])
    size = np.maximum(2_000, MEDIAN_AUDIENCE * weight * np.exp(rng.normal(0, 1.0, len(uids))))
    size = size.astype(np.int64)
    # one tiny, new test cell, under the usual 1000-people minimum, for governance to refuse
    test_cell = np.zeros(len(uids), dtype=bool)
    test_cell[per - 1] = True
    size[test_cell] = rng.integers(400, 900, int(test_cell.sum()))
    names[per - 1] += " (test cell)"
    return Audiences(
        uids, market, size, np.array(segments), names, np.ones(len(uids), dtype=bool), test_cell
    )


def build_signals(plan: ScalePlan, audiences: Audiences, seed: int) -> dict[str, list[object]]:
    """Signals lean to the themes of the audience's segment: the same words as asset themes."""
    rng = stream(seed, "signals")
    lo, hi = plan.signals
    counts = rng.integers(lo, hi + 1, len(audiences.uid))
    out: dict[str, list[object]] = {k: [] for k in ("uid", "kind", "topic", "strength", "audience")}
    for a, count in enumerate(counts.tolist()):
        leaning = SEGMENTS[int(audiences.segment[a])][1]
        others = [t for t in THEMES if t not in leaning]
        picks = list(leaning) + [others[i] for i in rng.permutation(len(others))]
        for k in range(count):
            strong = k < len(leaning)
            out["uid"].append(f"sig-{audiences.uid[a].removeprefix('aud-')}-{k + 1}")
            out["kind"].append(SIGNAL_KINDS[int(rng.integers(len(SIGNAL_KINDS)))])
            out["topic"].append(picks[k])
            out["strength"].append(round(float(rng.beta(5, 2) if strong else rng.beta(2, 4)), 3))
            out["audience"].append(audiences.uid[a])
    n = len(out["uid"])
    out["observed_at"] = list(
        times(HISTORY_END - timedelta(days=90), rng.integers(0, 91, n), rng.integers(0, 86_400, n))
    )
    return out


def build_pairs(audiences: Audiences, channels: Channels, seed: int) -> Pairs:
    rng = stream(seed, "reach")
    n_aud, n_ch = len(audiences.uid), len(channels.specs)
    reach_p = np.array([c.reach_probability for c in channels.specs])
    reachable = rng.random((n_aud, n_ch)) < reach_p[None, :]
    # an audience no channel reaches would be dead weight: fall back to email
    reachable[:, channels.index("ch-email")] |= ~reachable.any(axis=1)
    aud, ch = np.nonzero(reachable)
    basis = np.array([channels.specs[c].basis for c in ch], dtype=object)
    none = rng.random(len(aud)) < NONE_BASIS_SHARE
    if not none.any():  # even the smallest twin has a pair governance must refuse
        none[len(aud) - 1] = True
    basis[none] = "none"
    lo = np.array([channels.specs[c].coverage[0] for c in ch])
    hi = np.array([channels.specs[c].coverage[1] for c in ch])
    reach = np.floor(audiences.size[aud] * rng.uniform(lo, hi)).astype(np.int64)
    # consent was collected before the history started (2022-01 .. 2024-09)
    consent_days = rng.integers(0, (date(2024, 9, 30) - date(2022, 1, 1)).days, len(aud))
    consented = times(date(2022, 1, 1), consent_days, rng.integers(0, 86_400, len(aud)))
    # a few consents lapse inside the goal window: plans must notice
    lapse_days = rng.integers(0, (GOAL_END - GOAL_START).days, len(aud))
    lapses = times(GOAL_START, lapse_days, np.zeros(len(aud), dtype=np.int64))
    lapse = rng.random(len(aud)) < 0.08
    is_consent = basis == "consent"
    return Pairs(
        aud,
        ch,
        basis,
        reach,
        [c if ok else None for c, ok in zip(consented, is_consent, strict=True)],
        [v if ok and lp else None for v, ok, lp in zip(lapses, is_consent, lapse, strict=True)],
    )


def build_lift(audiences: Audiences, markets: Markets, channels: Channels, seed: int) -> np.ndarray:
    """Per (audience, channel) lift: lognormal around 1; larger audiences convert more."""
    rng = stream(seed, "lift")
    n_aud, n_ch = len(audiences.uid), len(channels.specs)
    # relative to the market's median, so lifts centre on 1 in every market
    median = MEDIAN_AUDIENCE * np.array([markets.specs[m].weight for m in audiences.market])
    size_term = (audiences.size / median) ** 0.3
    lift = np.clip(size_term[:, None] * mean_one_lognormal(rng, 0.3, (n_aud, n_ch)), 0.05, 6.0)
    rounded = [[round_sig(v, 4) for v in row] for row in lift.tolist()]
    return np.array(rounded, dtype=np.float64).reshape(n_aud, n_ch)


def build_assets(plan: ScalePlan, markets: Markets, channels: Channels, seed: int) -> Assets:
    rng = stream(seed, "assets")
    kinds_present = {c.kind for c in channels.specs}
    usable = [k for k, fits in ASSET_FITS.items() if set(fits) & kinds_present]
    p = np.array([ASSET_MIX[k] for k in usable])
    p /= p.sum()
    per = max(plan.assets_per_market, len(usable))
    width = max(4, len(str(per)))
    a = Assets()
    for m, spec in enumerate(markets.specs):
        first_of_market = len(a.uid)
        for i in range(per):
            guaranteed = i < len(usable)  # every channel has an approved, valid creative
            kind = usable[i] if guaranteed else usable[int(rng.choice(len(usable), p=p))]
            same_kind = [j for j in range(first_of_market, len(a.uid)) if a.kind[j] == kind]
            base = None
            if not guaranteed and same_kind and rng.random() < 0.2:
                base = same_kind[int(rng.integers(len(same_kind)))]
                a.variant_of[len(a.uid)] = base
            if base is not None:
                themes = list(a.themes[base])  # a variant keeps its base's message
            else:
                picks = rng.choice(len(THEMES), int(rng.integers(2, 5)), replace=False)
                themes = [THEMES[t] for t in picks]
            expired = not guaranteed and bool(rng.random() < 0.12)
            a.expires.append(
                HISTORY_END - timedelta(days=int(rng.integers(1, 200)))
                if expired
                else HISTORY_END + timedelta(days=int(rng.integers(300, 431)))
            )
            a.approved.append(guaranteed or bool(rng.random() < 0.9))
            subject, body = _creative_text(spec, kind, themes)
            variant = " (variant)" if base is not None else ""
            a.uid.append(f"ast-{spec.code.lower()}-{i + 1:0{width}d}")
            a.market.append(m)
            a.kind.append(kind)
            a.themes.append(themes)
            a.name.append(f"{spec.code} {kind.replace('_', ' ')} – {' / '.join(themes)}{variant}")
            a.subject.append(subject)
            a.body.append(body)
    # even the smallest twin has an expired and an unapproved creative to refuse
    free = [i for i in range(len(a.uid)) if i % per >= len(usable)]
    if free and all(a.expires[i] > HISTORY_END for i in free):
        a.expires[free[-1]] = HISTORY_END - timedelta(days=30)
    if len(free) > 1 and all(a.approved[i] for i in free):
        a.approved[free[-2]] = False
    return a


def _creative_text(spec: MarketSpec, kind: str, themes: list[str]) -> tuple[str | None, str | None]:
    """Subject and body in the market's language: email templates get both, copy a line."""
    lang = language(spec.locale)
    words = THEME_WORDS[lang]
    headline = SUBJECTS[lang].format(a=words[themes[0]], b=words[themes[1]], brand=BRAND)
    if kind == "email_template":
        return headline, BODIES[lang].format(a=words[themes[0]], b=words[themes[1]])
    return None, headline if kind == "copy" else None


def asset_formats(assets: Assets) -> list[str]:
    return [ASSET_FORMATS[k] for k in assets.kind]
