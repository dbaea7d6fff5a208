"""For `stratagraph demo`: run the approved strategy on the simulator, report realised
against forecast."""

from __future__ import annotations

from collections.abc import Callable

from stratagraph.settings import Settings
from stratagraph.store import GraphStore

from .executor import Executor, Progress
from .measurement import RunReport, run_report


def execute_on_simulator(
    store: GraphStore,
    settings: Settings,
    strategy: str,
    *,
    truth: str | None = None,
    seed: int = 7,
    progress: Callable[[Progress], None] | None = None,
) -> RunReport:
    """Execute an approved strategy on the simulated clock with the simulator channel (the
    sample twin's true curves from `truth`, its ground_truth.json), and return the run's
    report: `report.realised_vs_forecast()`, `report.drift_flags`, `report.as_dict()`."""
    if truth is not None:
        settings = settings.model_copy(update={"simulator_truth": truth})
    executor = Executor(store, settings, actor="demo-executor", progress=progress)
    outcome = executor.execute(strategy, clock_mode="simulated", seed=seed)
    return run_report(store, outcome.run)
