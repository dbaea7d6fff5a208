"""The `stratagraph` command. Each module holds the commands of one area."""

from __future__ import annotations

import sys

import click
import typer

from stratagraph.errors import StratagraphError

from . import analyst, copilot, data, demo
from . import api as api_cli
from . import execution as execution_cli
from . import governance as governance_cli
from .common import err

app = typer.Typer(
    name="stratagraph",
    help="A knowledge-graph decision platform for marketing.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("ingest")(data.ingest_command)
app.command("sample")(data.sample_command)
app.command("stats")(data.stats_command)
app.command("schema")(data.schema_command)
app.add_typer(data.db_app, name="db")
app.command("query")(analyst.query_command)
app.command("cypher")(analyst.cypher_command)
app.command("demo")(demo.demo_command)
app.command("response-models")(copilot.response_models_command)
app.command("propose")(copilot.propose_command)
app.command("backtest")(copilot.backtest_command)
app.command("curves")(copilot.curves_command)
governance_cli.register(app)  # validate, submit, approve, reject, actors, audit, governance, shapes
execution_cli.register(app)  # execute, resume, pause, rollback, kill-switch, runs, run, dispatch
api_cli.register(app)  # serve, token, lineage


def run(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (0 ok, 1 refused, 2 bad input,
    3 engine unavailable)."""
    try:
        result = app(args=argv, prog_name="stratagraph", standalone_mode=False)
    except StratagraphError as exc:
        err().print(f"[bold red]error:[/] {exc.message}", highlight=False)
        return exc.exit_code
    except click.exceptions.Abort:
        err().print("aborted")
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run())
