# mypy: disable-error-code="untyped-decorator, valid-type, no-any-return"
# (strawberry's decorators are untyped for mypy; its types are read at runtime)
"""The Mutation root: every workflow step the CLI has, through the same services.

The actor recorded by governance and the executor is the token's actor name, so
maker-checker holds through the API: whoever proposed or submitted a strategy cannot
approve it. `execute`, `resume` and `rollback` start the run and return; the server drives
it in the background (`Run.status`, `Run.report` show how it goes).
"""

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from stratagraph import cypher
from stratagraph.api.auth import Op
from stratagraph.execution import Executor, control
from stratagraph.governance import approve, reject, submit, validate_strategy
from stratagraph.reasoning.propose import ProposeRequest, propose

from .context import Context
from .nodes import Registry

MAX_PLANNED = 1000  # planned actions shown by a dry run


def _node(info: Info, label: str, uid: str | None) -> Any:
    if not uid:
        return None
    ctx: Context = info.context
    rows = ctx.store.read(cypher.render("lineage/get_node", label=label), {"uid": uid})
    registry: Registry = ctx.state.schema.registry
    return registry.make(label, dict(rows[0]["props"])) if rows else None


@strawberry.type
class WorkflowPayloadBase:
    strategy_uid: str
    status: str = strawberry.field(description="the strategy's status afterwards")
    ok: bool = strawberry.field(
        description="validate/submit: it conforms; approve: the strategy is now approved; "
        "reject: recorded"
    )
    message: str
    details: JSON = strawberry.field(description="the service's full answer")


@strawberry.type
class RunPayloadBase:
    run_uid: str
    status: str
    changed: bool
    driving: bool = strawberry.field(description="this server now drives the run")
    message: str
    details: JSON


def _drive(ctx: Context, run: str) -> bool:
    return ctx.state.runs.drive(run, actor=ctx.principal.actor)


def build_mutation(registry: Registry) -> type:
    """The Mutation root, with payloads that point to the generated Strategy and Run types."""
    strategy_type = registry.nodes["Strategy"]
    run_type = registry.nodes["Run"]

    @strawberry.type(description="Strategy options written by the copilot, best first.")
    class ProposePayload:
        strategy_uids: list[str]
        notes: list[str]
        seconds: float

        @strawberry.field(description="The written Strategy nodes, best first.")
        def strategies(self, info: Info) -> list[strategy_type]:
            found = (_node(info, "Strategy", u) for u in self.strategy_uids)
            return [n for n in found if n is not None]

    def strategy_of(root: Any, info: Info) -> Any:
        return _node(info, "Strategy", root.strategy_uid)

    strategy_of.__annotations__ = {"root": Any, "info": Info, "return": strategy_type | None}

    def run_of(root: Any, info: Info) -> Any:
        return _node(info, "Run", root.run_uid)

    run_of.__annotations__ = {"root": Any, "info": Info, "return": run_type | None}
    workflow = strawberry.type(
        type(
            "WorkflowPayload",
            (WorkflowPayloadBase,),
            {"strategy": strawberry.field(resolver=strategy_of, description="The strategy now.")},
        ),
        description="What a step of the workflow did.",
    )
    runs = strawberry.type(
        type(
            "RunPayload",
            (RunPayloadBase,),
            {"run": strawberry.field(resolver=run_of, description="The run now.")},
        ),
        description="What happened to a run.",
    )
    return _mutation(ProposePayload, workflow, runs)


