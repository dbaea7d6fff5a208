"""The approval workflow on both engines: maker-checker, hash binding, automatic approval
limits, approval tiers, rejections, settings versions and the status state machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stratagraph.errors import NotFound
from stratagraph.governance import (
    Refused,
    UnknownActor,
    add_actor,
    approval_status,
    approve,
    audit,
    content_hash,
    current_settings,
    demo_approve,
    latest_report,
    list_actors,
    reject,
    settings_history,
    submit,
    transition,
    update_settings,
    validate_strategy,
)
from stratagraph.governance.plans import load_plan, plan_document, write_plan
from stratagraph.store import GraphStore

SHAPES = Path(__file__).parents[1] / "data" / "shapes"
NOW = "2027-01-15T09:00:00.000000Z"
S = "s-plan"


def plan(store: GraphStore, name: str = "conforming", **changes: Any) -> None:
    """Write a fixture plan, with `Label={uid: {prop: value}}` changes."""
    doc = load_plan(SHAPES / f"{name}.json")
    patch = {
        label: [{"uid": uid, **props} for uid, props in rows.items()]
        for label, rows in changes.items()
    }
    write_plan(store, plan_document({"nodes": patch}, doc), now=NOW)


def actors(store: GraphStore) -> None:
    add_actor(store, "planner", [])
    add_actor(store, "bob", ["marketing"])
    add_actor(store, "carol", ["finance", "marketing"])
    add_actor(store, "dave", ["marketing"])


def edit(store: GraphStore, label: str, uid: str, **props: Any) -> None:
    write_plan(store, plan_document({"nodes": {label: [{"uid": uid, **props}]}}))


def test_submit_approves_small_conforming_strategies_automatically(store: GraphStore) -> None:
    plan(store)
    actors(store)
    outcome = submit(store, S, actor="planner")
    assert outcome.report.conforms and outcome.status == "approved"
    auto = outcome.automatic
    assert auto is not None and auto.approval.automatic and auto.approval.actor == "system"
    state = approval_status(store, S)
    assert state.approved and state.may_execute and state.counted[0].automatic
    stored = store.read(
        "MATCH (a:Approval)-[:APPROVES]->(:Strategy {uid: $uid}) "
        "RETURN a.automatic AS automatic, a.thresholds AS thresholds, a.plan_hash AS h",
        {"uid": S},
    )[0]
    assert stored["automatic"] is True and '"auto_approve_max_spend":5000.0' in stored["thresholds"]
    assert stored["h"] == content_hash(store, S)
    verbs = [e.verb for e in audit.events(store, subject=S)]
    assert verbs == ["submit", "validate", "approve.auto"]


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"Strategy": {S: {"spend": 6000.0}}}, "spend 6,000.00 > 5,000.00"),
        ({"Strategy": {S: {"risk_score": 45.0}}}, "risk 45 > 30"),
        ({"PlanItem": {"i-social": {"budget": 4500.0}}}, "spend 5,500.00 > 5,000.00"),
    ],
    ids=["declared-spend", "risk", "item-budgets"],
)
def test_automatic_approval_stops_at_its_limits(
    store: GraphStore, changes: dict[str, Any], why: str
) -> None:
    plan(store, **changes)
    actors(store)
    outcome = submit(store, S, actor="planner")
    assert outcome.report.conforms and outcome.automatic is None
    assert outcome.status == "validated"
    assert why in (outcome.why_not_automatic or "")
    assert not approval_status(store, S).approved


def test_automatic_approval_can_be_switched_off(store: GraphStore) -> None:
    plan(store)
    actors(store)
    update_settings(store, {"auto_approve": "false"}, actor="carol", reason="audit season")
    outcome = submit(store, S, actor="planner")
    assert outcome.automatic is None and "auto_approve" in (outcome.why_not_automatic or "")
    assert latest_report(store, S).settings_version == "1"  # type: ignore[union-attr]


def test_maker_and_submitter_cannot_approve(store: GraphStore) -> None:
    plan(store, Strategy={S: {"spend": 9000.0}})
    actors(store)
    add_actor(store, "planner", ["marketing"])
    submit(store, S, actor="dave")  # planner made it, dave submitted it
    for maker in ("planner", "dave"):
        with pytest.raises(Refused, match="maker-checker"):
            approve(store, S, actor=maker, role="marketing", reason="mine")
    outcome = approve(store, S, actor="bob", role="marketing", reason="ok")
    assert outcome.status == "approved"


def test_unknown_actors_and_unheld_roles_are_refused(store: GraphStore) -> None:
    plan(store, Strategy={S: {"spend": 9000.0}})
    actors(store)
    submit(store, S, actor="planner")
    with pytest.raises(UnknownActor, match="not a registered actor") as unknown:
        approve(store, S, actor="mallory", role="finance", reason="x")
    assert unknown.value.exit_code == 2
    with pytest.raises(Refused, match="does not hold the role 'finance'"):
        approve(store, S, actor="bob", role="finance", reason="x")
    with pytest.raises(UnknownActor):
        submit(store, S, actor="mallory")
    assert [a.name for a in list_actors(store)] == ["bob", "carol", "dave", "planner"]


def test_a_strategy_that_does_not_conform_cannot_be_approved(store: GraphStore) -> None:
    write_plan(store, load_plan(SHAPES / "consent-missing.json"), now=NOW)
    actors(store)
    outcome = submit(store, S, actor="planner")
    assert not outcome.report.conforms and outcome.status == "proposed"
    with pytest.raises(Refused, match="does not conform yet"):
        approve(store, S, actor="bob", role="marketing", reason="looks fine")
    assert approval_status(store, S).reasons


def test_finance_tier_needs_a_finance_approver(store: GraphStore) -> None:
    plan(store, Strategy={S: {"spend": 60000.0}}, Goal={"g-spring": {"budget": 80000.0}})
    actors(store)
    assert submit(store, S, actor="planner").status == "validated"
    partial = approve(store, S, actor="bob", role="marketing", reason="good plan")
    assert partial.status == "validated" and not partial.complete
    assert {r.name: r.met for r in partial.requirements} == {"approval": True, "finance": False}
    state = approval_status(store, S)
    assert not state.approved and len(state.counted) == 1
    done = approve(store, S, actor="carol", role="finance", reason="budget ok")
    assert done.status == "approved"
    assert approval_status(store, S).may_execute
    assert validate_strategy(store, S).conforms  # the tier shapes agree


def test_high_risk_needs_two_distinct_approvers(store: GraphStore) -> None:
    plan(store, Strategy={S: {"risk_score": 80.0}})
    actors(store)
    submit(store, S, actor="planner")
    assert approve(store, S, actor="bob", role="marketing", reason="ok").status == "validated"
    with pytest.raises(Refused, match="already approved this content"):
        approve(store, S, actor="bob", role="marketing", reason="again")
    assert approve(store, S, actor="dave", role="marketing", reason="ok").status == "approved"


def test_any_change_voids_the_approval(store: GraphStore) -> None:
    plan(store)
    actors(store)
    submit(store, S, actor="planner")
    before = content_hash(store, S)
    assert approval_status(store, S).may_execute
    # recording things around the strategy does not change its content
    validate_strategy(store, S)
    assert content_hash(store, S) == before
    edit(store, "PlanItem", "i-mail", budget=1200.0)
    after = content_hash(store, S)
    assert after != before
    state = approval_status(store, S)
    assert not state.approved and not state.may_execute and not state.hash_matches
    assert state.void and "changed after approval" in " ".join(state.reasons)
    with pytest.raises(Refused, match="may not run"):
        transition(store, S, "running", actor="executor")
    report = validate_strategy(store, S)
    assert [v.shape for v in report.violations] == ["ApprovalBinding"]


@pytest.mark.parametrize(
    ("label", "uid", "props"),
    [
        ("Audience", "a-loyal", {"pii_free": False}),
        ("Channel", "c-social", {"max_daily_budget": 900.0}),
        ("Asset", "x-banner", {"brand_approved": False}),
        ("Market", "m-de", {"spend_cap": 10000.0}),
    ],
)
def test_policy_relevant_changes_change_the_hash(
    store: GraphStore, label: str, uid: str, props: dict[str, Any]
) -> None:
    plan(store)
    before = content_hash(store, S)
    edit(store, label, uid, size=1) if label == "Audience" else None
    if label == "Audience":
        assert content_hash(store, S) == before  # audience size is not policy-relevant
    edit(store, label, uid, **props)
    assert content_hash(store, S) != before


def test_reject(store: GraphStore) -> None:
    plan(store, Strategy={S: {"spend": 9000.0}})
    actors(store)
    submit(store, S, actor="planner")
    with pytest.raises(Refused, match="needs a reason"):
        reject(store, S, actor="bob", role="marketing", reason=" ")
    outcome = reject(store, S, actor="bob", role="marketing", reason="wrong audience")
    assert outcome.status == "rejected" and outcome.approval.decision == "rejected"
    with pytest.raises(Refused, match="is rejected"):
        approve(store, S, actor="carol", role="finance", reason="x")
    assert approval_status(store, S).rejections[0].reason == "wrong audience"


def test_execution_statuses_follow_the_state_machine(store: GraphStore) -> None:
    plan(store)
    actors(store)
    with pytest.raises(Refused, match="cannot become running"):
        transition(store, S, "running", actor="executor")
    submit(store, S, actor="planner")
    assert transition(store, S, "running", actor="executor", details={"run": "r1"}) == "running"
    transition(store, S, "paused", actor="executor")
    with pytest.raises(Refused, match="is paused, not running"):
        transition(store, S, "completed", actor="executor", expected="running")
    transition(store, S, "running", actor="executor")
    transition(store, S, "completed", actor="executor")
    with pytest.raises(Refused, match="cannot become running"):
        transition(store, S, "running", actor="executor")
    transition(store, S, "rolled_back", actor="executor")
    verbs = [e.verb for e in audit.events(store, subject=S)]
    assert verbs[-5:] == [
        "status.running",
        "status.paused",
        "status.running",
        "status.completed",
        "status.rolled_back",
    ]
    assert audit.verify(store).ok
    with pytest.raises(NotFound):
        transition(store, "nope", "running", actor="executor")


def test_settings_are_versioned(store: GraphStore) -> None:
    actors(store)
    assert current_settings(store).version == 0
    update_settings(store, {"finance_threshold": "75000"}, actor="carol", reason="new year")
    update_settings(store, {"two_approver_risk": "60"}, actor="carol")
    now = current_settings(store)
    assert now.version == 2 and now.thresholds.finance_threshold == 75000.0
    assert now.thresholds.two_approver_risk == 60.0
    assert [s.version for s in settings_history(store)] == [1, 2]
    chain = store.read(
        "MATCH (a:GovernanceSettings)-[:SUPERSEDES]->(b:GovernanceSettings) "
        "RETURN a.version AS a, b.version AS b"
    )
    assert chain == [{"a": 2, "b": 1}]
    assert [e.verb for e in audit.events(store)][-2:] == ["settings.change", "settings.change"]
    with pytest.raises(UnknownActor):
        update_settings(store, {"finance_threshold": "1"}, actor="mallory")


def test_demo_building_blocks(store: GraphStore) -> None:
    plan(
        store,
        Strategy={S: {"spend": 60000.0, "risk_score": 75.0}},
        Goal={"g-spring": {"budget": 80000.0}},
    )
    # an option with no plan items and no goal: it cannot conform
    write_plan(
        store,
        plan_document(
            {
                "nodes": {
                    "Strategy": [
                        {"uid": "s-empty", "status": "proposed", "maker": "planner", "spend": 1.0}
                    ]
                }
            }
        ),
    )
    outcome = demo_approve(store, ["s-empty", S])
    assert not outcome.reports["s-empty"].conforms and outcome.reports[S].conforms
    assert outcome.chosen == S
    assert outcome.state is not None and outcome.state.may_execute
    assert [d.approval.actor for d in outcome.decisions] == ["demo-finance", "demo-brand"]
    assert outcome.audit is not None and outcome.audit.ok
