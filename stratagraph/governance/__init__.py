"""Governance: plan -> RDF projection, SHACL validation, reports, the approval workflow,
content hashing and the tamper-evident audit chain.

The public API (the store is always passed in):

- validation: `validate_strategy(store, uid, actor=...) -> ValidationReport` (records it),
  `check(store, uid)` (records nothing), `latest_report(store, uid)`
- workflow: `submit`, `approve`, `reject`, `transition` (every status change),
  `approval_status(store, uid) -> ApprovalState` (the executor's gate)
- hashing: `content_hash(store, uid) -> str`
- actors: `add_actor`, `list_actors`, `get_actor`
- settings: `current_settings`, `update_settings`, `settings_history`
- audit: `record(store, actor, verb, subject, details) -> AuditEvent`, `verify(store)`, `events`
- demo: `demo_approve(store, strategy_uids, actors)`
"""

from . import actors, audit, settings, workflow
from .actors import Actor, add_actor, get_actor, list_actors
from .audit import AuditEvent, AuditVerification, events, record, verify
from .demo import DemoActors, DemoOutcome, demo_approve, ensure_demo_actors, validate_options
from .errors import Refused, UnknownActor
from .hashing import content_hash
from .reports import ValidationReport, Violation, latest_report
from .settings import (
    GovernanceSettings,
    Thresholds,
    current_settings,
    settings_history,
    update_settings,
)
from .states import TRANSITIONS, check_transition
from .validation import check, validate_strategy
from .workflow import (
    ApprovalRecord,
    ApprovalState,
    DecisionOutcome,
    Requirement,
    SubmitOutcome,
    approval_status,
    approve,
    reject,
    submit,
    transition,
)

__all__ = [
    "TRANSITIONS",
    "Actor",
    "ApprovalRecord",
    "ApprovalState",
    "AuditEvent",
    "AuditVerification",
    "DecisionOutcome",
    "DemoActors",
    "DemoOutcome",
    "GovernanceSettings",
    "Refused",
    "Requirement",
    "SubmitOutcome",
    "Thresholds",
    "UnknownActor",
    "ValidationReport",
    "Violation",
    "actors",
    "add_actor",
    "approval_status",
    "approve",
    "audit",
    "check",
    "check_transition",
    "content_hash",
    "current_settings",
    "demo_approve",
    "ensure_demo_actors",
    "events",
    "get_actor",
    "latest_report",
    "list_actors",
    "record",
    "reject",
    "settings",
    "settings_history",
    "submit",
    "transition",
    "update_settings",
    "validate_options",
    "validate_strategy",
    "verify",
    "workflow",
]
