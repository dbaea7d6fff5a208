"""Consented e-mail recipients of the audiences reachable on email by consent.

Addresses live on the reserved example.com / example.org domains only (RFC 2606), so a
twin can never mail a real person even through a misconfigured adapter.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

import numpy as np

from .catalog import FIRST_NAMES, HISTORY_END, LAST_NAMES, language
from .entities import Audiences, Channels, Markets, Pairs
from .streams import stream, times

OPT_OUT_SHARE = 0.03
SECOND_MEMBERSHIP_SHARE = 0.25
CONSENT_FROM = date(2022, 1, 1)


@dataclass
class Contacts:
    uid: list[str]
    name: list[str]
    email: list[str]
    market: np.ndarray
    audience: np.ndarray  # primary audience index
    second: np.ndarray  # second audience index, -1 for none
    consented_at: list[str]
    opted_out_at: list[str | None]


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "")


def build_contacts(
    count: int, audiences: Audiences, pairs: Pairs, channels: Channels, markets: Markets, seed: int
) -> Contacts:
    rng = stream(seed, "contacts")
    email = channels.index("ch-email")
    eligible = (pairs.channel == email) & (pairs.basis == "consent")
    aud = pairs.audience[eligible]
    reach = pairs.reach[eligible].astype(np.float64)
    if count == 0 or len(aud) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Contacts([], [], [], empty, empty, empty, [], [])
    counts = rng.multinomial(count, reach / reach.sum())
    counts = np.minimum(counts, pairs.reach[eligible])  # never more members than reachable
    primary = rng.permutation(np.repeat(aud, counts))
    n = len(primary)
    market = audiences.market[primary]
    # a quarter also belong to another email audience of their market
    second = np.full(n, -1, dtype=np.int64)
    wants = rng.random(n) < SECOND_MEMBERSHIP_SHARE
    for m in range(len(markets.specs)):
        pool = aud[audiences.market[aud] == m]
        rows = np.nonzero(wants & (market == m))[0]
        if len(pool) < 2 or len(rows) == 0:
            continue
        pick = pool[rng.integers(0, len(pool), len(rows))]
        second[rows] = np.where(pick != primary[rows], pick, -1)
    first_i = rng.integers(0, 16, n)
    last_i = rng.integers(0, 16, n)
    width = max(6, len(str(n)))
    uids, names, emails = [], [], []
    langs = [language(s.locale) for s in markets.specs]
    domains = [s.email_domain for s in markets.specs]
    for i, (m, f, la) in enumerate(
        zip(market.tolist(), first_i.tolist(), last_i.tolist(), strict=True)
    ):
        lang = langs[m]
        first, last = FIRST_NAMES[lang][f], LAST_NAMES[lang][la]
        uids.append(f"ctc-{i + 1:0{width}d}")
        names.append(f"{first} {last}")
        emails.append(f"{_fold(first)}.{_fold(last)}.{i + 1}@{domains[m]}")
    span = (HISTORY_END - CONSENT_FROM).days - 14
    consent_day = rng.integers(0, span, n)
    consented = times(CONSENT_FROM, consent_day, rng.integers(0, 86_400, n))
    out_day = consent_day + np.floor(rng.random(n) * (span + 14 - consent_day)).astype(np.int64)
    opted = times(CONSENT_FROM, out_day + 1, rng.integers(0, 86_400, n))  # after the consent
    out = rng.random(n) < OPT_OUT_SHARE
    out[-1] |= not out.any()  # even the smallest twin has an opt-out to respect
    return Contacts(
        uids,
        names,
        emails,
        market,
        primary,
        second,
        consented,
        [o if flag else None for o, flag in zip(opted, out.tolist(), strict=True)],
    )
