"""The approval workflow: submit, approve, reject, status transitions, and what may run.

- `submit` (draft or proposed) records the submitter, validates, and below the automatic
  thresholds approves at once as actor `system` (recorded with `automatic: true`).
- `approve` needs a registered actor holding the claimed role, who neither made nor
  submitted the strategy, and a conforming validation of the current content. The approval
  binds to the content hash; the strategy becomes `approved` only when every requirement of
  its tier is met (partial approvals are recorded and listed by `approval_status`).
- `transition` is the one way to change a status (the executor uses it for running, paused,
  completed and rolled_back); `running` additionally needs `approval_status(...).approved`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from stratagraph import cypher
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.store import GraphStore

from . import audit, states
from .actors import SYSTEM_ACTOR, require_actor, require_role
from .errors import Refused
from .hashing import hash_subgraph
from .reports import ValidationReport, latest_report
from .settings import GovernanceSettings, current_settings
from .subgraph import StrategySubgraph, fetch_subgraph
from .validation import fetch_status, validate_strategy

AUTO_ROLE = "auto"


@dataclass(frozen=True)
class ApprovalRecord:
    uid: str
    decision: str
    actor: str
    role: str
    plan_hash: str
    automatic: bool
    at: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Requirement:
    name: str  # approval | finance | high_risk
    met: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ApprovalState:
    """Everything the executor (and the API) needs to decide whether a strategy may run."""

    strategy_uid: str
    status: str
    content_hash: str
    settings_version: str
    requirements: tuple[Requirement, ...]
    counted: tuple[ApprovalRecord, ...]  # approvals of the current content that count
    void: tuple[ApprovalRecord, ...]  # approvals of other content, or by the maker
    rejections: tuple[ApprovalRecord, ...]
    validation_report: str | None
    validation_conforms: bool | None
    validation_hash: str | None
    reasons: tuple[str, ...] = field(default=())

    @property
    def requirements_met(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def hash_matches(self) -> bool:
        return bool(self.counted)

    @property
    def approved(self) -> bool:
        """Approved, bound to the current content, and its latest validation conforms."""
        return not self.reasons

    @property
    def may_execute(self) -> bool:
        return self.approved and self.status in (states.APPROVED, states.RUNNING, states.PAUSED)

    def as_dict(self) -> dict[str, Any]:
        return {
            "strategy_uid": self.strategy_uid,
            "status": self.status,
            "approved": self.approved,
            "may_execute": self.may_execute,
            "content_hash": self.content_hash,
            "hash_matches": self.hash_matches,
            "settings_version": self.settings_version,
            "validation_report": self.validation_report,
            "validation_conforms": self.validation_conforms,
            "validation_hash": self.validation_hash,
            "requirements": [r.as_dict() for r in self.requirements],
            "counted": [a.as_dict() for a in self.counted],
            "void": [a.as_dict() for a in self.void],
            "rejections": [a.as_dict() for a in self.rejections],
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class DecisionOutcome:
    strategy_uid: str
    approval: ApprovalRecord
    status: str
    requirements: tuple[Requirement, ...]

    @property
    def complete(self) -> bool:
        return self.status == states.APPROVED

    def as_dict(self) -> dict[str, Any]:
        return {
            "strategy_uid": self.strategy_uid,
            "status": self.status,
            "approval": self.approval.as_dict(),
            "requirements": [r.as_dict() for r in self.requirements],
        }


@dataclass(frozen=True)
class SubmitOutcome:
    strategy_uid: str
    status: str
    report: ValidationReport
    automatic: DecisionOutcome | None
    why_not_automatic: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "strategy_uid": self.strategy_uid,
            "status": self.status,
            "report": self.report.as_dict(),
            "automatic_approval": self.automatic.as_dict() if self.automatic else None,
            "why_not_automatic": self.why_not_automatic,
        }


def _record(props: Mapping[str, Any]) -> ApprovalRecord:
    return ApprovalRecord(
        uid=str(props.get("uid") or ""),
        decision=str(props.get("decision") or ""),
        actor=str(props.get("actor") or ""),
        role=str(props.get("role") or ""),
        plan_hash=str(props.get("plan_hash") or ""),
        automatic=props.get("automatic") is True,
        at=str(props.get("at") or ""),
        reason=str(props.get("reason") or ""),
    )


def _split(
    sub: StrategySubgraph, digest: str
) -> tuple[list[ApprovalRecord], list[ApprovalRecord], list[ApprovalRecord]]:
    counted, void, rejections = [], [], []
    makers = set(sub.makers)
    for props in sorted(sub.approvals, key=lambda a: (str(a.get("at")), str(a.get("uid")))):
        record = _record(props)
        if record.decision == "rejected":
            rejections.append(record)
        elif record.plan_hash == digest and record.actor not in makers:
            counted.append(record)
        else:
            void.append(record)
    return counted, void, rejections


def requirements(
    sub: StrategySubgraph, settings: GovernanceSettings, counted: list[ApprovalRecord]
) -> tuple[Requirement, ...]:
    """What the strategy's tier needs, and whether `counted` approvals meet it."""
    t = settings.thresholds
    humans = [a for a in counted if not a.automatic]
    reqs = [
        Requirement(
            "approval",
            bool(counted),
            f"{len(counted)} approval(s) of the current content (at least 1 needed)",
        )
    ]
    spend = sub.effective_spend
    if spend > t.finance_threshold:
        have = [a.actor for a in humans if a.role == t.finance_role]
        reqs.append(
            Requirement(
                "finance",
                bool(have),
                f"spend {spend:,.2f} > {t.finance_threshold:,.2f}: an approver with role "
                f"{t.finance_role} ({', '.join(have) or 'none yet'})",
            )
        )
    risk = sub.risk_score
    if risk > t.two_approver_risk:
        distinct = sorted({a.actor for a in humans})
        reqs.append(
            Requirement(
                "high_risk",
                len(distinct) >= t.high_risk_approvers,
                f"risk {risk:g} > {t.two_approver_risk:g}: {t.high_risk_approvers} distinct "
                f"approvers ({', '.join(distinct) or 'none yet'})",
            )
        )
    return tuple(reqs)


