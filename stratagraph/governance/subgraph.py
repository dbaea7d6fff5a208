"""One strategy's plan subgraph, read from the store in one statement.

Validation, the RDF projection and the content hash all work from this one read, so they
always see the same content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stratagraph import cypher
from stratagraph.errors import NotFound
from stratagraph.store import GraphStore

Props = dict[str, Any]
Pair = tuple[str, str]


def _unique(nodes: list[Props]) -> tuple[Props, ...]:
    by_uid = {str(n["uid"]): n for n in nodes if n and n.get("uid") is not None}
    return tuple(by_uid[k] for k in sorted(by_uid))


def _pairs(rows: list[list[Any]]) -> tuple[Pair, ...]:
    return tuple(sorted({(str(a), str(b)) for a, b, *_ in rows}))


@dataclass(frozen=True)
class StrategySubgraph:
    strategy: Props
    goals: tuple[Props, ...]
    markets: tuple[Props, ...]
    goal_markets: tuple[Pair, ...]
    items: tuple[Props, ...]
    targets: tuple[Pair, ...]
    ons: tuple[Pair, ...]
    uses: tuple[Pair, ...]
    depends: tuple[Pair, ...]
    audiences: tuple[Props, ...]
    audience_markets: tuple[Pair, ...]
    channels: tuple[Props, ...]
    assets: tuple[Props, ...]
    localized: tuple[Pair, ...]
    fits: tuple[Pair, ...]
    reachable: tuple[tuple[str, str, Props], ...]
    approvals: tuple[Props, ...]

    @property
    def uid(self) -> str:
        return str(self.strategy["uid"])

    @property
    def status(self) -> str:
        return str(self.strategy.get("status") or "draft")

    @property
    def market(self) -> Props | None:
        return self.markets[0] if self.markets else None

    @property
    def item_budget_total(self) -> float:
        return float(sum(float(i.get("budget") or 0.0) for i in self.items))

    @property
    def effective_spend(self) -> float:
        """The larger of the strategy's declared spend and the sum of its item budgets, so an
        understated `spend` can never lower the approval tier."""
        declared = self.strategy.get("spend")
        declared_value = float(declared) if isinstance(declared, int | float) else 0.0
        return max(declared_value, self.item_budget_total)

    @property
    def risk_score(self) -> float:
        value = self.strategy.get("risk_score")
        return float(value) if isinstance(value, int | float) else 0.0

    @property
    def makers(self) -> tuple[str, ...]:
        found = (self.strategy.get("maker"), self.strategy.get("submitted_by"))
        return tuple(dict.fromkeys(str(m) for m in found if m))


def fetch_subgraph(store: GraphStore, uid: str) -> StrategySubgraph:
    """Read the strategy and everything its plan points to; NotFound for an unknown uid.

    Three read statements (the plan with its links, the nodes it points to, the consent
    edges): one statement with everything was 3x slower on FalkorDB, which sends a node's
    properties once per item that points to it. The reads are not one snapshot; a plan
    edited between them yields a hash that matches neither version, so an approval made on
    it is void rather than wrong."""
    rows = store.read(cypher.load("governance/strategy_plan"), {"uid": uid})
    if not rows:
        raise NotFound(
            f"no strategy with uid {uid!r}. List strategies with "
            '`stratagraph cypher "MATCH (s:Strategy) RETURN s.uid, s.status"`.',
            details={"uid": uid},
        )
    r = rows[0]
    nodes = store.read(cypher.load("governance/strategy_nodes"), {"uid": uid})
    consent = store.read(cypher.load("governance/strategy_consent"), {"uid": uid})
    by_label: dict[str, list[Props]] = {"Audience": [], "Channel": [], "Asset": []}
    audience_markets: list[list[Any]] = []
    localized: list[list[Any]] = []
    fits: list[list[Any]] = []
    for row in nodes:
        props = dict(row["props"])
        by_label[row["label"]].append(props)
        if row["label"] == "Audience":
            audience_markets += [[props["uid"], m] for m in row["markets"]]
        elif row["label"] == "Asset":
            localized += [[props["uid"], m] for m in row["markets"]]
            fits += [[props["uid"], c] for c in row["channels"]]
    markets = {str(m["market"]["uid"]): m["market"] for m in r["goal_markets"] if m["market"]}
    return StrategySubgraph(
        strategy=dict(r["strategy"]),
        goals=_unique(r["goals"]),
        markets=tuple(markets[k] for k in sorted(markets)),
        goal_markets=tuple(
            sorted({(str(m["goal"]), str(m["market"]["uid"])) for m in r["goal_markets"]})
        ),
        items=_unique(r["items"]),
        targets=_pairs(r["targets"]),
        ons=_pairs(r["ons"]),
        uses=_pairs(r["uses"]),
        depends=_pairs(r["depends"]),
        audiences=_unique(by_label["Audience"]),
        audience_markets=_pairs(audience_markets),
        channels=_unique(by_label["Channel"]),
        assets=_unique(by_label["Asset"]),
        localized=_pairs(localized),
        fits=_pairs(fits),
        reachable=tuple(
            sorted(
                {
                    (str(c["audience"]), str(c["channel"])): (
                        str(c["audience"]),
                        str(c["channel"]),
                        dict(c["props"] or {}),
                    )
                    for c in consent
                }.values(),
                key=lambda t: (t[0], t[1]),
            )
        ),
        approvals=_unique(r["approvals"]),
    )
