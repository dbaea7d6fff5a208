"""Execution commands: execute, resume, pause, rollback, kill-switch, runs, run, dispatch,
opt-out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from stratagraph.errors import UsageError
from stratagraph.execution import (
    Executor,
    RunOutcome,
    RunReport,
    control,
    drain,
    list_runs,
    record_opt_out,
    run_report,
)
from stratagraph.execution import Progress as RunProgress
from stratagraph.settings import Settings
from stratagraph.store import GraphStore

from .common import JsonOpt, StoreOpt, err, opened, out, print_json

RunArg = Annotated[str, typer.Argument(help="The Run uid (see `stratagraph runs`).")]
AsOpt = Annotated[str, typer.Option("--as", help="Who is acting (recorded in the audit chain).")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why; kept in the audit chain.")]
ClockOpt = Annotated[
    str,
    typer.Option(
        "--clock",
        help="simulated: the run's own clock walks the flights as fast as the channels answer; "
        "real: wall-clock time; auto: simulated when every channel is the simulator.",
    ),
]
TruthOpt = Annotated[
    str | None,
    typer.Option(
        "--truth",
        help="ground_truth.json of the sample twin for the simulator channel "
        "(overrides STRATAGRAPH_SIMULATOR_TRUTH).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the execution commands to the `stratagraph` app."""
    app.command("execute")(execute_command)
    app.command("resume")(resume_command)
    app.command("pause")(pause_command)
    app.command("rollback")(rollback_command)
    app.command("kill-switch")(kill_switch_command)
    app.command("runs")(runs_command)
    app.command("run")(run_command)
    app.command("dispatch")(dispatch_command)
    app.command("opt-out")(opt_out_command)


def _settings(settings: Settings, truth: str | None) -> Settings:
    return settings.model_copy(update={"simulator_truth": truth}) if truth else settings


class _Bar:
    """A rich progress bar of days done, with spend, on stderr."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.fields[run]}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} days"),
            TextColumn("spent {task.fields[spent]} of {task.fields[budget]}"),
            TextColumn("{task.fields[sent]} calls"),
            TimeElapsedColumn(),
            console=err(),
            transient=False,
        )
        self.task: Any = None

    def __enter__(self) -> _Bar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def __call__(self, p: RunProgress) -> None:
        fields: dict[str, Any] = {
            "run": p.run,
            "spent": f"{p.spent:,.2f}",
            "budget": f"{p.budget:,.2f}",
            "sent": f"{p.dispatched.sent:,}",
        }
        if self.task is None:
            self.task = self.progress.add_task("run", total=p.days_total, **fields)
        self.progress.update(self.task, completed=p.days_closed, total=p.days_total, **fields)


def _drive(
    store: GraphStore,
    settings: Settings,
    json_out: bool,
    call: Callable[[Executor], RunOutcome],
    *,
    quiet: bool = False,
) -> RunOutcome:
    if json_out or quiet:
        return call(Executor(store, settings))
    with _Bar() as bar:
        return call(Executor(store, settings, progress=bar))


def _summary(store: GraphStore, outcome: RunOutcome, json_out: bool) -> None:
    report = run_report(store, outcome.run)
    if json_out:
        print_json({"outcome": outcome.as_dict(), "report": report.as_dict()})
        return
    print_report(report)


def execute_command(
    strategy: Annotated[str, typer.Argument(help="The approved Strategy uid.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print every action it would take; change nothing.")
    ] = False,
    clock: ClockOpt = "auto",
    seed: Annotated[int, typer.Option(help="Seed of the simulator's draws.")] = 0,
    truth: TruthOpt = None,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Run an approved strategy (refused unless approved, bound to its current content and
    validated). Running it again continues its run."""
    with opened(store) as (graph, settings):
        settings = _settings(settings, truth)
        if dry_run:
            outcome = Executor(graph, settings).execute(
                strategy, dry_run=True, clock_mode=clock, seed=seed
            )
            if json_out:
                print_json({"run": outcome.run, "actions": outcome.planned})
                return
            console = out()
            console.print(
                f"dry run of [bold]{strategy}[/] as {outcome.run}: {len(outcome.planned):,} "
                "actions; nothing was changed",
                highlight=False,
            )
            for a in outcome.planned:
                console.print(
                    f"{a['scheduled_for']}  {a['kind']:<8} {a['plan_item_uid']}  "
                    f"{a['channel_uid']}  {a['amount']:>10,.2f}  {a.get('contact_uid') or ''}  "
                    f"key={a['idempotency_key'][:12]}",
                    highlight=False,
                )
            return
        outcome = _drive(
            graph,
            settings,
            json_out,
            lambda ex: ex.execute(strategy, clock_mode=clock, seed=seed),
        )
        _summary(graph, outcome, json_out)


