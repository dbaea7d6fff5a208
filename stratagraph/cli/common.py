"""What every command shares: the --store option, opening the store, consoles, output."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from stratagraph.analyst import ResultTable
from stratagraph.settings import Settings, get_settings
from stratagraph.store import GraphStore, open_store

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Store URL: falkordb+embedded://DIR (default ./.stratagraph), falkordb://host:port, "
        "bolt://host:port or neo4j://host:port. Overrides STRATAGRAPH_STORE.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def out() -> Console:
    # wide tables stay readable when piped (rich assumes 80 columns off a terminal)
    console = Console(soft_wrap=True)
    if not console.is_terminal:
        console = Console(soft_wrap=True, width=160)
    return console


def err() -> Console:
    return Console(stderr=True, soft_wrap=True)


def settings_for(store: str | None) -> Settings:
    return get_settings(store=store)


@contextlib.contextmanager
def opened(store: str | None) -> Iterator[tuple[GraphStore, Settings]]:
    settings = settings_for(store)
    graph = open_store(settings)
    try:
        yield graph, settings
    finally:
        graph.close()


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, default=str, ensure_ascii=False))


def print_table(
    result: ResultTable,
    *,
    title: str | None = None,
    limit: int = 200,
    columns: list[str] | None = None,
) -> None:
    shown = columns or result.columns
    index = [result.columns.index(c) for c in shown]
    table = Table(title=title, show_lines=False)
    for col in shown:
        table.add_column(col, overflow="fold")
    for row in result.rows[:limit]:
        table.add_row(*(_fmt(row[i]) for i in index))
    console = out()
    console.print(table)
    if len(result.rows) > limit:
        console.print(f"... {len(result.rows) - limit} more rows (use --format csv or json)")


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3g}"
    if isinstance(value, dict | list):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)
