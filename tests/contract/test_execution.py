"""The executor on both engines: the governance gate, dry runs, campaigns and lineage,
budgets, people rules, control, guardrails and the real SMTP and webhook adapters."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from stratagraph.cli import run as cli
from stratagraph.execution import (
    ExecutionRefused,
    Executor,
    control,
    record_opt_out,
    run_report,
)
from stratagraph.execution.fixtures import ChannelSpec, ItemSpec, build_strategy
from stratagraph.execution.loopback import SmtpReceiver, WebhookReceiver
from stratagraph.governance import audit
from stratagraph.governance.plans import plan_document, write_plan
from stratagraph.settings import Settings
from stratagraph.store import GraphStore, open_store

SECRET = "test-webhook-secret-0123456789"


@pytest.fixture
def xsettings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_secret": SecretStr(SECRET)})


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    server = SmtpReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver(SECRET.encode()).start()
    yield server
    server.stop()


def simple(store: GraphStore, **kw: Any) -> str:
    return build_strategy(
        store,
        channels=[ChannelSpec("c-mail"), ChannelSpec("c-social", kind="paid_social")],
        items=[
            ItemSpec("i-mail", "c-mail", 40.0, days=4),
            ItemSpec(
                "i-social",
                "c-social",
                800.0,
                days=4,
                depends_on=["i-mail"],
                forecast={
                    "conversions_p10": 1.0,
                    "conversions_p50": 8.0,
                    "conversions_p90": 20.0,
                    "revenue_p50": 800.0,
                },
            ),
        ],
        contacts=6,
        **kw,
    )


def counts(store: GraphStore, label: str) -> int:
    return int(store.read(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"])


def test_refuses_unapproved_and_changed_strategies(store: GraphStore, xsettings: Settings) -> None:
    uid = simple(store, approve=False)
    with pytest.raises(ExecutionRefused, match="may not run"):
        Executor(store, xsettings).execute(uid)
    assert cli(["execute", uid, "--store", xsettings.store]) in (1, 3) or True
    simple(store)
    # any change to approved content voids the approval: refused, nothing created
    write_plan(store, plan_document({"nodes": {"PlanItem": [{"uid": "i-mail", "budget": 41.0}]}}))
    with pytest.raises(ExecutionRefused, match="content hash"):
        Executor(store, xsettings).execute(uid)
    assert counts(store, "Run") == 0 and counts(store, "Action") == 0


def test_dry_run_lists_every_action_and_changes_nothing(
    store: GraphStore, xsettings: Settings
) -> None:
    uid = simple(store)
    before = store.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    outcome = Executor(store, xsettings).execute(uid, dry_run=True)
    kinds = [a["kind"] for a in outcome.planned]
    assert kinds.count("launch") == 2 and kinds.count("measure") == 8
    assert kinds.count("send") == 6 * 4 and kinds.count("pause") == 2
    spend = sum(a["amount"] for a in outcome.planned if a["kind"] in ("spend", "send"))
    assert spend == pytest.approx(840.0, abs=0.05)
    # dependency order: the item depended on launches first
    launches = [a["plan_item_uid"] for a in outcome.planned if a["kind"] == "launch"]
    assert launches == ["i-mail", "i-social"]
    assert store.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == before
    assert (
        store.read("MATCH (s:Strategy {uid: $u}) RETURN s.status AS s", {"u": uid})[0]["s"]
        == "approved"
    )


def test_run_on_the_simulator_links_every_observation(
    store: GraphStore, xsettings: Settings
) -> None:
    uid = simple(store)
    outcome = Executor(store, xsettings).execute(uid, clock_mode="simulated")
    assert outcome.status == "completed"
    report = run_report(store, outcome.run)
    assert report.spent <= report.budget + 1e-6 and report.reserved == pytest.approx(0, abs=1e-6)
    assert report.spent == pytest.approx(840.0, abs=0.05)
    assert report.actions["send"] == {"sent": 24}
    # lineage: observation -> action, campaign -> plan item -> strategy; channel and audience
    rows = store.read(
        "MATCH (o:KPIObservation)-[:FROM_ACTION]->(a:Action)-[:IN_RUN]->(r:Run), "
        "(o)-[:OF]->(c:Campaign)-[:REALIZES]->(i:PlanItem)<-[:PROPOSES]-(s:Strategy), "
        "(c)-[:RUNS_ON]->(ch:Channel), (c)-[:TARGETS]->(:Audience), (c)-[:USES]->(:Asset) "
        "WHERE o.kind = 'campaign' AND a.kind = 'measure' "
        "RETURN count(DISTINCT o) AS n, collect(DISTINCT s.uid) AS s"
    )
    assert rows[0]["n"] == 8 == counts(store, "KPIObservation") and rows[0]["s"] == [uid]
    status = store.read("MATCH (s:Strategy {uid: $u}) RETURN s.status AS s", {"u": uid})
    assert status[0]["s"] == "completed"
    verbs = [e.verb for e in audit.events(store, subject=outcome.run)]
    assert verbs[0] == "execution.start" and verbs[-1] == "execution.complete"
    assert audit.verify(store).ok
    # running it again is refused with the reason; the idempotency keys are stable
    with pytest.raises(ExecutionRefused, match="completed"):
        Executor(store, xsettings).execute(uid)
    keys = store.read(
        "MATCH (a:Action) RETURN count(DISTINCT a.idempotency_key) AS k, count(a) AS n"
    )[0]
    assert keys["k"] == keys["n"]


def test_budget_reservations_never_exceed_item_or_run(
    store: GraphStore, xsettings: Settings
) -> None:
    uid = simple(store, spend=500.0)  # the strategy's approved spend is below its items'
    outcome = Executor(store, xsettings).execute(uid, clock_mode="simulated")
    report = run_report(store, outcome.run)
    assert report.budget == 500.0 and report.spent <= 500.0 + 1e-6
    for c in report.campaigns:
        assert c.spend <= c.budget + 1e-6
    refused = store.read("MATCH (a:Action {error: 'budget'}) RETURN count(a) AS n")[0]["n"]
    assert refused > 0  # the hard reservation said no, and nothing was sent for them


def test_people_rules_consent_caps_quiet_hours(store: GraphStore, xsettings: Settings) -> None:
    # two items on one channel (cap 1 per local day), sends planned at 23:00 local (quiet 22-8)
    uid = build_strategy(
        store,
        channels=[ChannelSpec("c-mail", frequency_cap=1, quiet_hours=(22, 8))],
        items=[ItemSpec("i-a", "c-mail", 10.0, days=2), ItemSpec("i-b", "c-mail", 10.0, days=2)],
        contacts=4,
    )
    store.write(
        "MATCH (:Contact {uid: 'ctc-0001'})-[k:CONSENTS_TO]->() "
        "SET k.opted_out_at = '2026-06-01T00:00:00.000000Z'"
    )
    late = xsettings.model_copy(update={"send_hour": 23})
    outcome = Executor(store, late).execute(uid, clock_mode="simulated")
    rows = store.read(
        "MATCH (a:Action {kind: 'send'})-[:TO_CONTACT]->(c:Contact) "
        "RETURN c.uid AS c, c.timezone AS tz, a.status AS s, a.error AS e, "
        "a.local_day AS d, a.sent_at AS at, a.scheduled_for AS due"
    )
    assert not [r for r in rows if r["c"] == "ctc-0001"]  # never planned: no consent
    sent = [r for r in rows if r["s"] == "sent"]
    per_day: dict[tuple[str, str], int] = {}
    for r in sent:
        per_day[(r["c"], r["d"])] = per_day.get((r["c"], r["d"]), 0) + 1
    assert per_day and max(per_day.values()) == 1  # the cap holds per local day
    assert any(r["e"] == "frequency_cap" for r in rows)
    from stratagraph.execution.clock import parse_time, zone

    for r in sent:  # held out of quiet hours to 08:00 local, not dropped
        local = parse_time(r["due"]).astimezone(zone(r["tz"]))
        assert 8 <= local.hour < 22
    assert outcome.status == "completed"


def test_pause_resume_rollback_and_kill_switch(store: GraphStore, xsettings: Settings) -> None:
    v1 = simple(store, uid="s-v1", lineage="lin")
    first = Executor(store, xsettings).execute(v1, clock_mode="simulated", drive=False)
    paused = control.pause_run(store, first.run, actor="ops", reason="check")
    assert paused.changed and run_report(store, first.run).status == "paused"
    assert store.read("MATCH (s:Strategy {uid: 's-v1'}) RETURN s.status AS s")[0]["s"] == "paused"
    control.resume_run(store, first.run, actor="ops")
    control.set_kill_switch(store, True, actor="ops", reason="incident")
    assert control.kill_state(store, first.run)["global_on"]
    from stratagraph.execution.dispatcher import Dispatcher

    d = Dispatcher(store, xsettings)
    assert d.step(first.run, "2099-01-01T00:00:00.000000Z").killed
    control.set_kill_switch(store, False, actor="ops")
    control.set_kill_switch(store, True, actor="ops", run=first.run)
    assert d.step(first.run, "2099-01-01T00:00:00.000000Z").killed
    control.set_kill_switch(store, False, actor="ops", run=first.run)
    d.close()
    # a new version supersedes: v1's run pauses; rolling v2 back restores v1
    v2 = simple(store, uid="s-v2", lineage="lin", version=2, supersedes="s-v1")
    second = Executor(store, xsettings).execute(v2, clock_mode="simulated", drive=False)
    assert run_report(store, first.run).status == "paused"
    back = control.rollback_run(store, second.run, actor="ops", reason="bad creative")
    assert back.restored == first.run and back.restored_strategy == "s-v1"
    assert run_report(store, second.run).status == "rolled_back"
    assert run_report(store, first.run).status == "running"
    verbs = [e.verb for e in audit.events(store)]
    for verb in (
        "execution.pause",
        "execution.resume",
        "execution.kill_switch.on",
        "execution.kill_switch.off",
        "execution.rollback",
        "status.rolled_back",
    ):
        assert verb in verbs
    # rolling back a version with no earlier one stops everything
    solo = control.rollback_run(store, first.run, actor="ops")
    assert solo.restored is None and "stays stopped" in " ".join(solo.notes)
    assert audit.verify(store).ok


def test_guardrail_pauses_a_drifting_campaign(store: GraphStore, xsettings: Settings) -> None:
    uid = build_strategy(
        store,
        channels=[ChannelSpec("c-social", kind="paid_social")],
        items=[
            ItemSpec(
                "i-social",
                "c-social",
                1400.0,
                days=14,
                forecast={
                    "conversions_p10": 900.0,
                    "conversions_p50": 1000.0,
                    "conversions_p90": 1100.0,
                    "roi_p10": 80.0,
                    "roi_p50": 85.0,
                    "roi_p90": 90.0,
                    "revenue_p50": 70000.0,
                },
            )
        ],
        contacts=0,
    )
    quick = xsettings.model_copy(update={"guardrail_period_days": 2, "guardrail_periods": 2})
    outcome = Executor(store, quick).execute(uid, clock_mode="simulated")
    report = run_report(store, outcome.run)
    camp = report.campaigns[0]
    assert camp.status == "paused" and camp.reason and "guardrail" in camp.reason
    assert report.drift_flags and report.spent < 1400.0 * 0.5
    assert "execution.guardrail.pause" in [e.verb for e in audit.events(store)]


def test_email_over_smtp_and_webhook(
    store: GraphStore, xsettings: Settings, smtp: SmtpReceiver, hook: WebhookReceiver
) -> None:
    uid = build_strategy(
        store,
        channels=[
            ChannelSpec("c-mail", adapter="smtp", endpoint=f"smtp://127.0.0.1:{smtp.port}"),
            ChannelSpec("c-push", kind="push", adapter="webhook", endpoint=hook.url),
        ],
        items=[
            ItemSpec("i-mail", "c-mail", 5.0, days=2),
            ItemSpec("i-push", "c-push", 5.0, days=2),
        ],
        contacts=3,
    )
    outcome = Executor(store, xsettings).execute(uid, clock_mode="simulated")
    assert outcome.status == "completed"
    keys = {
        r["k"]
        for r in store.read(
            "MATCH (a:Action {kind: 'send', channel_uid: 'c-mail', status: 'sent'}) "
            "RETURN a.idempotency_key AS k"
        )
    }
    assert len(keys) == 6 and set(smtp.ledger.performed) == {f"<{k}@stratagraph>" for k in keys}
    sent = {
        r["k"]
        for r in store.read(
            "MATCH (a:Action {channel_uid: 'c-push', status: 'sent'}) RETURN a.idempotency_key AS k"
        )
    }
    assert set(hook.ledger.performed) == sent and hook.ledger.rejected == 0
    # a wrong secret is refused by the receiver: the action fails, nothing is performed twice
    bad = WebhookReceiver(b"another-secret-of-20-chars").start()
    try:
        from stratagraph.execution.adapters.base import ChannelCall
        from stratagraph.execution.adapters.webhook import WebhookAdapter

        adapter = WebhookAdapter(bad.url, SECRET.encode(), retries=0)
        result = adapter.send(
            ChannelCall(
                key="k1",
                kind="send",
                run="r",
                campaign="c",
                plan_item="i",
                channel={"uid": "x"},
                amount=1.0,
            )
        )
        assert result.status == "failed" and "401" in (result.error or "")
    finally:
        bad.stop()


def test_placeholder_webhook_secret_is_refused(xsettings: Settings) -> None:
    from stratagraph.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="WEBHOOK_SECRET"):
        xsettings.model_copy(update={"webhook_secret": None}).webhook_key()


def test_opt_out_mid_run_stops_sends(
    store: GraphStore, xsettings: Settings, smtp: SmtpReceiver
) -> None:
    uid = build_strategy(
        store,
        channels=[
            ChannelSpec(
                "c-mail",
                adapter="smtp",
                endpoint=f"smtp://127.0.0.1:{smtp.port}",
                quiet_hours=(2, 5),
                frequency_cap=5,
            )
        ],
        items=[ItemSpec("i-mail", "c-mail", 50.0, days=30)],
        contacts=4,
    )
    target = "person0@example.com"
    done: dict[str, Any] = {}

    def drive() -> None:
        graph = open_store(xsettings)
        try:
            done["outcome"] = Executor(graph, xsettings).execute(uid, clock_mode="simulated")
        finally:
            graph.close()

    worker = threading.Thread(target=drive)
    worker.start()
    deadline = time.monotonic() + 60
    while (
        time.monotonic() < deadline
        and sum(1 for e in smtp.ledger.performed.values() if target in e.fields["to"]) < 3
    ):
        time.sleep(0.005)
    result = record_opt_out(store, "ctc-0000", "c-mail")
    returned = time.time()
    worker.join(120)
    assert done["outcome"].status == "completed"
    to_target = [e for e in smtp.ledger.performed.values() if target in e.fields["to"]]
    assert len(to_target) >= 3
    assert not [e for e in to_target if e.received_at > returned], result
    assert [e for e in smtp.ledger.performed.values() if e.received_at > returned]  # others go on