def approval_status(store: GraphStore, uid: str) -> ApprovalState:
    """Approved? Bound to the current content? Latest validation conforming? Which approvals
    count? The executor calls this before running and refuses unless `may_execute`."""
    sub = fetch_subgraph(store, uid)
    digest = hash_subgraph(sub)
    settings = current_settings(store)
    counted, void, rejections = _split(sub, digest)
    reqs = requirements(sub, settings, counted)
    report = latest_report(store, uid)
    reasons: list[str] = []
    if sub.status not in states.APPROVED_STATES:
        reasons.append(f"status is {sub.status}, not approved")
    if not counted:
        if void:
            reasons.append(
                "no approval matches the current content hash: the strategy changed after "
                "approval (or was approved by its maker); submit it again"
            )
        else:
            reasons.append("no approval yet")
    for r in reqs:
        if not r.met and r.name != "approval":
            reasons.append(f"{r.name} requirement not met: {r.detail}")
    if report is None:
        reasons.append("never validated")
    elif report.content_hash != digest:
        reasons.append("the latest validation was of other content; validate again")
    elif not report.conforms:
        reasons.append(f"the latest validation found {report.violation_count} violation(s)")
    return ApprovalState(
        strategy_uid=uid,
        status=sub.status,
        content_hash=digest,
        settings_version=settings.version_label,
        requirements=reqs,
        counted=tuple(counted),
        void=tuple(void),
        rejections=tuple(rejections),
        validation_report=report.uid if report else None,
        validation_conforms=report.conforms if report else None,
        validation_hash=report.content_hash if report else None,
        reasons=tuple(reasons),
    )


# ---------------------------------------------------------------------------- transitions


def transition(
    store: GraphStore,
    uid: str,
    target: str,
    *,
    actor: str,
    details: Mapping[str, Any] | None = None,
    expected: str | None = None,
    verb: str | None = None,
) -> str:
    """Move a strategy to `target` along an allowed transition, with its audit event.

    `expected`: refuse unless the strategy is in this status now (compare-and-set).
    Moving to `running` also needs `approval_status(store, uid).may_execute`."""

    def build(head: audit.ChainHead) -> audit.Attempt:
        current = fetch_status(store, uid)
        if expected is not None and current != expected:
            raise Refused(
                f"strategy {uid} is {current}, not {expected}",
                details={"uid": uid, "status": current, "expected": expected},
            )
        states.check_transition(uid, current, target)
        if target == states.RUNNING:
            state = approval_status(store, uid)
            if not state.approved:
                raise Refused(
                    f"strategy {uid} may not run: " + "; ".join(state.reasons),
                    details=state.as_dict(),
                )
        event = audit.next_event(
            head,
            actor=actor,
            verb=verb or f"status.{target}",
            subject=uid,
            details={"from": current, "to": target, **dict(details or {})},
        )
        params = {"uid": uid, "status_before": current, "status_after": target, "props": {}}
        return audit.Attempt(cypher.load("governance/transition"), params, event, result=target)

    result: str = audit.commit(store, build)
    return result


