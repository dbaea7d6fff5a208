"""Limits of the API on both engines: depth and aliases (also through fragments), tokens,
masked errors, introspection and suggestions off outside dev mode, time and body limits."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from stratagraph.api.app import create_app
from stratagraph.api.testing import GraphQL, RoleToken, error_codes, role_tokens
from stratagraph.settings import Settings
from stratagraph.store import GraphStore


@pytest.fixture
def tokens(store: GraphStore, settings: Settings) -> dict[str, RoleToken]:
    store.write(
        "CREATE (:Market {uid: 'm1', code: 'M1', currency: 'EUR', locale: 'de-DE', "
        "timezone: 'Europe/Berlin', created_at: '2026-01-01T00:00:00.000000Z'})"
    )
    return role_tokens(store, settings, prefix="lim")


def client_for(settings: Settings, store: GraphStore, **overrides: Any) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=overrides), store=store))


@pytest.fixture
def gql(store: GraphStore, settings: Settings, tokens: dict[str, RoleToken]) -> Iterator[GraphQL]:
    with client_for(settings, store) as client:
        yield GraphQL(client, tokens["admin"])


def deep_query(depth: int) -> str:
    """A query whose deepest field (`uid`) is `depth` levels down (the outermost field is
    level 0): markets > nodes > located > nodes > ... > uid; `depth` is even."""
    assert depth % 2 == 0 and depth >= 2
    text = "uid"
    for level in range(depth - 1, 0, -1):
        if level % 2 == 1:  # nodes at odd levels; below the first, Market-typed fragments
            text = (
                f"nodes {{ {text} }}" if level == 1 else f"nodes {{ ... on Market {{ {text} }} }}"
            )
        else:
            text = f"located {{ {text} }}"
    return "{ markets { " + text + " } }"


def test_depth_limit(gql: GraphQL) -> None:
    for depth in (2, 4, 6, 8, 10):
        assert "errors" not in gql(deep_query(depth)), depth
    for depth in (12, 14):
        body = gql(deep_query(depth))
        assert "exceeds maximum operation depth of 10" in body["errors"][0]["message"]
        assert body["data"] is None


def test_depth_limit_through_fragments(gql: GraphQL) -> None:
    ok = gql("query { markets { ...M } } fragment M on MarketConnection { nodes { uid } }")
    assert "errors" not in ok
    # the same deep selection as the refused query, but split into fragments
    body = gql(
        "query { markets { ...A } }\n"
        "fragment A on MarketConnection { nodes { located { ...B } } }\n"
        "fragment B on NodeConnection { nodes { ... on Market { located { ...C } } } }\n"
        "fragment C on NodeConnection { nodes { ... on Market { located { ...D } } } }\n"
        "fragment D on NodeConnection { nodes { ... on Market { located { ...E } } } }\n"
        "fragment E on NodeConnection { nodes { ... on Market { located { nodes { uid } } } } }"
    )
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


def aliases(n: int, prefix: str = "a") -> str:
    return " ".join(f"{prefix}{i}: me {{ name }}" for i in range(n))


def test_alias_limit(gql: GraphQL) -> None:
    assert "errors" not in gql("{ " + aliases(15) + " }")
    body = gql("{ " + aliases(16) + " }")
    assert "16 aliases found. Allowed: 15" in body["errors"][0]["message"]


def test_alias_limit_through_fragments(gql: GraphQL) -> None:
    ok = gql(
        "query { ...F ...G } fragment F on Query { " + aliases(7) + " } "
        "fragment G on Query { " + aliases(8, "b") + " }"
    )
    assert "errors" not in ok
    body = gql(
        "query { ...F ...G } fragment F on Query { " + aliases(8) + " } "
        "fragment G on Query { " + aliases(8, "b") + " }"
    )
    assert body.get("errors"), body
    assert "alias" in body["errors"][0]["message"]
    # a fragment spread twice counts twice; nested spreads count too
    body = gql(
        "query { ...F ...F } fragment F on Query { ...G } "
        "fragment G on Query { " + aliases(9) + " }"
    )
    assert body.get("errors") and "alias" in body["errors"][0]["message"], body


def test_token_limit(gql: GraphQL) -> None:
    assert "errors" not in gql("{ me { " + "name " * 300 + "} }")
    body = gql("{ me { " + "name " * 2100 + "} }")
    assert "token" in body["errors"][0]["message"].lower()


def test_introspection_and_suggestions_only_in_dev(
    store: GraphStore, settings: Settings, tokens: dict[str, RoleToken]
) -> None:
    with client_for(settings, store) as client:
        gql = GraphQL(client, tokens["viewer"])
        body = gql("{ __schema { queryType { name } } }")
        assert body["errors"] and "introspection" in body["errors"][0]["message"].lower()
        body = gql('{ __type(name: "Strategy") { name } }')
        assert body["errors"]
        body = gql("{ strategies { nodes { statu } } }")
        message = body["errors"][0]["message"]
        assert "Cannot query field 'statu'" in message and "Did you mean" not in message
        body = gql("{ strategies(frist: 1) { nodes { uid } } }")
        assert "Did you mean" not in body["errors"][0]["message"]
        assert client.get("/graphql").status_code in (404, 405)
        assert client.get("/docs").status_code == 404
    with client_for(settings, store, api_dev=True) as client:
        gql = GraphQL(client, tokens["viewer"])
        assert gql.data("{ __schema { queryType { name } } }")["__schema"]["queryType"] == {
            "name": "Query"
        }
        assert "Did you mean" in gql("{ strategies { nodes { statu } } }")["errors"][0]["message"]
        page = client.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_unexpected_errors_are_masked_outside_dev(
    store: GraphStore,
    settings: Settings,
    tokens: dict[str, RoleToken],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import stratagraph.api.schema.queries as queries

    def broken(_: Any) -> Any:
        raise RuntimeError("secret internals: /etc/passwd")

    monkeypatch.setattr(queries, "verify", broken)
    with client_for(settings, store) as client:
        body = GraphQL(client, tokens["viewer"])("{ auditVerify }")
        assert body["errors"][0]["message"] == "Unexpected error."
        assert "secret" not in str(body)
        # errors meant for the caller are not masked
        body = GraphQL(client, tokens["viewer"])('mutation { validate(strategy: "nope") { ok } }')
        assert error_codes(body) == ["FORBIDDEN"]
        assert "may not validate" in body["errors"][0]["message"]
        body = GraphQL(client, tokens["admin"])('mutation { validate(strategy: "nope") { ok } }')
        assert error_codes(body) == ["NOT_FOUND"]
    with client_for(settings, store, api_dev=True) as client:
        body = GraphQL(client, tokens["viewer"])("{ auditVerify }")
        assert "secret internals" in body["errors"][0]["message"]


def test_time_limit_per_request(
    store: GraphStore,
    settings: Settings,
    tokens: dict[str, RoleToken],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = store.execute

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.15)
        return real(*args, **kwargs)

    with client_for(settings, store, api_request_timeout_ms=200) as client:
        gql = GraphQL(client, tokens["viewer"])
        assert "errors" not in gql("{ markets { nodes { uid } } }")
        monkeypatch.setattr(store, "execute", slow)
        body = gql(
            "{ a: markets { nodes { uid } } b: markets { nodes { uid } } "
            "c: markets { nodes { uid } } }"
        )
        assert "TIMEOUT" in error_codes(body), body


def test_analyst_cypher_time_limit(
    store: GraphStore, settings: Settings, tokens: dict[str, RoleToken]
) -> None:
    with client_for(settings, store, query_timeout_ms=50) as client:
        r = client.post(
            "/cypher",
            json={"query": "UNWIND range(1, 50000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x)"},
            headers=tokens["analyst"].headers,
        )
        assert r.status_code in (400, 504), r.text
        assert r.json()["error"]["code"] in ("TIMEOUT", "BAD_USER_INPUT")


def test_body_size_limit(
    store: GraphStore, settings: Settings, tokens: dict[str, RoleToken]
) -> None:
    with client_for(settings, store, api_max_body_bytes=2048) as client:
        r = client.post(
            "/graphql",
            json={"query": "{ me { name } }", "variables": {"x": "y" * 5000}},
            headers=tokens["viewer"].headers,
        )
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "BAD_USER_INPUT"


def test_health_ready_metrics(
    store: GraphStore, settings: Settings, tokens: dict[str, RoleToken]
) -> None:
    with client_for(settings, store) as client:
        assert client.get("/health").json() == {"status": "ok"}
        ready = client.get("/ready")
        assert ready.status_code == 200 and ready.json()["engine"] == store.dialect
        GraphQL(client, tokens["viewer"]).data("{ me { name } }")
        client.post("/graphql", json={"query": "{ me { name } }"})
        text = client.get("/metrics").text
        assert (
            'stratagraph_http_requests_total{method="POST",route="/graphql",status="200"}' in text
        )
        assert 'stratagraph_auth_failures_total{reason="missing"} 1.0' in text
        assert "stratagraph_store_up 1.0" in text
