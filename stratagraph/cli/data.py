"""Data commands: ingest, sample, stats, db."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from stratagraph.analyst import graph_stats
from stratagraph.ingest.mmm import MMMOptions
from stratagraph.ingest.service import IngestTuning, ingest
from stratagraph.ingest.writer import IngestReport
from stratagraph.store.factory import embedded_server_for

from .common import JsonOpt, StoreOpt, err, opened, out, print_json, settings_for

db_app = typer.Typer(help="Manage the embedded FalkorDB server.", no_args_is_help=True)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip()) if value else ()


def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files to load (CSV, JSON lines, Parquet).")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="csv, jsonl, parquet or mmm; default from the extension."),
    ] = None,
    type_name: Annotated[
        str | None,
        typer.Option("--type", help="Node label or relationship type; default from the file name."),
    ] = None,
    quarantine: Annotated[
        Path | None,
        typer.Option(
            help="Load the good rows and write each bad row with its reasons to this JSON-lines "
            "file, instead of refusing the whole input."
        ),
    ] = None,
    date_col: Annotated[str | None, typer.Option(help="mmm: the period (date) column.")] = None,
    spend_cols: Annotated[
        str | None, typer.Option(help="mmm: spend columns, comma separated; one channel each.")
    ] = None,
    outcome_col: Annotated[str | None, typer.Option(help="mmm: the KPI column.")] = None,
    outcome_kind: Annotated[
        str, typer.Option(help="mmm: the KPI is conversions or revenue.")
    ] = "conversions",
    geo_col: Annotated[str | None, typer.Option(help="mmm: the geo column, if any.")] = None,
    impression_cols: Annotated[
        str | None, typer.Option(help="mmm: impression columns, in the order of --spend-cols.")
    ] = None,
    revenue_col: Annotated[str | None, typer.Option(help="mmm: a revenue column.")] = None,
    revenue_per_outcome_col: Annotated[
        str | None, typer.Option(help="mmm: revenue per KPI unit column (revenue = KPI x this).")
    ] = None,
    control_cols: Annotated[
        str | None,
        typer.Option(help="mmm: control variables (events, trend, price...), comma separated."),
    ] = None,
    channel_names: Annotated[
        str | None,
        typer.Option(
            help="mmm: channel uids in the order of --spend-cols; default from the column "
            "names without a _spend suffix."
        ),
    ] = None,
    market: Annotated[
        str | None, typer.Option(help="mmm: the dataset's Market code; default from the file name.")
    ] = None,
    currency: Annotated[str, typer.Option(help="mmm: currency of a new Market.")] = "USD",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Load files into the graph, with lineage to one IngestBatch per file.

    Everything is validated first; with any problem nothing is written (exit 2) unless
    --quarantine is given. Re-ingesting the same file changes nothing.
    """
    mmm = None
    if fmt == "mmm":
        if not (date_col and spend_cols and outcome_col):
            raise typer.BadParameter(
                "--format mmm needs --date-col, --spend-cols and --outcome-col"
            )
        mmm = MMMOptions(
            date_col=date_col,
            spend_cols=_split(spend_cols),
            outcome_col=outcome_col,
            outcome_kind=outcome_kind,
            geo_col=geo_col,
            impression_cols=_split(impression_cols),
            revenue_col=revenue_col,
            revenue_per_outcome_col=revenue_per_outcome_col,
            control_cols=_split(control_cols),
            channel_names=_split(channel_names),
            market=market,
            currency=currency,
        )
    console = err()
    with (
        opened(store) as (graph, settings),
        Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as bar,
    ):
        task = bar.add_task("writing", total=None)
        report = ingest(
            graph,
            paths,
            fmt=fmt,
            type_name=type_name,
            mmm=mmm,
            quarantine=quarantine,
            tuning=IngestTuning.from_settings(settings),
            notify=lambda m: console.print(f"[dim]{m}[/]"),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    _print_report(report, as_json)


def _print_report(report: IngestReport, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "entities_written": report.entities_written,
                "seconds": round(report.seconds, 3),
                "write_seconds": round(report.write_seconds, 3),
                "entities_per_second": round(report.entities_per_second),
                "rows_rejected": report.rows_rejected,
                "quarantine": report.quarantine,
                "sources": [s.__dict__ for s in report.sources],
            }
        )
        return
    console = out()
    for s in report.sources:
        console.print(
            f"{s.source}: {s.rows_read} rows read, {s.rows_rejected} rejected, "
            f"{s.nodes_written} nodes and {s.relationships_written} relationships written "
            f"({s.type_name}, batch {s.batch})"
        )
    console.print(
        f"[bold]{report.entities_written}[/] entities in {report.seconds:.2f} s "
        f"({report.entities_per_second:,.0f}/s; writing took {report.write_seconds:.2f} s)"
    )
    if report.quarantine:
        console.print(f"{report.rows_rejected} bad rows set aside in {report.quarantine}")


