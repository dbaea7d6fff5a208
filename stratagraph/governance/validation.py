"""Validate one strategy: project its plan subgraph, run the shapes, store the report.

A conforming `proposed` strategy becomes `validated`; a `validated` one that no longer
conforms goes back to `proposed`. Other statuses are not changed by validation (an approved
strategy that stops conforming cannot run: `approval_status` checks the latest report).
Results with severity Warning or Info are reported but do not block.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from stratagraph import cypher
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.store import GraphStore

from . import audit, states
from .engine import ShaclEngine, ShaclResult, get_engine
from .hashing import hash_subgraph
from .projection import project_ntriples
from .reports import ValidationReport, Violation
from .settings import GovernanceSettings, current_settings
from .shapes import shapes_version
from .subgraph import StrategySubgraph, fetch_subgraph

SYSTEM = "system"


@dataclass(frozen=True)
class Projected:
    subgraph: StrategySubgraph
    settings: GovernanceSettings
    content_hash: str
    ntriples: str

    @property
    def triples(self) -> int:
        return self.ntriples.count("\n")


def project_strategy(store: GraphStore, uid: str) -> Projected:
    sub = fetch_subgraph(store, uid)
    settings = current_settings(store)
    digest = hash_subgraph(sub)
    return Projected(sub, settings, digest, project_ntriples(sub, settings, content_hash=digest))


def _violation(r: ShaclResult) -> Violation:
    return Violation(
        shape=r.shape,
        focus=r.focus,
        focus_label=r.focus_label,
        path=r.path,
        message=r.message,
        severity=r.severity,
        value=r.value[:2000],
        constraint=r.constraint,
    )


def next_status(current: str, conforms: bool) -> str:
    if conforms and current == states.PROPOSED:
        return states.VALIDATED
    if not conforms and current == states.VALIDATED:
        return states.PROPOSED
    return current


def check(store: GraphStore, uid: str, *, engine: ShaclEngine | None = None) -> ValidationReport:
    """Validate without recording anything (no report node, no status change, no audit)."""
    started = time.perf_counter()
    projected = project_strategy(store, uid)
    shacl = engine or get_engine()
    violations = tuple(_violation(r) for r in shacl.validate(projected.ntriples))
    status = projected.subgraph.status
    conforms = not any(v.blocking for v in violations)
    return ValidationReport(
        uid="",
        strategy_uid=uid,
        conforms=conforms,
        violations=violations,
        shapes_version=shapes_version(),
        settings_version=projected.settings.version_label,
        content_hash=projected.content_hash,
        at=now_iso(),
        engine=shacl.name,
        triples=projected.triples,
        seconds=time.perf_counter() - started,
        status_before=status,
        status_after=next_status(status, conforms),
    )


def validate_strategy(
    store: GraphStore,
    uid: str,
    *,
    actor: str = SYSTEM,
    engine: ShaclEngine | None = None,
) -> ValidationReport:
    """Validate and record: a ValidationReport with its Violations linked to the strategy,
    the status change it implies and the audit event, in one statement."""
    base = check(store, uid, engine=engine)

    def build(head: audit.ChainHead) -> audit.Attempt:
        nonlocal base
        current = fetch_status(store, uid)
        if current != base.status_before:
            base = check(store, uid, engine=engine)  # changed meanwhile: validate again
            current = base.status_before
        after = next_status(current, base.conforms)
        if after != current:
            states.check_transition(uid, current, after)
        report = ValidationReport(
            **{
                **base.__dict__,
                "uid": f"validation-{uid}-{head.seq + 1:012d}",
                "actor": actor,
                "status_before": current,
                "status_after": after,
            }
        )
        event = audit.next_event(
            head,
            actor=actor,
            verb="validate",
            subject=uid,
            details={
                "report": report.uid,
                "conforms": report.conforms,
                "violations": report.violation_count,
                "warnings": report.warning_count,
                "shapes_version": report.shapes_version,
                "settings_version": report.settings_version,
                "content_hash": report.content_hash,
                "status": [current, after],
            },
            at=report.at,
        )
        params = {
            "uid": uid,
            "status_before": current,
            "status_after": after,
            "report": report.node_props(),
            "violations": report.violation_rows(),
        }
        return audit.Attempt(
            cypher.load("governance/record_validation"), params, event, result=report
        )

    report: ValidationReport = audit.commit(store, build)
    return report


def fetch_status(store: GraphStore, uid: str) -> str:
    from stratagraph.errors import NotFound

    rows = store.read(cypher.load("governance/strategy_status"), {"uid": uid})
    if not rows:
        raise NotFound(f"no strategy with uid {uid!r}", details={"uid": uid})
    return str(rows[0]["status"] or states.DRAFT)
