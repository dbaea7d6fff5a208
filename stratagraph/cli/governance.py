"""Governance commands: validate, submit, approve, reject, actors, audit, settings, shapes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stratagraph.governance import (
    ApprovalState,
    DecisionOutcome,
    ValidationReport,
    actors,
    audit,
    settings,
    workflow,
)
from stratagraph.governance.shapes import generate_structural, load_shapes, structural_path
from stratagraph.governance.validation import validate_strategy

from .common import JsonOpt, StoreOpt, opened, out, print_json

AsOpt = Annotated[str, typer.Option("--as", help="The acting person (a registered actor).")]
RoleOpt = Annotated[str, typer.Option("--role", help="The approval role you act in.")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why; kept with the decision.")]
UidArg = Annotated[str, typer.Argument(help="The Strategy uid.")]

actors_app = typer.Typer(help="The actors who make and approve strategies.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit chain.", no_args_is_help=True)
governance_app = typer.Typer(help="Governance settings and approval state.", no_args_is_help=True)
shapes_app = typer.Typer(help="The SHACL shapes.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the governance commands to the `stratagraph` app."""
    app.command("validate")(validate_command)
    app.command("submit")(submit_command)
    app.command("approve")(approve_command)
    app.command("reject")(reject_command)
    app.add_typer(actors_app, name="actors")
    app.add_typer(audit_app, name="audit")
    app.add_typer(governance_app, name="governance")
    app.add_typer(shapes_app, name="shapes")


# ------------------------------------------------------------------------------ output


def print_report(report: ValidationReport) -> None:
    console = out()
    verdict = "[bold green]conforms[/]" if report.conforms else "[bold red]does not conform[/]"
    moved = (
        f", status {report.status_before} -> {report.status_after}"
        if report.status_before != report.status_after
        else f", status {report.status_after}"
    )
    console.print(
        f"strategy [bold]{report.strategy_uid}[/] {verdict}: {report.violation_count} "
        f"violation(s), {report.warning_count} warning(s){moved}",
        highlight=False,
    )
    if report.violations:
        table = Table(show_lines=True)
        for col in ("severity", "shape", "focus", "path", "value", "how to fix"):
            table.add_column(col, overflow="fold")
        for v in report.violations:
            style = "red" if v.blocking else "yellow"
            table.add_row(
                f"[{style}]{v.severity}[/]",
                v.shape,
                f"{v.focus_label} {v.focus}".strip(),
                v.path,
                v.value,
                v.message,
            )
        console.print(table)
    console.print(
        f"[dim]report {report.uid or '(not stored)'}; content {report.content_hash[:19]}...; "
        f"shapes {report.shapes_version[:12]}; settings v{report.settings_version}; "
        f"{report.triples} triples in {report.seconds * 1000:.0f} ms ({report.engine})[/]",
        highlight=False,
    )


def print_decision(outcome: DecisionOutcome) -> None:
    console = out()
    a = outcome.approval
    what = "automatically approved" if a.automatic else a.decision
    console.print(
        f"strategy [bold]{outcome.strategy_uid}[/] {what} by {a.actor} ({a.role}); "
        f"status: [bold]{outcome.status}[/]",
        highlight=False,
    )
    for r in outcome.requirements:
        mark = "[green]met[/]" if r.met else "[yellow]pending[/]"
        console.print(f"  {r.name}: {mark} - {r.detail}", highlight=False)


def print_state(state: ApprovalState) -> None:
    console = out()
    verdict = "[bold green]may execute[/]" if state.may_execute else "[bold red]may not execute[/]"
    console.print(
        f"strategy [bold]{state.strategy_uid}[/] is {state.status}: {verdict}", highlight=False
    )
    for r in state.requirements:
        mark = "[green]met[/]" if r.met else "[yellow]pending[/]"
        console.print(f"  {r.name}: {mark} - {r.detail}", highlight=False)
    for a in state.counted:
        console.print(f"  counts: {a.actor} ({a.role}) at {a.at}", highlight=False)
    for a in state.void:
        console.print(f"  void: {a.actor} ({a.role}), bound to other content", highlight=False)
    for reason in state.reasons:
        console.print(f"  [red]why not[/]: {reason}", highlight=False)


