"""Candidate tactics from one portable graph walk, each with the path that justifies it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from stratagraph import cypher
from stratagraph.graph_schema import MESSAGE_CHANNEL_KINDS
from stratagraph.reasoning.goals import Goal
from stratagraph.store import GraphStore

LAWFUL_BASES = ("consent", "legitimate_interest", "contract")
# direct messages need the person's consent (or a contract); ads may rest on legitimate interest
MESSAGE_BASES = ("consent", "contract")


@dataclass(frozen=True)
class Signal:
    uid: str
    kind: str
    topic: str
    strength: float


@dataclass
class Tactic:
    """An audience on a channel with a creative: one possible plan item."""

    audience: str
    audience_name: str
    audience_size: int
    channel: str
    channel_kind: str
    basis: str
    reach: int
    assets: list[tuple[str, tuple[str, ...], str]]  # (uid, themes, kind) that qualify
    path: list[str]  # goal, market, audience, channel uids (then the chosen asset)
    path_types: list[str]
    signals: list[Signal] = field(default_factory=list)
    asset: str = ""  # the chosen creative (see briefs.choose_asset)

    @property
    def key(self) -> tuple[str, str]:
        return (self.audience, self.channel)


def find_tactics(store: GraphStore, goal: Goal) -> list[Tactic]:
    """One walk per goal; several qualifying assets for a pair become one tactic."""
    rows = store.read(
        cypher.load("reasoning/candidate_tactics"),
        {
            "goal": goal.uid,
            "min_audience_size": goal.constraints.min_audience_size,
            "lawful_bases": list(LAWFUL_BASES),
            "message_kinds": list(MESSAGE_CHANNEL_KINDS),
            "message_bases": list(MESSAGE_BASES),
            "window_end": f"{goal.window_end.isoformat()}T23:59:59.999999Z",
            "excluded_channels": list(goal.constraints.excluded_channels),
        },
    )
    tactics: dict[tuple[str, str], Tactic] = {}
    for r in rows:
        key = (r["audience"], r["channel"])
        tactics[key] = Tactic(
            audience=r["audience"],
            audience_name=str(r["audience_name"] or r["audience"]),
            audience_size=int(r["audience_size"] or 0),
            channel=r["channel"],
            channel_kind=str(r["channel_kind"]),
            basis=str(r["basis"]),
            reach=int(r["reach"] or r["audience_size"] or 0),
            assets=[
                (uid, tuple(themes or ()), str(kind))
                for uid, kind, themes in zip(
                    r["assets"], r["asset_kinds"], r["asset_themes"], strict=True
                )
            ],
            path=list(r["path"]),
            path_types=list(r["path_types"]),
        )
    _attach_signals(store, list(tactics.values()))
    return sorted(tactics.values(), key=lambda t: t.key)


def _attach_signals(store: GraphStore, tactics: list[Tactic]) -> None:
    audiences = sorted({t.audience for t in tactics})
    if not audiences:
        return
    by_audience: dict[str, list[Signal]] = defaultdict(list)
    for r in store.read(cypher.load("reasoning/audience_signals"), {"audiences": audiences}):
        by_audience[r["audience"]].append(
            Signal(r["signal"], str(r["kind"]), str(r["topic"]), float(r["strength"]))
        )
    for t in tactics:
        t.signals = by_audience.get(t.audience, [])
