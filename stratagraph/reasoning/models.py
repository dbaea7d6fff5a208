"""Fitted response models per market and channel, reused while their data is unchanged.

Fitting is deterministic for a seed, so models keyed by a fingerprint of the data they saw
are safe to reuse: new observations change the fingerprint and the next request refits.
A registry is owned by whoever serves requests (a CLI call, the API server) and passed in.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from stratagraph import cypher
from stratagraph.reasoning.history import CampaignHistory, load_campaign_history
from stratagraph.reasoning.pair_model import ChannelFit, fit_channel
from stratagraph.store import GraphStore


def fingerprint(history: CampaignHistory, channel: str) -> str:
    digest = hashlib.sha256()
    for pair in history.channel_pairs(channel):
        digest.update(pair.audience.encode())
        digest.update(np.ascontiguousarray(pair.spend).tobytes())
        digest.update(np.ascontiguousarray(pair.conversions).tobytes())
    digest.update(np.ascontiguousarray(history.weeks.astype("int64")).tobytes())
    return digest.hexdigest()[:24]


@dataclass(frozen=True)
class MarketModels:
    market: str
    fits: dict[str, ChannelFit]
    fit_seconds: float  # spent fitting in this call (0 when every model was reused)


@dataclass
class ModelRegistry:
    draws: int = 300
    seed: int = 0
    _fits: dict[tuple[str, str, str], ChannelFit] = field(default_factory=dict)
    _history: tuple[tuple[object, ...], CampaignHistory] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def history(self, store: GraphStore) -> CampaignHistory:
        """Every market's campaign history, reread only when a cheap summary of it changed
        (a new observation, or an ingest batch that may have rewritten some)."""
        row = store.read(cypher.load("reasoning/history_fingerprint"))[0]
        key = (store.url, row["observations"], row["batches"], row["last_batch"])
        with self._lock:
            if self._history is not None and self._history[0] == key:
                return self._history[1]
        loaded = load_campaign_history(store)
        with self._lock:
            self._history = (key, loaded)
        return loaded

    def for_market(
        self, history: CampaignHistory, market: str, channels: list[str]
    ) -> MarketModels:
        fitted = 0.0
        fits: dict[str, ChannelFit] = {}
        for channel in sorted(set(channels)):
            if not history.channel_pairs(channel):
                continue  # no history: forecasts fall back on nothing, risk says so
            key = (market, channel, fingerprint(history, channel))
            with self._lock:
                fit = self._fits.get(key)
            if fit is None:
                t0 = time.perf_counter()
                fit = fit_channel(channel, history, draws=self.draws, seed=self.seed)
                fitted += time.perf_counter() - t0
                with self._lock:
                    self._fits[key] = fit
            fits[channel] = fit
        return MarketModels(market, fits, fitted)