# ----------------------------------------------------------------------------- commands


def validate_command(
    uid: UidArg,
    actor: Annotated[str, typer.Option("--as", help="Who validates (for the audit).")] = "system",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> int:
    """Validate a strategy against the shapes and store the report.

    Exit 0 when it conforms, 1 with violations, 2 for an unknown uid, 3 engine unavailable.
    A conforming proposed strategy becomes validated."""
    with opened(store) as (graph, _):
        report = validate_strategy(graph, uid, actor=actor)
    if as_json:
        print_json(report.as_dict())
    else:
        print_report(report)
    return 0 if report.conforms else 1


def submit_command(
    uid: UidArg, actor: AsOpt, store: StoreOpt = None, as_json: JsonOpt = False
) -> int:
    """Submit a strategy for approval: validate it, and approve it automatically when it is
    below the automatic approval thresholds."""
    with opened(store) as (graph, _):
        outcome = workflow.submit(graph, uid, actor=actor)
    if as_json:
        print_json(outcome.as_dict())
    else:
        print_report(outcome.report)
        if outcome.automatic:
            print_decision(outcome.automatic)
        elif outcome.report.conforms:
            out().print(
                f"needs approval ({outcome.why_not_automatic}): stratagraph approve {uid} "
                "--as NAME --role ROLE --reason TEXT",
                highlight=False,
            )
    return 0 if outcome.report.conforms else 1


def approve_command(
    uid: UidArg,
    actor: AsOpt,
    role: RoleOpt,
    reason: ReasonOpt,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Approve a validated strategy (bound to its current content)."""
    _decide(workflow.approve, uid, actor, role, reason, store, as_json)


def reject_command(
    uid: UidArg,
    actor: AsOpt,
    role: RoleOpt,
    reason: ReasonOpt,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Reject a strategy, with the reason the maker should act on."""
    _decide(workflow.reject, uid, actor, role, reason, store, as_json)


def _decide(
    decide: Callable[..., DecisionOutcome],
    uid: str,
    actor: str,
    role: str,
    reason: str,
    store: str | None,
    as_json: bool,
) -> None:
    with opened(store) as (graph, _):
        outcome = decide(graph, uid, actor=actor, role=role, reason=reason)
    if as_json:
        print_json(outcome.as_dict())
    else:
        print_decision(outcome)


@actors_app.command("add")
def actors_add(
    name: Annotated[str, typer.Argument(help="The actor's name (their uid).")],
    role: Annotated[
        list[str] | None, typer.Option("--role", help="An approval role; repeat for several.")
    ] = None,
    by: Annotated[str | None, typer.Option("--as", help="Who registers them.")] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Register an actor, or grant roles to a registered one."""
    with opened(store) as (graph, _):
        actor = actors.add_actor(graph, name, role or [], by=by)
    if as_json:
        print_json(actor.as_dict())
    else:
        out().print(f"{actor.name}: roles {', '.join(actor.roles) or 'none'}", highlight=False)


@actors_app.command("list")
def actors_list(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """List the registered actors and their roles."""
    with opened(store) as (graph, _):
        found = actors.list_actors(graph)
    if as_json:
        print_json([a.as_dict() for a in found])
        return
    table = Table(title=f"{len(found)} actor(s)")
    table.add_column("name")
    table.add_column("roles")
    table.add_column("added by")
    for a in found:
        table.add_row(a.name, ", ".join(a.roles), a.added_by or "")
    out().print(table)


@audit_app.command("verify")
def audit_verify(store: StoreOpt = None, as_json: JsonOpt = False) -> int:
    """Recompute the audit chain; exit 1 naming the first broken event."""
    with opened(store) as (graph, _):
        result = audit.verify(graph)
    if as_json:
        print_json(result.as_dict())
    elif result.ok:
        out().print(f"[green]audit chain intact[/]: {result.events} event(s)")
    else:
        out().print(
            f"[bold red]audit chain broken[/] at event {result.broken_seq}: {result.reason}",
            highlight=False,
        )
    return 0 if result.ok else 1


@audit_app.command("log")
def audit_log(
    subject: Annotated[str | None, typer.Option(help="Only events about this uid.")] = None,
    limit: Annotated[int, typer.Option(help="Show the newest N events (0: all).")] = 50,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List audit events, oldest first."""
    with opened(store) as (graph, _):
        found = audit.events(graph, subject=subject, limit=limit or None)
    if as_json:
        print_json([e.as_dict() for e in found])
        return
    table = Table(title=f"{len(found)} event(s)")
    for col in ("seq", "at", "actor", "verb", "subject", "details"):
        table.add_column(col, overflow="fold")
    for e in found:
        table.add_row(str(e.seq), e.at, e.actor, e.verb, e.subject, e.details)
    out().print(table)


@governance_app.command("settings")
def settings_command(
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="key=value; repeat. Makes a new version.")
    ] = None,
    actor: Annotated[str | None, typer.Option("--as", help="Who changes them.")] = None,
    reason: Annotated[str | None, typer.Option(help="Why they change.")] = None,
    history: Annotated[bool, typer.Option(help="Show every version.")] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the governance settings, or change them with --set key=value --as ACTOR."""
    from stratagraph.errors import UsageError

    with opened(store) as (graph, _):
        if set_:
            if not actor:
                raise UsageError("changing settings needs --as ACTOR (a registered actor)")
            current = settings.update_settings(
                graph, settings.parse_assignments(set_), actor=actor, reason=reason
            )
        else:
            current = settings.current_settings(graph)
        versions = settings.settings_history(graph) if history else [current]
    if as_json:
        print_json(
            [
                {
                    "version": s.version,
                    "actor": s.actor,
                    "at": s.at,
                    "reason": s.reason,
                    **s.thresholds.as_dict(),
                }
                for s in versions
            ]
        )
        return
    for s in versions:
        origin = "built-in defaults" if s.version == 0 else f"by {s.actor} at {s.at}"
        table = Table(title=f"governance settings v{s.version} ({origin})")
        table.add_column("setting")
        table.add_column("value")
        table.add_column("meaning")
        for key, value in s.thresholds.as_dict().items():
            table.add_row(key, str(value), settings.GovernanceSettings.doc(key))
        out().print(table)


@governance_app.command("status")
def status_command(uid: UidArg, store: StoreOpt = None, as_json: JsonOpt = False) -> int:
    """May this strategy run? Approvals that count, requirements, and why not (exit 1)."""
    with opened(store) as (graph, _):
        state = workflow.approval_status(graph, uid)
    if as_json:
        print_json(state.as_dict())
    else:
        print_state(state)
    return 0 if state.may_execute else 1


@shapes_app.command("generate")
def shapes_generate(
    check: Annotated[bool, typer.Option(help="Only check that the file is current.")] = False,
    to: Annotated[Path | None, typer.Option(help="Write here instead of the package.")] = None,
) -> int:
    """Write shapes/structural.ttl from the graph declaration."""
    from stratagraph.governance.shapes import write_structural

    target = to or structural_path()
    if check:
        current = target.exists() and target.read_text(encoding="utf-8") == generate_structural()
        out().print(f"{target} is {'current' if current else 'stale'}")
        return 0 if current else 1
    write_structural(target)
    out().print(f"wrote {target}")
    return 0


@shapes_app.command("list")
def shapes_list(as_json: JsonOpt = False) -> None:
    """The shapes files and their version (recorded in every report)."""
    bundle = load_shapes()
    if as_json:
        print_json({"version": bundle.version, "files": list(bundle.files)})
        return
    out().print(f"shapes version {bundle.version}: {', '.join(bundle.files)}")
