"""The GraphStore port behaves the same on both engines."""

from __future__ import annotations

import pytest

from stratagraph.errors import QueryError, ReadOnlyViolation
from stratagraph.graph_schema import SCHEMA
from stratagraph.store import GraphStore

VALUES = {
    "text": 'it\'s "quoted"\nand \\ escaped — ünïcode 🎯',
    "integer": 9_007_199_254_740_993,
    "real": 1.5e-7,
    "flag": False,
    "words": ["a", "b|c", ""],
    "numbers": [0.5, -2.0, 1e9],
}


def test_values_round_trip_as_parameters(store: GraphStore) -> None:
    store.write("CREATE (n:Market {uid: $uid}) SET n += $props", {"uid": "m1", "props": VALUES})
    row = store.read("MATCH (n:Market {uid: 'm1'}) RETURN n")[0]["n"]
    assert row["_labels"] == ["Market"]
    assert {k: row[k] for k in VALUES} == VALUES


def test_null_in_a_property_map_removes_the_property(store: GraphStore) -> None:
    store.write("CREATE (:Market {uid: 'm1', name: 'x', code: 'X'})")
    store.write("MATCH (n:Market {uid: 'm1'}) SET n += $props", {"props": {"name": None}})
    assert store.read("MATCH (n:Market) RETURN n.name AS name, n.code AS code") == [
        {"name": None, "code": "X"}
    ]


def test_unique_uid_per_label_is_enforced(store: GraphStore) -> None:
    store.write("CREATE (:Audience {uid: 'a1'})")
    with pytest.raises(QueryError):
        store.write("CREATE (:Audience {uid: 'a1'})")
    store.write("CREATE (:Channel {uid: 'a1'})")  # unique per label, not globally
    assert store.read("MATCH (n {uid: 'a1'}) RETURN count(n) AS c") == [{"c": 2}]


def test_ensure_schema_is_idempotent(store: GraphStore) -> None:
    store.ensure_schema(SCHEMA.indexes())
    store.ensure_schema(SCHEMA.indexes())
    store.write("CREATE (:Audience {uid: 'a1'})")
    assert store.read("MATCH (n:Audience) RETURN count(n) AS c") == [{"c": 1}]


def test_reading_an_empty_graph_returns_no_rows(store: GraphStore) -> None:
    assert store.read("MATCH (n:Audience) RETURN n.uid AS uid") == []


WRITES = [
    "CREATE (:Audience {uid: 'evil'})",
    "MATCH (n:Market) SET n.name = 'changed'",
    "MATCH (n:Market) DETACH DELETE n",
    "MERGE (:Audience {uid: 'evil'})",
    "MATCH (n:Market) REMOVE n.name",
    "MATCH (n:Market) WITH n CREATE (n)-[:IN_MARKET]->(:Market {uid: 'evil'})",
]


@pytest.mark.parametrize("statement", WRITES)
def test_read_only_refuses_every_write_and_changes_nothing(
    store: GraphStore, statement: str
) -> None:
    store.write("CREATE (:Market {uid: 'm1', name: 'kept'})")
    with pytest.raises(ReadOnlyViolation):
        store.read_only(statement, timeout_ms=5000)
    assert store.read("MATCH (n) RETURN n.uid AS uid, n.name AS name") == [
        {"uid": "m1", "name": "kept"}
    ]


def test_read_only_answers_reads(store: GraphStore) -> None:
    store.write("UNWIND range(1, 3) AS i CREATE (:Market {uid: 'm' + toString(i)})")
    columns, rows = store.read_only(
        "MATCH (n:Market) WHERE n.uid <> $skip RETURN n.uid AS uid ORDER BY uid",
        {"skip": "m2"},
        timeout_ms=5000,
    )
    assert columns == ["uid"]
    assert rows == [["m1"], ["m3"]]


def test_read_only_reports_syntax_errors_as_query_errors(store: GraphStore) -> None:
    with pytest.raises(QueryError):
        store.read_only("MATCH (n RETURN n", timeout_ms=5000)


def test_clear_removes_everything(store: GraphStore) -> None:
    store.write(
        "UNWIND range(1, 50) AS i CREATE (:Market {uid: toString(i)})-[:IN_MARKET]->"
        "(:Market {uid: 'x' + toString(i)})"
    )
    store.clear()
    assert store.read("MATCH (n) RETURN count(n) AS c") == [{"c": 0}]


def test_neo4j_reports_a_statement_failure_raised_again_during_rollback(
    request: pytest.FixtureRequest,
) -> None:
    """Under load the driver can raise ResultFailedError while rolling back a transaction
    whose statement broke a constraint; the adapter must report the constraint (a
    QueryError, which the audit chain retries on), not leak a driver error."""
    from conftest import engine_settings
    from neo4j import ManagedTransaction
    from neo4j.exceptions import ConstraintError, ResultFailedError

    from stratagraph.store import open_store
    from stratagraph.store.neo4j_store import Neo4jStore

    store = open_store(engine_settings("neo4j", request))
    try:
        assert isinstance(store, Neo4jStore)
        store.clear()
        store.write("CREATE (:Audience {uid: 'dup'})")
        try:
            store._driver.execute_query("CREATE (:Audience {uid: 'dup'})")
        except ConstraintError as exc:
            violation = exc
        else:
            raise AssertionError("the uid constraint did not hold")

        def work(tx: ManagedTransaction) -> None:
            raise ResultFailedError(None, "The result has failed.") from violation

        with pytest.raises(QueryError, match="already exists"):
            store._session_call("record_event", work, write=True)
    finally:
        store.clear()
        store.close()
