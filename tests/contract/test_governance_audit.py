"""The audit chain on both engines: tampering is found at its event; concurrent writers,
threads or processes, leave an intact, gapless chain."""

from __future__ import annotations

import itertools
import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from stratagraph.cli import run
from stratagraph.governance import audit
from stratagraph.settings import Settings, get_settings
from stratagraph.store import GraphStore, open_store


def chain(store: GraphStore, n: int = 5) -> list[audit.AuditEvent]:
    return [
        audit.record(store, f"actor-{i % 2}", "run.step", f"run-{i}", {"step": i, "spend": 1.5})
        for i in range(1, n + 1)
    ]


def test_record_and_verify(store: GraphStore) -> None:
    assert audit.verify(store).ok and audit.verify(store).events == 0
    events = chain(store)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    result = audit.verify(store)
    assert result.ok and result.events == 5 and result.head_seq == 5
    assert [e.subject for e in audit.events(store, subject="run-3")] == ["run-3"]
    assert audit.events(store)[2].details_dict == {"step": 3, "spend": 1.5}


@pytest.mark.parametrize(
    ("field", "value"),
    [("actor", "mallory"), ("details", '{"spend":1000000,"step":3}'), ("at", "2020-01-01")],
)
def test_an_altered_event_is_found(store: GraphStore, field: str, value: str) -> None:
    chain(store)
    store.write(f"MATCH (e:AuditEvent {{seq: 3}}) SET e.{field} = $v", {"v": value})
    result = audit.verify(store)
    assert not result.ok and result.broken_seq == 3 and "altered" in (result.reason or "")


def test_a_removed_event_is_found(store: GraphStore) -> None:
    chain(store)
    store.write("MATCH (e:AuditEvent {seq: 3}) DELETE e")
    result = audit.verify(store)
    assert not result.ok and result.broken_seq == 3 and "missing" in (result.reason or "")


def test_removing_the_newest_events_is_found(store: GraphStore) -> None:
    chain(store)
    store.write("MATCH (e:AuditEvent) WHERE e.seq >= 4 DELETE e")
    result = audit.verify(store)
    assert not result.ok and result.broken_seq == 4 and "newest" in (result.reason or "")


def test_reordered_events_are_found(store: GraphStore) -> None:
    chain(store)
    store.write(
        "MATCH (a:AuditEvent {seq: 2}), (b:AuditEvent {seq: 3}) "
        "SET a.seq = 3, b.seq = 2, a.uid = 'swap-a', b.uid = 'swap-b'"
    )
    result = audit.verify(store)
    assert not result.ok and result.broken_seq == 2


def test_a_renumbered_chain_is_found(store: GraphStore) -> None:
    """Removing an event and renumbering the rest still breaks the hash links."""
    chain(store)
    store.write("MATCH (e:AuditEvent {seq: 2}) DELETE e")
    store.write("MATCH (e:AuditEvent) WHERE e.seq > 2 SET e.seq = e.seq - 1")
    store.write("MATCH (h:AuditHead) SET h.seq = 4")
    result = audit.verify(store)
    assert not result.ok and result.broken_seq == 2


def test_audit_verify_command(
    store_env: str, store: GraphStore, capsys: pytest.CaptureFixture[str]
) -> None:
    chain(store)
    assert run(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    store.write("MATCH (e:AuditEvent {seq: 4}) SET e.subject = 'run-x'")
    assert run(["audit", "verify"]) == 1
    assert "broken at event 4" in capsys.readouterr().out
    assert run(["audit", "log", "--json", "--subject", "run-2"]) == 0


def test_concurrent_threads_keep_one_chain(store: GraphStore) -> None:
    def writer(worker: int) -> list[int]:
        return [
            audit.record(store, f"w{worker}", "tick", f"s{worker}", {"i": i}).seq for i in range(8)
        ]

    with ThreadPoolExecutor(max_workers=6) as pool:
        seqs = [s for got in pool.map(writer, range(6)) for s in got]
    assert sorted(seqs) == list(range(1, 49))
    result = audit.verify(store)
    assert result.ok and result.events == 48


def _process_writer(args: tuple[dict[str, Any], int, int]) -> list[int]:
    settings_dict, worker, count = args
    store = open_store(Settings(**settings_dict), ensure_schema=False)
    try:
        return [
            audit.record(store, f"p{worker}", "tick", f"p{worker}", {"i": i}).seq
            for i in range(count)
        ]
    finally:
        store.close()


def test_concurrent_processes_keep_one_chain(store: GraphStore, settings: Settings) -> None:
    config = {"store": settings.store, "graph": settings.graph, "neo4j_user": settings.neo4j_user}
    if settings.neo4j_password is not None:
        config["neo4j_password"] = settings.neo4j_password.get_secret_value()
    get_settings(**config)  # valid as a whole
    context = multiprocessing.get_context("spawn")
    with context.Pool(3) as pool:
        seqs = [
            s for got in pool.map(_process_writer, [(config, w, 6) for w in range(3)]) for s in got
        ]
    assert sorted(seqs) == list(range(1, 19))
    assert audit.verify(store).ok
