"""Building blocks for `stratagraph demo`: validate the options, approve the best conforming
one through the workflow with demo actors, and verify the audit chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stratagraph.store import GraphStore

from . import audit
from .actors import Actor, add_actor
from .reports import ValidationReport
from .settings import current_settings
from .subgraph import fetch_subgraph
from .validation import validate_strategy
from .workflow import (
    ApprovalState,
    DecisionOutcome,
    SubmitOutcome,
    approval_status,
    approve,
    submit,
)


@dataclass(frozen=True)
class DemoActors:
    """Who plays which part: the maker submits; approvers (name, roles) approve in order."""

    maker: str = "demo-planner"
    approvers: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("demo-finance", ("finance", "marketing")),
        ("demo-brand", ("marketing",)),
    )


@dataclass
class DemoOutcome:
    reports: dict[str, ValidationReport] = field(default_factory=dict)
    chosen: str | None = None
    submitted: SubmitOutcome | None = None
    decisions: list[DecisionOutcome] = field(default_factory=list)
    state: ApprovalState | None = None
    audit: audit.AuditVerification | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "reports": {k: v.as_dict() for k, v in self.reports.items()},
            "chosen": self.chosen,
            "submitted": self.submitted.as_dict() if self.submitted else None,
            "decisions": [d.as_dict() for d in self.decisions],
            "state": self.state.as_dict() if self.state else None,
            "audit": self.audit.as_dict() if self.audit else None,
        }


def ensure_demo_actors(store: GraphStore, actors: DemoActors = DemoActors()) -> list[Actor]:
    made = [add_actor(store, actors.maker, [], by=actors.maker)]
    for name, roles in actors.approvers:
        made.append(add_actor(store, name, roles, by=actors.maker))
    return made


def validate_options(
    store: GraphStore, strategy_uids: Sequence[str], *, actor: str = "system"
) -> dict[str, ValidationReport]:
    """Validate every option (records a report each); returns them by uid."""
    return {uid: validate_strategy(store, uid, actor=actor) for uid in strategy_uids}


def demo_approve(
    store: GraphStore, strategy_uids: Sequence[str], actors: DemoActors = DemoActors()
) -> DemoOutcome:
    """Validate the options (pass them best first), submit the first conforming one as the
    maker, approve it with as many demo approvers as its tier needs, verify the audit chain."""
    outcome = DemoOutcome()
    ensure_demo_actors(store, actors)
    outcome.reports = validate_options(store, strategy_uids, actor=actors.maker)
    chosen = next((u for u in strategy_uids if outcome.reports[u].conforms), None)
    outcome.chosen = chosen
    if chosen is not None:
        outcome.submitted = submit(store, chosen, actor=actors.maker)
        finance_role = current_settings(store).thresholds.finance_role
        ordered = sorted(actors.approvers, key=lambda a: finance_role not in a[1])
        for name, roles in ordered:
            if approval_status(store, chosen).approved:
                break
            if fetch_subgraph(store, chosen).status != "validated":
                break
            role = finance_role if finance_role in roles else roles[0]
            outcome.decisions.append(
                approve(store, chosen, actor=name, role=role, reason="demo: meets the goal")
            )
        outcome.state = approval_status(store, chosen)
    outcome.audit = audit.verify(store)
    return outcome