def resume_command(
    run: RunArg, truth: TruthOpt = None, store: StoreOpt = None, json_out: JsonOpt = False
) -> None:
    """Continue a run: after a crash, or a paused one (checks the approval again)."""
    with opened(store) as (graph, settings):
        settings = _settings(settings, truth)
        outcome = _drive(graph, settings, json_out, lambda ex: ex.resume(run))
        _summary(graph, outcome, json_out)


def pause_command(
    run: RunArg,
    actor: AsOpt = "operator",
    reason: ReasonOpt = "paused by operator",
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Pause a run: its campaigns are paused on their channels."""
    with opened(store) as (graph, settings):
        outcome = control.pause_run(graph, run, actor=actor, reason=reason)
        control.flush(graph, settings, run)
        _control_out(outcome, json_out)


def rollback_command(
    run: RunArg,
    actor: AsOpt = "operator",
    reason: ReasonOpt = "rolled back by operator",
    drive: Annotated[bool, typer.Option(help="Drive the restored version's run here.")] = True,
    truth: TruthOpt = None,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Stop a run and restore the previous approved version of its strategy (or stop
    everything when there is none)."""
    with opened(store) as (graph, settings):
        settings = _settings(settings, truth)
        outcome = control.rollback_run(graph, run, actor=actor, reason=reason)
        control.flush(graph, settings, run)
        _control_out(outcome, json_out)
        if drive and outcome.restored_strategy:
            restored = _drive(
                graph,
                settings,
                json_out,
                lambda ex: ex.execute(str(outcome.restored_strategy)),
                quiet=True,
            )
            if not json_out:
                out().print(f"restored run {restored.run}: {restored.status}", highlight=False)


def _control_out(outcome: control.ControlOutcome, json_out: bool) -> None:
    if json_out:
        print_json(outcome.as_dict())
        return
    console = out()
    verb = "is now" if outcome.changed else "stays"
    console.print(f"run [bold]{outcome.run}[/] {verb} {outcome.status}", highlight=False)
    if outcome.restored_strategy:
        console.print(
            f"restored: strategy {outcome.restored_strategy} (run {outcome.restored})",
            highlight=False,
        )
    for note in outcome.notes:
        console.print(f"  {note}", highlight=False)


def kill_switch_command(
    state: Annotated[str, typer.Argument(help="on or off")],
    run: Annotated[str | None, typer.Option("--run", help="Only this run.")] = None,
    actor: AsOpt = "operator",
    reason: ReasonOpt = "",
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Stop (on) or allow (off) every new channel call, globally or for one run; dispatchers
    stop within a second."""
    if state not in ("on", "off"):
        raise UsageError(f"kill-switch takes on or off, not {state!r}")
    with opened(store) as (graph, _):
        result = control.set_kill_switch(graph, state == "on", actor=actor, reason=reason, run=run)
        if json_out:
            print_json(result)
        else:
            out().print(f"kill switch ({result['scope']}) is {state}", highlight=False)


def runs_command(store: StoreOpt = None, json_out: JsonOpt = False) -> None:
    """Every run with its status and spend against budget."""
    with opened(store) as (graph, _):
        rows = list_runs(graph)
        if json_out:
            print_json(rows)
            return
        table = Table(title="runs")
        for col in (
            "run",
            "status",
            "strategy",
            "v",
            "days",
            "spent",
            "reserved",
            "budget",
            "clock",
            "reason",
        ):
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(
                str(r["run"]),
                str(r["status"]),
                str(r["strategy"]),
                str(r["version"] or ""),
                f"{r['first_day']}..{r['last_day']} (done {r['closed_through'] or '-'})",
                f"{float(r['spent'] or 0):,.2f}",
                f"{float(r['reserved'] or 0):,.2f}",
                f"{float(r['budget'] or 0):,.2f}",
                str(r["clock"] or ""),
                str(r["reason"] or ""),
            )
        out().print(table)


def run_command(run: RunArg, store: StoreOpt = None, json_out: JsonOpt = False) -> None:
    """One run: progress, spend against budget, realised against forecast, drift flags."""
    with opened(store) as (graph, _):
        report = run_report(graph, run)
        if json_out:
            print_json(report.as_dict())
        else:
            print_report(report)


def print_report(report: RunReport) -> None:
    console = out()
    console.print(
        f"run [bold]{report.run}[/] of {report.strategy}: [bold]{report.status}[/] "
        f"({report.clock} clock, now {report.now}); days {report.days_done}/{report.days_total}; "
        f"spent {report.spent:,.2f} + reserved {report.reserved:,.2f} of {report.budget:,.2f}"
        + (f"; {report.reason}" if report.reason else ""),
        highlight=False,
    )
    acts = ", ".join(
        f"{kind} " + "/".join(f"{n} {s}" for s, n in sorted(by.items()))
        for kind, by in sorted(report.actions.items())
    )
    console.print(f"actions: {acts}", highlight=False)
    rvf = report.realised_vs_forecast()
    table = Table(
        title=f"realised against forecast (forecast scaled to {rvf['share_spent']:.0%} "
        "of the budget spent)"
    )
    for col in ("metric", "realised", "p10", "p50", "p90"):
        table.add_column(col)
    for metric in ("conversions", "revenue", "roi"):
        v = rvf[metric]
        table.add_row(
            metric,
            *(_num(v.get(k)) for k in ("realised", "forecast_p10", "forecast_p50", "forecast_p90")),
        )
    console.print(table)
    camp = Table(title="campaigns")
    for col in (
        "campaign",
        "channel",
        "status",
        "spend",
        "budget",
        "conv",
        "conv p10-p90 to date",
        "roi",
        "roi p10-p90",
        "drift",
    ):
        camp.add_column(col, overflow="fold")
    for c in report.campaigns:
        camp.add_row(
            c.campaign,
            c.channel,
            c.status,
            f"{c.spend:,.2f}",
            f"{c.budget:,.2f}",
            f"{c.conversions:,.0f}",
            f"{_num(c.expected('conversions', 'p10'))}-{_num(c.expected('conversions', 'p90'))}",
            _num(c.roi),
            f"{_num(c.forecast.get('roi_p10'))}-{_num(c.forecast.get('roi_p90'))}",
            (c.reason or c.drift or ""),
        )
    console.print(camp)


def _num(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and abs(value) < 100:
        return f"{value:.2f}"
    return f"{float(value):,.0f}"


def dispatch_command(
    run: RunArg,
    until_idle: Annotated[
        bool, typer.Option(help="Stop once nothing has been due for a second.")
    ] = True,
    truth: TruthOpt = None,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """A dispatcher for a run: sends its due actions (several may run at once)."""
    with opened(store) as (graph, settings):
        stats = drain(graph, _settings(settings, truth), run, until_idle=until_idle)
        if json_out:
            print_json(stats.__dict__)
        else:
            out().print(
                f"dispatched {stats.sent:,} calls ({stats.failed} failed, {stats.skipped} "
                f"skipped, {stats.held} held for quiet hours) for run {run}",
                highlight=False,
            )


def opt_out_command(
    contact: Annotated[str, typer.Argument(help="The Contact uid.")],
    channel: Annotated[str, typer.Argument(help="The Channel uid.")],
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Record an opt-out: no send to this contact on this channel after it returns."""
    with opened(store) as (graph, _):
        result = record_opt_out(graph, contact, channel)
        if json_out:
            print_json(result.__dict__)
        else:
            out().print(
                f"{contact} opted out of {channel} at {result.at}; {result.cancelled} pending "
                "send(s) cancelled",
                highlight=False,
            )


__all__ = ["register"]
