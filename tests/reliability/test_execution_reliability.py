"""Reliability of execution with real processes and real servers on loopback, on both
engines: SIGKILL at random points, a webhook that times out after performing, concurrent
dispatchers against one budget, and an opt-out recorded mid-run (see also
tests/contract/test_execution.py)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from stratagraph.execution import Executor, outbox, run_report
from stratagraph.execution.fixtures import ChannelSpec, ItemSpec, build_strategy
from stratagraph.execution.loopback import SmtpReceiver, WebhookReceiver
from stratagraph.settings import Settings
from stratagraph.store import GraphStore, open_store

SECRET = "reliability-webhook-secret-0123"
CLI = "from stratagraph.cli import main; main()"


@pytest.fixture
def servers() -> Iterator[tuple[SmtpReceiver, WebhookReceiver]]:
    smtp = SmtpReceiver().start()
    hook = WebhookReceiver(SECRET.encode()).start()
    yield smtp, hook
    smtp.stop()
    hook.stop()


def env_for(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATAGRAPH_")}
    env["STRATAGRAPH_STORE"] = settings.store
    env["STRATAGRAPH_GRAPH"] = settings.graph
    env["STRATAGRAPH_WEBHOOK_SECRET"] = SECRET
    if settings.neo4j_password is not None:
        env["STRATAGRAPH_NEO4J_USER"] = settings.neo4j_user
        env["STRATAGRAPH_NEO4J_PASSWORD"] = settings.neo4j_password.get_secret_value()
    env.update(extra)
    return env


def sent_keys(store: GraphStore, channel: str, kind: str | None = None) -> set[str]:
    rows = store.read(
        "MATCH (a:Action {channel_uid: $c, status: 'sent'}) WHERE $k = '' OR a.kind = $k "
        "RETURN a.idempotency_key AS k",
        {"c": channel, "k": kind or ""},
    )
    return {str(r["k"]) for r in rows}


def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    store: GraphStore, settings: Settings, servers: tuple[SmtpReceiver, WebhookReceiver]
) -> None:
    smtp, hook = servers
    uid = build_strategy(
        store,
        channels=[
            ChannelSpec(
                "c-mail", adapter="smtp", endpoint=f"smtp://127.0.0.1:{smtp.port}", frequency_cap=3
            ),
            ChannelSpec("c-sms", kind="sms", adapter="webhook", endpoint=hook.url, frequency_cap=3),
        ],
        items=[
            ItemSpec("i-mail", "c-mail", 40.0, days=12),
            ItemSpec("i-sms", "c-sms", 40.0, days=12, depends_on=["i-mail"]),
        ],
        contacts=40,
    )
    env = env_for(settings)
    rng = random.Random(20270301)
    kills = 0
    command = [sys.executable, "-c", CLI, "execute", uid, "--clock", "simulated", "--json"]
    run = f"run-{uid}"
    deadline = time.monotonic() + 600
    while kills < 25 and time.monotonic() < deadline:
        proc = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        seen = smtp.ledger.count() + hook.ledger.count()
        # wait until it is dispatching, then kill it somewhere in the next 150 ms
        while proc.poll() is None and smtp.ledger.count() + hook.ledger.count() == seen:
            time.sleep(0.002)
        if proc.poll() is not None:
            break  # it finished the run before we could kill it
        time.sleep(rng.uniform(0, 0.15))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        command = [sys.executable, "-c", CLI, "resume", run, "--json"]
    final = subprocess.run(
        [sys.executable, "-c", CLI, "resume", run, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = run_report(store, run)
    if report.status != "completed":
        pytest.fail(f"run not completed after resume: {report.status}\n{final.stderr[-2000:]}")
    assert kills >= 20, f"only {kills} kills landed before the run finished"
    actions = sum(sum(v.values()) for v in report.actions.values())
    assert actions >= 1000
    mail = sent_keys(store, "c-mail", "send")
    assert set(smtp.ledger.performed) == {f"<{k}@stratagraph>" for k in mail}  # 0 lost, 0 extra
    assert set(hook.ledger.performed) == sent_keys(store, "c-sms")
    # one message per logical send (contact, item, day): no duplicate under two keys
    logical = [
        (e.fields["to"][0], e.fields["campaign"], e.fields["scheduled_for"])
        for e in smtp.ledger.performed.values()
    ]
    assert len(logical) == len(set(logical))
    expected = store.read(
        "MATCH (a:Action {kind: 'send'}) WHERE a.status <> 'sent' "
        "RETURN collect(DISTINCT a.status) AS s"
    )[0]["s"]
    assert set(expected) <= {"skipped"}  # nothing left in flight or cancelled
    assert report.reserved == pytest.approx(0.0, abs=1e-6)
    assert report.spent <= report.budget + 1e-6
    print(
        f"\n{kills} kills, {actions} actions, smtp redeliveries {smtp.ledger.redeliveries}, "
        f"webhook redeliveries {hook.ledger.redeliveries}"
    )


def test_webhook_that_times_out_after_performing(store: GraphStore, settings: Settings) -> None:
    hook = WebhookReceiver(SECRET.encode(), timeout_rate=0.05, stall_s=0.6).start()
    try:
        uid = build_strategy(
            store,
            channels=[
                ChannelSpec(
                    "c-push",
                    kind="push",
                    adapter="webhook",
                    endpoint=hook.url,
                    quiet_hours=(2, 5),
                    frequency_cap=2,
                )
            ],
            items=[ItemSpec("i-push", "c-push", 30.0, days=10)],
            contacts=30,
        )
        fast = settings.model_copy(
            update={
                "webhook_secret": SecretStr(SECRET),
                "webhook_timeout_s": 0.25,
                "webhook_backoff_s": 0.01,
            }
        )
        outcome = Executor(store, fast).execute(uid, clock_mode="simulated")
        assert outcome.status == "completed"
        sent = sent_keys(store, "c-push")
        assert len(sent) >= 300 and hook.stalled > 0
        assert set(hook.ledger.performed) == sent  # performed once each: 0 duplicates, 0 lost
        assert hook.ledger.redeliveries >= hook.stalled  # the timed-out ones were sent again
    finally:
        hook.stop()


def test_concurrent_dispatchers_never_exceed_the_budget(
    store: GraphStore, settings: Settings, servers: tuple[SmtpReceiver, WebhookReceiver]
) -> None:
    _, hook = servers
    uid = build_strategy(
        store,
        channels=[
            ChannelSpec("c-social", kind="paid_social", adapter="webhook", endpoint=hook.url)
        ],
        items=[
            ItemSpec("i-a", "c-social", 600.0, days=3),
            ItemSpec("i-b", "c-social", 600.0, days=3),
        ],
        contacts=0,
        spend=1000.0,
    )
    Executor(store, settings.model_copy(update={"webhook_secret": SecretStr(SECRET)})).execute(
        uid, clock_mode="simulated", drive=False
    )
    run = f"run-{uid}"
    store.write(
        "MATCH (c:Campaign) SET c.status = 'live' WITH count(c) AS n "
        "MATCH (r:Run {uid: $r}) SET r.now = '2099-01-01T00:00:00.000000Z' RETURN n",
        {"r": run},
    )
    # far more spend than the budgets allow: 2 campaigns x 150 actions of 7.50 (2,250)
    start = {
        r["item"]: r
        for r in store.read(
            "MATCH (i:PlanItem)<-[:PROPOSES]-(:Strategy {uid: $s}) RETURN i.uid AS item", {"s": uid}
        )
    }
    executor = Executor(store, settings)
    plan_rows = [executor._launch(run, _item(store, uid, item), _t0(), 0) for item in sorted(start)]
    outbox.start_campaigns(store, run, plan_rows)
    actions = [
        outbox.action_row(
            run=run,
            plan_item=item,
            campaign=f"cmp-{item}",
            channel="c-social",
            kind="spend",
            step=f"load:{n}",
            amount=7.5,
            scheduled_for="2027-01-01T00:00:00.000000Z",
            day="2027-03-01",
            seq=n,
        )
        for item in sorted(start)
        for n in range(150)
    ]
    outbox.add_actions(store, run, actions)
    env = env_for(settings)
    peak = {"value": 0.0}
    stop = threading.Event()

    def watch() -> None:
        graph = open_store(settings)
        try:
            while not stop.is_set():
                r = graph.read(
                    "MATCH (r:Run {uid: $r}) RETURN r.reserved + r.spent AS t", {"r": run}
                )[0]["t"]
                peak["value"] = max(peak["value"], float(r or 0))
                time.sleep(0.005)
        finally:
            graph.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLI, "dispatch", run, "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    for p in procs:
        p.wait(timeout=300)
    stop.set()
    watcher.join()
    report = run_report(store, run)
    performed = sum(
        float(e.fields["amount"])
        for e in hook.ledger.performed.values()
        if e.fields.get("action") == "update_budget"
    )
    assert performed <= 1000.0 + 1e-6 and report.spent <= 1000.0 + 1e-6
    assert peak["value"] <= 1000.0 + 1e-6
    assert report.spent == pytest.approx(1000.0, abs=7.5)  # the budget was used, not wasted
    for c in report.campaigns:
        assert c.spend <= 600.0 + 1e-6
    workers = {
        r["w"]
        for r in store.read(
            "MATCH (a:Action {status: 'sent', kind: 'spend'}) RETURN DISTINCT a.claimed_by AS w"
        )
    }
    assert len(workers) >= 2  # the dispatchers really worked side by side


def _item(store: GraphStore, strategy: str, item: str):  # type: ignore[no-untyped-def]
    from stratagraph.execution.plan import load_plan

    props = store.read("MATCH (s:Strategy {uid: $u}) RETURN properties(s) AS p", {"u": strategy})[
        0
    ]["p"]
    return load_plan(store, strategy, props).item(item)


def _t0():  # type: ignore[no-untyped-def]
    from stratagraph.execution.clock import parse_time

    return parse_time("2027-01-01T00:00:00.000000Z")