def _mutation(propose_payload: Any, workflow_payload: Any, run_payload: Any) -> type:
    WorkflowPayload = workflow_payload  # noqa: N806
    RunPayload = run_payload  # noqa: N806
    ProposePayload = propose_payload  # noqa: N806

    @strawberry.type
    class Mutation:
        @strawberry.mutation(
            description="Propose ranked strategy options for a goal (you are the maker)."
        )
        def propose(
            self,
            info: Info,
            goal: strawberry.ID,
            options: int = 3,
            scenarios: list[str] | None = None,
            seed: int = 7,
        ) -> ProposePayload:
            ctx: Context = info.context
            ctx.require(Op.PROPOSE)
            request = ProposeRequest(
                goal=str(goal),
                options=options,
                scenarios=tuple(scenarios or ()),
                seed=seed,
                maker=ctx.principal.actor,
            )
            with ctx.service():
                proposal = propose(ctx.store, request, ctx.state.models)
            written = [w.uid for w in proposal.written]
            return ProposePayload(
                strategy_uids=written,
                notes=list(proposal.notes),
                seconds=round(proposal.seconds, 3),
            )

        @strawberry.mutation(
            description="Validate a strategy against the shapes; stores the report."
        )
        def validate(self, info: Info, strategy: strawberry.ID) -> WorkflowPayload:
            ctx: Context = info.context
            ctx.require(Op.VALIDATE)
            with ctx.service():
                report = validate_strategy(ctx.store, str(strategy), actor=ctx.principal.actor)
            return WorkflowPayload(
                strategy_uid=report.strategy_uid,
                status=report.status_after,
                ok=report.conforms,
                message=f"{'conforms' if report.conforms else 'does not conform'}: "
                f"{report.violation_count} violation(s), {report.warning_count} warning(s)",
                details=report.as_dict(),
            )

        @strawberry.mutation(
            description="Submit a strategy for approval (validates it; small ones are approved "
            "automatically)."
        )
        def submit(self, info: Info, strategy: strawberry.ID) -> WorkflowPayload:
            ctx: Context = info.context
            ctx.require(Op.SUBMIT)
            with ctx.service():
                outcome = submit(ctx.store, str(strategy), actor=ctx.principal.actor)
            message = (
                "approved automatically"
                if outcome.automatic
                else f"needs approval: {outcome.why_not_automatic}"
                if outcome.report.conforms
                else f"does not conform ({outcome.report.violation_count} violation(s))"
            )
            return WorkflowPayload(
                strategy_uid=outcome.strategy_uid,
                status=outcome.status,
                ok=outcome.report.conforms,
                message=message,
                details=outcome.as_dict(),
            )

        @strawberry.mutation(
            description="Approve a validated strategy in one of your governance roles (e.g. "
            "marketing, finance); never your own."
        )
        def approve(
            self, info: Info, strategy: strawberry.ID, role: str, reason: str
        ) -> WorkflowPayload:
            ctx: Context = info.context
            ctx.require(Op.APPROVE)
            with ctx.service():
                outcome = approve(
                    ctx.store, str(strategy), actor=ctx.principal.actor, role=role, reason=reason
                )
            pending = [r.detail for r in outcome.requirements if not r.met]
            return WorkflowPayload(
                strategy_uid=outcome.strategy_uid,
                status=outcome.status,
                ok=outcome.complete,
                message="approved"
                if outcome.complete
                else "recorded; still needs: " + "; ".join(pending),
                details=outcome.as_dict(),
            )

        @strawberry.mutation(
            description="Reject a strategy with the reason the maker should act on."
        )
        def reject(
            self, info: Info, strategy: strawberry.ID, role: str, reason: str
        ) -> WorkflowPayload:
            ctx: Context = info.context
            ctx.require(Op.REJECT)
            with ctx.service():
                outcome = reject(
                    ctx.store, str(strategy), actor=ctx.principal.actor, role=role, reason=reason
                )
            return WorkflowPayload(
                strategy_uid=outcome.strategy_uid,
                status=outcome.status,
                ok=True,
                message="rejected",
                details=outcome.as_dict(),
            )

        @strawberry.mutation(
            description="Start the run of an approved strategy (the server drives it); dryRun "
            "lists the actions it would take and changes nothing."
        )
        def execute(
            self,
            info: Info,
            strategy: strawberry.ID,
            clock: str = "auto",
            seed: int = 0,
            dry_run: bool = False,
        ) -> RunPayload:
            ctx: Context = info.context
            ctx.require(Op.EXECUTE)
            executor = Executor(ctx.store, ctx.settings, actor=ctx.principal.actor)
            with ctx.service():
                outcome = executor.execute(
                    str(strategy), dry_run=dry_run, clock_mode=clock, seed=seed, drive=False
                )
            if dry_run:
                return RunPayload(
                    run_uid=outcome.run,
                    status="dry-run",
                    changed=False,
                    driving=False,
                    message=f"{len(outcome.planned)} actions planned; nothing was changed",
                    details={**outcome.as_dict(), "planned": outcome.planned[:MAX_PLANNED]},
                )
            driving = _drive(ctx, outcome.run)
            return RunPayload(
                run_uid=outcome.run,
                status=outcome.status,
                changed=outcome.created,
                driving=driving,
                message="run started" if outcome.created else "run continues",
                details=outcome.as_dict(),
            )

        @strawberry.mutation(description="Pause a run: its campaigns are paused on their channels.")
        def pause(
            self, info: Info, run: strawberry.ID, reason: str = "paused through the API"
        ) -> RunPayload:
            ctx: Context = info.context
            ctx.require(Op.PAUSE)
            with ctx.service():
                outcome = control.pause_run(
                    ctx.store, str(run), actor=ctx.principal.actor, reason=reason
                )
                control.flush(ctx.store, ctx.settings, str(run))
            return _control(outcome, driving=False, payload=RunPayload)

        @strawberry.mutation(description="Resume a paused run (checks the approval again).")
        def resume(self, info: Info, run: strawberry.ID) -> RunPayload:
            ctx: Context = info.context
            ctx.require(Op.RESUME)
            executor = Executor(ctx.store, ctx.settings, actor=ctx.principal.actor)
            with ctx.service():
                outcome = executor.resume(str(run), drive=False)
            return RunPayload(
                run_uid=outcome.run,
                status=outcome.status,
                changed=True,
                driving=_drive(ctx, outcome.run),
                message="run resumed",
                details=outcome.as_dict(),
            )

        @strawberry.mutation(
            description="Stop a run and put the previous approved version of its strategy back "
            "in place (its run starts), or stop everything when there is none."
        )
        def rollback(
            self, info: Info, run: strawberry.ID, reason: str = "rolled back through the API"
        ) -> RunPayload:
            ctx: Context = info.context
            ctx.require(Op.ROLLBACK)
            with ctx.service():
                outcome = control.rollback_run(
                    ctx.store, str(run), actor=ctx.principal.actor, reason=reason
                )
                control.flush(ctx.store, ctx.settings, str(run))
                driving = False
                if outcome.restored_strategy:
                    restored = Executor(ctx.store, ctx.settings, actor=ctx.principal.actor).execute(
                        str(outcome.restored_strategy), drive=False
                    )
                    driving = _drive(ctx, restored.run)
            return _control(outcome, driving=driving, payload=RunPayload)

        @strawberry.mutation(
            description="Stop (on) or allow (off) every new channel call, globally or for one run."
        )
        def kill_switch(
            self,
            info: Info,
            on: bool,
            run: strawberry.ID | None = None,
            reason: str = "",
        ) -> JSON:
            ctx: Context = info.context
            ctx.require(Op.KILL_SWITCH)
            with ctx.service():
                return cast(
                    JSON,
                    control.set_kill_switch(
                        ctx.store,
                        on,
                        actor=ctx.principal.actor,
                        reason=reason,
                        run=str(run) if run else None,
                    ),
                )

    return Mutation


def _control(outcome: control.ControlOutcome, *, driving: bool, payload: Any) -> Any:
    verb = "is now" if outcome.changed else "stays"
    extra = f"; restored {outcome.restored_strategy}" if outcome.restored_strategy else ""
    return payload(
        run_uid=outcome.run,
        status=outcome.status,
        changed=outcome.changed,
        driving=driving,
        message=f"run {verb} {outcome.status}{extra}",
        details=outcome.as_dict(),
    )
