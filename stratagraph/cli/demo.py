"""`stratagraph demo`: the whole loop on the sample twin, on the embedded store."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from stratagraph.analyst import graph_stats, run_named
from stratagraph.ingest.service import IngestTuning, ingest

from .common import StoreOpt, err, opened, out, print_table


def demo_command(
    store: StoreOpt = None,
    scale: Annotated[str, typer.Option(help="Twin size: small, medium or large.")] = "small",
    seed: Annotated[int, typer.Option(help="Seed of the sample twin.")] = 7,
    keep: Annotated[Path | None, typer.Option(help="Keep the generated files here.")] = None,
) -> None:
    """Generate the sample twin, load it, and show what the graph holds."""
    from stratagraph.sample import generate_twin

    console, note = out(), err()
    with tempfile.TemporaryDirectory(prefix="stratagraph-demo-") as tmp:
        folder = keep or Path(tmp)
        note.print(f"[dim]1/2 generating the {scale} sample twin in {folder}[/]")
        summary = generate_twin(folder, scale=int(scale) if scale.isdigit() else scale, seed=seed)
        files = sorted(p for p in folder.iterdir() if p.suffix == ".csv")
        with opened(store) as (graph, settings):
            note.print(f"[dim]2/2 ingesting {summary.entities:,} entities into {graph.url}[/]")
            report = ingest(
                graph,
                files,
                tuning=IngestTuning.from_settings(settings),
            )
            console.print(
                f"ingested {report.entities_written:,} entities from {len(files)} files in "
                f"{report.seconds:.2f} s ({report.entities_per_second:,.0f}/s)"
            )
            stats = graph_stats(graph)
            console.print(
                f"\n[bold]the graph[/]: {stats.nodes:,} nodes, {stats.edges:,} relationships"
            )
            console.print("  " + ", ".join(f"{k} {v:,}" for k, v in stats.labels.items()))
            print_table(
                run_named(graph, "channel_performance", {"granularity": "total", "geo": "DE"}),
                title="two years of history per channel in DE (EUR)",
                columns=["channel", "kind", "spend", "conversions", "revenue", "roas", "cpa"],
            )
            print_table(
                run_named(graph, "audience_reach", {"market": "DE"}),
                title="audience reach in DE (first 8)",
                columns=["audience", "name", "channel", "basis", "reach", "share"],
                limit=8,
            )
    console.print(
        "\nnext: stratagraph stats | stratagraph query --list | "
        'stratagraph cypher "MATCH (a:Audience) RETURN a.uid, a.size LIMIT 5"'
    )
