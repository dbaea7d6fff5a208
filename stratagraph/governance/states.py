"""The strategy lifecycle: one state machine for everything that changes a status.

    draft -> proposed -> validated -> approved -> running -> paused / completed / rolled_back
    (and rejected, superseded)

`check_transition` is the only judge of a status change; the workflow, validation and the
executor (through `workflow.transition`) all go through it.
"""

from __future__ import annotations

from collections.abc import Mapping

from stratagraph.graph_schema.declaration import STRATEGY_STATUSES

from .errors import Refused

DRAFT = "draft"
PROPOSED = "proposed"
VALIDATED = "validated"
APPROVED = "approved"
REJECTED = "rejected"
RUNNING = "running"
PAUSED = "paused"
COMPLETED = "completed"
ROLLED_BACK = "rolled_back"
SUPERSEDED = "superseded"

TRANSITIONS: Mapping[str, frozenset[str]] = {
    DRAFT: frozenset({PROPOSED, SUPERSEDED}),
    # validated -> proposed: re-validation found violations (the content changed)
    PROPOSED: frozenset({VALIDATED, REJECTED, SUPERSEDED}),
    VALIDATED: frozenset({APPROVED, PROPOSED, REJECTED, SUPERSEDED}),
    APPROVED: frozenset({RUNNING, REJECTED, SUPERSEDED}),
    RUNNING: frozenset({PAUSED, COMPLETED, ROLLED_BACK}),
    PAUSED: frozenset({RUNNING, COMPLETED, ROLLED_BACK}),
    COMPLETED: frozenset({ROLLED_BACK}),
    ROLLED_BACK: frozenset(),
    REJECTED: frozenset({SUPERSEDED}),
    SUPERSEDED: frozenset(),
}
# statuses in which a strategy counts as approved (the approval tier shapes apply)
APPROVED_STATES = frozenset({APPROVED, RUNNING, PAUSED, COMPLETED})
TERMINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)

assert set(TRANSITIONS) == set(STRATEGY_STATUSES), "state machine and declaration disagree"


def allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def sources(target: str) -> list[str]:
    """Every status from which `target` may be reached."""
    return sorted(s for s, nxt in TRANSITIONS.items() if target in nxt)


def check_transition(uid: str, current: str, target: str) -> None:
    if target not in TRANSITIONS:
        raise Refused(
            f"{target!r} is not a strategy status; statuses: {', '.join(TRANSITIONS)}",
            details={"uid": uid, "status": current, "target": target},
        )
    if not allowed(current, target):
        nxt = ", ".join(sorted(TRANSITIONS.get(current, frozenset()))) or "nothing (final)"
        raise Refused(
            f"strategy {uid} is {current}; it cannot become {target} (from {current} it can "
            f"become: {nxt})",
            details={"uid": uid, "status": current, "target": target},
        )