def submit(store: GraphStore, uid: str, *, actor: str) -> SubmitOutcome:
    """Submit for approval: draft -> proposed (records the submitter), validate, and approve
    automatically when the strategy conforms and is below the automatic thresholds."""
    require_actor(store, actor)

    def build(head: audit.ChainHead) -> audit.Attempt:
        status_row = store.read(cypher.load("governance/strategy_status"), {"uid": uid})
        if not status_row:
            fetch_subgraph(store, uid)  # raises NotFound with the how-to
        row = status_row[0]
        current = str(row["status"])
        if current not in (states.DRAFT, states.PROPOSED, states.VALIDATED):
            raise Refused(
                f"strategy {uid} is {current}; only draft, proposed or validated strategies "
                "can be submitted (a changed plan is a new version)",
                details={"uid": uid, "status": current},
            )
        target = states.PROPOSED if current == states.DRAFT else current
        if target != current:
            states.check_transition(uid, current, target)
        props: dict[str, Any] = {"submitted_by": actor}
        if not row.get("maker"):
            props["maker"] = actor
        event = audit.next_event(
            head,
            actor=actor,
            verb="submit",
            subject=uid,
            details={"from": current, "to": target},
        )
        params = {"uid": uid, "status_before": current, "status_after": target, "props": props}
        return audit.Attempt(cypher.load("governance/transition"), params, event, result=target)

    audit.commit(store, build)
    report = validate_strategy(store, uid, actor=actor)
    automatic, why = _auto_approve(store, uid, report)
    status = automatic.status if automatic else report.status_after
    return SubmitOutcome(uid, status, report, automatic, why)


def _auto_approve(
    store: GraphStore, uid: str, report: ValidationReport
) -> tuple[DecisionOutcome | None, str | None]:
    settings = current_settings(store)
    t = settings.thresholds
    if not report.conforms:
        return None, f"it does not conform ({report.violation_count} violation(s))"
    if not t.auto_approve:
        return None, "automatic approval is off (governance setting auto_approve)"
    sub = fetch_subgraph(store, uid)
    spend, risk = sub.effective_spend, sub.risk_score
    limits = [
        (spend > t.auto_approve_max_spend, f"spend {spend:,.2f} > {t.auto_approve_max_spend:,.2f}"),
        (risk > t.auto_approve_max_risk, f"risk {risk:g} > {t.auto_approve_max_risk:g}"),
        (spend > t.finance_threshold, "its spend needs a finance approver"),
        (risk > t.two_approver_risk, "its risk needs several approvers"),
    ]
    over = [text for hit, text in limits if hit]
    if over:
        return None, "above the automatic approval limits: " + "; ".join(over)
    outcome = _decide(
        store,
        uid,
        actor=SYSTEM_ACTOR,
        role=AUTO_ROLE,
        reason="below the automatic approval thresholds",
        decision="approved",
        automatic=True,
    )
    return outcome, None


def approve(store: GraphStore, uid: str, *, actor: str, role: str, reason: str) -> DecisionOutcome:
    """Record an approval by `actor` in `role`; the strategy becomes approved when its tier's
    requirements are all met."""
    require_role(store, actor, role)
    _refuse_maker(store, uid, actor)
    report = latest_report(store, uid)
    sub = fetch_subgraph(store, uid)
    if report is None or report.content_hash != hash_subgraph(sub):
        # what the approver approves must have been validated as it is now
        validate_strategy(store, uid, actor=actor)
    return _decide(store, uid, actor=actor, role=role, reason=reason, decision="approved")


def reject(store: GraphStore, uid: str, *, actor: str, role: str, reason: str) -> DecisionOutcome:
    """Record a rejection; the strategy becomes rejected."""
    require_role(store, actor, role)
    if not reason.strip():
        raise Refused("a rejection needs a reason (--reason) so the maker knows what to change")
    return _decide(store, uid, actor=actor, role=role, reason=reason, decision="rejected")


