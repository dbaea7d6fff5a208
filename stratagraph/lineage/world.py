"""A graph with lineage all the way through, for tests, benchmarks and demos: the sample
twin ingested, one goal's strategies proposed by the copilot, the best conforming one
approved through governance and executed on the simulator, so KPI observations exist that
lead back to the data sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from stratagraph import cypher
from stratagraph.settings import Settings
from stratagraph.store import GraphStore


@dataclass(frozen=True)
class World:
    goal: str
    strategy: str  # the executed strategy
    options: tuple[str, ...]  # every proposed option, best first
    run: str
    kpi: str  # a realised KPI observation (measured by an action of the run)
    source: str  # the DataSource of the KPI observations the strategy was derived from


def build_world(
    store: GraphStore,
    settings: Settings,
    twin: Path,
    *,
    goal: str = "goal-de-q4",
    weeks: int = 2,
    ingest_twin: bool = True,
) -> World:
    """Ingest the twin at `twin` (made by `stratagraph.sample.generate_twin`), propose for
    `goal` over its first `weeks` weeks, approve and execute the best option."""
    from stratagraph.execution import execute_on_simulator
    from stratagraph.governance import demo_approve
    from stratagraph.ingest.service import IngestTuning, ingest
    from stratagraph.reasoning.goals import load_goal
    from stratagraph.reasoning.models import ModelRegistry
    from stratagraph.reasoning.propose import ProposeRequest, propose

    if ingest_twin:
        ingest(store, sorted(twin.glob("*.csv")), tuning=IngestTuning.from_settings(settings))
    start = load_goal(store, goal).window_start
    end = start + timedelta(days=7 * weeks - 1)
    proposal = propose(
        store,
        ProposeRequest(
            goal=goal,
            scenarios=(f"window={start.isoformat()}..{end.isoformat()}",),
            maker="demo-planner",
        ),
        ModelRegistry(seed=0),
    )
    options = tuple(w.uid for w in proposal.written)
    outcome = demo_approve(store, list(options))
    if outcome.chosen is None or outcome.state is None or not outcome.state.may_execute:
        raise RuntimeError(f"no option of {goal} could be approved: {outcome.as_dict()}")
    report = execute_on_simulator(
        store, settings, outcome.chosen, truth=str(twin / "ground_truth.json")
    )
    kpi = store.read(cypher.load("api/realised_kpi"))[0]["uid"]
    source = store.read(cypher.load("lineage/evidence_sources"), {"strategy": outcome.chosen})[0][
        "uid"
    ]
    return World(
        goal=goal,
        strategy=outcome.chosen,
        options=options,
        run=report.run,
        kpi=str(kpi),
        source=str(source),
    )
