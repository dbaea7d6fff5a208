"""`stratagraph demo`: the whole loop on the sample twin, on the embedded store."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from stratagraph.analyst import graph_stats, run_named
from stratagraph.cli.common import StoreOpt, err, opened, out, print_table
from stratagraph.ingest.service import IngestTuning, ingest
from stratagraph.settings import Settings
from stratagraph.store import GraphStore

DEMO_GOAL = "goal-de-q4"
MAKER = "demo-planner"


def demo_command(
    store: StoreOpt = None,
    scale: Annotated[str, typer.Option(help="Twin size: small, medium or large.")] = "small",
    seed: Annotated[int, typer.Option(help="Seed of the sample twin.")] = 7,
    goal: Annotated[str, typer.Option(help="The goal to plan for.")] = DEMO_GOAL,
    keep: Annotated[Path | None, typer.Option(help="Keep the generated files here.")] = None,
) -> None:
    """Generate the sample twin, load it, propose strategies for a goal, govern them."""
    from stratagraph.sample import generate_twin

    note = err()
    with tempfile.TemporaryDirectory(prefix="stratagraph-demo-") as tmp:
        folder = keep or Path(tmp)
        note.print(f"[dim]1/4 generating the {scale} sample twin in {folder}[/]")
        summary = generate_twin(folder, scale=int(scale) if scale.isdigit() else scale, seed=seed)
        with opened(store) as (graph, settings):
            note.print(f"[dim]2/4 ingesting {summary.entities:,} entities into {graph.url}[/]")
            _load(graph, settings, folder)
            note.print(f"[dim]3/4 proposing strategies for {goal} and governing them[/]")
            uids = _propose(graph, goal)
            approved = _govern(graph, uids)
            if approved is not None:
                note.print(f"[dim]4/4 executing {approved} on the simulator[/]")
                _execute(graph, settings, approved, folder / "ground_truth.json")
                _lineage(graph, settings)
    out().print(
        "\nnext: stratagraph stats | stratagraph query --list | stratagraph response-models | "
        f"stratagraph propose --goal {goal} --scenario budget=+20% | stratagraph audit log"
    )


def _load(graph: GraphStore, settings: Settings, folder: Path) -> None:
    console = out()
    files = sorted(p for p in folder.iterdir() if p.suffix == ".csv")
    report = ingest(graph, files, tuning=IngestTuning.from_settings(settings))
    console.print(
        f"ingested {report.entities_written:,} entities from {len(files)} files in "
        f"{report.seconds:.2f} s ({report.entities_per_second:,.0f}/s)"
    )
    stats = graph_stats(graph)
    console.print(f"\n[bold]the graph[/]: {stats.nodes:,} nodes, {stats.edges:,} relationships")
    console.print("  " + ", ".join(f"{k} {v:,}" for k, v in stats.labels.items()))
    print_table(
        run_named(graph, "channel_performance", {"granularity": "total", "geo": "DE"}),
        title="two years of history per channel in DE (EUR)",
        columns=["channel", "kind", "spend", "conversions", "revenue", "roas", "cpa"],
    )


def _propose(graph: GraphStore, goal: str) -> list[str]:
    from stratagraph.cli.copilot import print_proposal
    from stratagraph.reasoning.models import ModelRegistry
    from stratagraph.reasoning.propose import ProposeRequest, propose

    proposal = propose(graph, ProposeRequest(goal=goal, maker=MAKER), ModelRegistry(seed=0))
    print_proposal(proposal)
    return [w.uid for w in proposal.written]  # best rank first


def _govern(graph: GraphStore, uids: list[str]) -> str | None:
    from stratagraph.cli.governance import print_report, print_state
    from stratagraph.governance import DemoActors, demo_approve

    console = out()
    console.print(
        "\n[bold]governance[/]: validate every option, approve the best conforming "
        "one (maker demo-planner; approvers demo-finance, demo-brand)"
    )
    outcome = demo_approve(graph, uids, DemoActors(maker=MAKER))
    for report in outcome.reports.values():
        print_report(report)
    if outcome.state is not None:
        print_state(outcome.state)
    else:
        console.print("[red]no option conforms: nothing to approve[/]")
    if outcome.audit is not None:
        verdict = "intact" if outcome.audit.ok else "BROKEN"
        console.print(
            f"audit chain: {verdict} ({outcome.audit.as_dict().get('events', '?')} events)"
        )
    if outcome.state is not None and outcome.state.may_execute:
        return outcome.chosen
    return None


def _execute(graph: GraphStore, settings: Settings, strategy: str, truth: Path) -> None:
    from stratagraph.cli.execution import print_report
    from stratagraph.execution import execute_on_simulator

    report = execute_on_simulator(graph, settings, strategy, truth=str(truth))
    print_report(report)


def _lineage(graph: GraphStore, settings: Settings) -> None:
    from stratagraph.cli.api import print_demo_lineage

    out().print("\n[bold]lineage[/] of one realised KPI, back to the data behind it:")
    print_demo_lineage(graph, settings, out())
