"""The copilot's entry point: propose K strategy options for a goal and write them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from stratagraph.errors import UsageError
from stratagraph.reasoning.goals import Goal, load_goal
from stratagraph.reasoning.models import ModelRegistry
from stratagraph.reasoning.plan import OBJECTIVES, PlannedOption, Planning, plan_options, prepare
from stratagraph.reasoning.scenarios import parse_scenarios
from stratagraph.reasoning.strategies import ContentHash, WrittenStrategy, write_option
from stratagraph.store import GraphStore

# the three every proposal has, then more on request
CORE_OBJECTIVES = ("max_outcome", "max_reach", "risk_averse")


@dataclass(frozen=True)
class ProposeRequest:
    goal: str
    options: int = 3
    scenarios: tuple[str, ...] = ()
    seed: int = 7
    maker: str = "copilot"
    write: bool = True


@dataclass
class Proposal:
    goal: Goal
    options: list[PlannedOption]
    written: list[WrittenStrategy] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fit_seconds: float = 0.0
    seconds: float = 0.0


def objectives_for(count: int) -> list[str]:
    if count < 1:
        raise UsageError("--options must be at least 1")
    names = list(CORE_OBJECTIVES) + [o for o in OBJECTIVES if o not in CORE_OBJECTIVES]
    if count > len(names):
        raise UsageError(f"at most {len(names)} options: {', '.join(names)}")
    return names[:count]


def default_content_hash(store: GraphStore, uid: str) -> str:
    from stratagraph.governance.hashing import content_hash

    return content_hash(store, uid)


def propose(
    store: GraphStore,
    request: ProposeRequest,
    registry: ModelRegistry,
    *,
    content_hash: ContentHash = default_content_hash,
) -> Proposal:
    started = time.perf_counter()
    goal = load_goal(store, request.goal)
    scenarios = parse_scenarios(list(request.scenarios))
    for scenario in scenarios:
        goal = scenario.apply(goal)
    planning: Planning = prepare(store, goal, registry, seed=request.seed)
    options = plan_options(store, planning, objectives_for(request.options), seed=request.seed)
    proposal = Proposal(
        goal, options, notes=planning.notes, fit_seconds=planning.models.fit_seconds
    )
    if request.write:
        label = ",".join(s.text for s in scenarios)
        for option in sorted(options, key=lambda o: o.rank):
            proposal.written.append(
                write_option(
                    store,
                    planning,
                    option,
                    maker=request.maker,
                    seed=request.seed,
                    scenario=label,
                    content_hash=content_hash,
                )
            )
    proposal.seconds = time.perf_counter() - started
    return proposal