def _refuse_maker(store: GraphStore, uid: str, actor: str) -> None:
    rows = store.read(cypher.load("governance/strategy_status"), {"uid": uid})
    if not rows:
        fetch_subgraph(store, uid)  # raises NotFound
    row = rows[0]
    if actor in (row.get("maker"), row.get("submitted_by")):
        raise Refused(
            f"{actor} made or submitted strategy {uid} and cannot approve it (maker-checker). "
            "Ask another approver.",
            details={"uid": uid, "actor": actor},
        )


def _decide(
    store: GraphStore,
    uid: str,
    *,
    actor: str,
    role: str,
    reason: str,
    decision: str,
    automatic: bool = False,
) -> DecisionOutcome:
    def build(head: audit.ChainHead) -> audit.Attempt:
        sub = fetch_subgraph(store, uid)
        digest = hash_subgraph(sub)
        settings = current_settings(store)
        current = sub.status
        if decision == "approved":
            if actor in sub.makers:
                raise Refused(
                    f"{actor} made or submitted strategy {uid} and cannot approve it "
                    "(maker-checker). Ask another approver.",
                    details={"uid": uid, "actor": actor},
                )
            if current != states.VALIDATED:
                hint = {
                    states.DRAFT: f"submit it first: stratagraph submit {uid} --as NAME",
                    states.PROPOSED: f"it does not conform yet: stratagraph validate {uid}",
                    states.APPROVED: "it is already approved",
                }.get(current, "only validated strategies can be approved")
                raise Refused(
                    f"strategy {uid} is {current}; {hint}",
                    details={"uid": uid, "status": current},
                )
            report = latest_report(store, uid)
            if report is None or report.content_hash != digest:
                raise Refused(
                    f"strategy {uid} changed since its last validation; validate it again: "
                    f"stratagraph validate {uid}",
                    details={"uid": uid},
                )
            if not report.conforms:
                raise Refused(
                    f"strategy {uid} does not conform ({report.violation_count} violation(s)); "
                    f"a strategy that does not conform cannot be approved. See "
                    f"stratagraph validate {uid}",
                    details={"uid": uid, "report": report.uid},
                )
            counted, _, _ = _split(sub, digest)
            if any(a.actor == actor and not a.automatic for a in counted):
                raise Refused(
                    f"{actor} already approved this content of strategy {uid}; "
                    "another approver is needed",
                    details={"uid": uid, "actor": actor},
                )
            record = ApprovalRecord(
                uid=f"approval-{uid}-{head.seq + 1:012d}",
                decision=decision,
                actor=actor,
                role=role,
                plan_hash=digest,
                automatic=automatic,
                at=now_iso(),
                reason=reason,
            )
            reqs = requirements(sub, settings, [*counted, record])
            target = states.APPROVED if all(r.met for r in reqs) else current
        else:
            states.check_transition(uid, current, states.REJECTED)
            record = ApprovalRecord(
                uid=f"approval-{uid}-{head.seq + 1:012d}",
                decision=decision,
                actor=actor,
                role=role,
                plan_hash=digest,
                automatic=False,
                at=now_iso(),
                reason=reason,
            )
            reqs = ()
            target = states.REJECTED
        if target != current:
            states.check_transition(uid, current, target)
        approval_props: dict[str, Any] = {
            **record.as_dict(),
            "strategy_uid": uid,
            "settings_version": settings.version_label,
        }
        if automatic:
            approval_props["thresholds"] = settings.thresholds.as_json()
        event = audit.next_event(
            head,
            actor=actor,
            verb=("approve.auto" if automatic else "approve")
            if decision == "approved"
            else "reject",
            subject=uid,
            details={
                "approval": record.uid,
                "role": role,
                "plan_hash": digest,
                "reason": reason,
                "status": [current, target],
                "requirements": {r.name: r.met for r in reqs},
                **({"thresholds": settings.thresholds.as_dict()} if automatic else {}),
            },
            at=record.at,
        )
        params = {
            "uid": uid,
            "status_before": current,
            "status_after": target,
            "approval": approval_props,
        }
        return audit.Attempt(
            cypher.load("governance/record_decision"),
            params,
            event,
            result=DecisionOutcome(uid, record, target, tuple(reqs)),
        )

    outcome: DecisionOutcome = audit.commit(store, build)
    return outcome