def sample_command(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the files into.")],
    scale: Annotated[
        str, typer.Option(help="small, medium, large or a number of entities.")
    ] = "small",
    seed: Annotated[int, typer.Option(help="Same seed, same files.")] = 7,
    file_format: Annotated[str, typer.Option("--format", help="csv, jsonl or parquet.")] = "csv",
) -> None:
    """Write a synthetic brand (markets, audiences, channels, assets, two years of KPIs)."""
    from stratagraph.sample import generate_twin

    size: str | int = int(scale) if scale.isdigit() else scale
    console = err()
    summary = generate_twin(
        out_dir,
        scale=size,
        seed=seed,
        file_format=file_format,
        progress=lambda m: console.print(f"[dim]{m}[/]"),
    )
    out().print(
        f"wrote {summary.entities:,} entities ({summary.node_rows:,} nodes, "
        f"{summary.relationship_rows:,} relationships) in {len(summary.files)} files to "
        f"{out_dir} in {summary.seconds:.1f} s; true curves in {out_dir / 'ground_truth.json'}"
    )


def stats_command(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Count nodes per label and relationships per type."""
    with opened(store) as (graph, _):
        stats = graph_stats(graph)
    if as_json:
        print_json(stats.as_dict())
        return
    from rich.table import Table

    table = Table(title=f"{stats.nodes:,} nodes, {stats.edges:,} relationships")
    table.add_column("kind")
    table.add_column("type")
    table.add_column("count", justify="right")
    for label, count in stats.labels.items():
        table.add_row("node", label, f"{count:,}")
    for rel, count in stats.relationships.items():
        table.add_row("relationship", rel, f"{count:,}")
    out().print(table)


@db_app.command("stop")
def db_stop(store: StoreOpt = None) -> None:
    """Stop the embedded server of the store, whoever is using it."""
    server = embedded_server_for(settings_for(store))
    stopped = server.stop()
    out().print(
        f"stopped the server for {server.data_dir}"
        if stopped
        else f"no server was running for {server.data_dir}"
    )


@db_app.command("status")
def db_status(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Say whether the embedded server of the store runs, and where."""
    status = embedded_server_for(settings_for(store)).status()
    if as_json:
        print_json(
            {
                "data_dir": str(status.data_dir),
                "running": status.running,
                "pid": status.pid,
                "socket": str(status.socket),
            }
        )
        return
    state = f"running (pid {status.pid}, socket {status.socket})" if status.running else "stopped"
    out().print(f"{status.data_dir}: {state}")


def schema_command(
    fmt: Annotated[str, typer.Option("--format", help="markdown or json.")] = "markdown",
) -> None:
    """Print the graph schema: every node and relationship type with its columns."""
    from stratagraph.graph_schema import SCHEMA
    from stratagraph.graph_schema.reference import markdown

    if fmt == "json":
        print_json(
            {
                "nodes": {n.label: [p.__dict__ for p in n.all_props()] for n in SCHEMA.nodes},
                "relationships": {
                    r.type: {"endpoints": r.endpoints, "props": [p.__dict__ for p in r.props]}
                    for r in SCHEMA.rels
                },
            }
        )
    elif fmt == "markdown":
        typer.echo(markdown(SCHEMA), nl=False)
    else:
        raise typer.BadParameter("use markdown or json", param_hint="--format")
