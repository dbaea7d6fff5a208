"""Analyst commands: named queries and read-only ad-hoc Cypher."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stratagraph.analyst import ResultTable, list_queries, run_cypher, run_named
from stratagraph.analyst.adhoc import json_values, parse_params
from stratagraph.analyst.named import short_name

from .common import StoreOpt, err, opened, out, print_table

ParamOpt = Annotated[
    list[str] | None, typer.Option("--param", "-p", help="A parameter as name=value; repeat.")
]
FormatOpt = Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Write to this file.")]


def _emit(result: ResultTable, fmt: str, out_file: Path | None, title: str) -> None:
    if fmt == "table" and out_file is None:
        print_table(result, title=title)
        return
    text = result.export(fmt, out_file)
    if text is not None:
        typer.echo(text, nl=False)
    elif out_file is not None:
        err().print(f"wrote {len(result.rows)} rows to {out_file}", style="dim")


def query_command(
    name: Annotated[str | None, typer.Argument(help="A named query; omit with --list.")] = None,
    param: ParamOpt = None,
    fmt: FormatOpt = "table",
    out_file: OutOpt = None,
    list_all: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
    store: StoreOpt = None,
) -> None:
    """Run a named analyst query from stratagraph/cypher/analyst/."""
    if list_all or name is None:
        table = Table(title="named queries")
        table.add_column("name")
        table.add_column("parameters")
        table.add_column("description")
        for q in list_queries():
            params = ", ".join(
                f"{p.name}:{p.type}" + ("" if p.default is None else f"={p.default!r}")
                for p in q.params
            )
            table.add_row(short_name(q), params, q.description)
        out().print(table)
        return
    with opened(store) as (graph, _):
        result = run_named(graph, name, parse_params(param or []))
    _emit(result, fmt, out_file, name)


def cypher_command(
    text: Annotated[str, typer.Argument(help="Read-only Cypher.")],
    param: ParamOpt = None,
    fmt: FormatOpt = "table",
    out_file: OutOpt = None,
    store: StoreOpt = None,
) -> None:
    """Run ad-hoc Cypher. Writes are refused by the engine itself and change nothing."""
    with opened(store) as (graph, settings):
        result = run_cypher(
            graph,
            text,
            json_values(parse_params(param or [])),
            timeout_ms=settings.query_timeout_ms,
        )
    _emit(result, fmt, out_file, "result")
