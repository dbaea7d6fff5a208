"""Schemathesis over the API on both engines: generated GraphQL operations (every query
and mutation field of the schema, loaded from its SDL since introspection is off) and
generated requests to every REST operation of the OpenAPI document. No request may end
in a server error: no 5xx but the documented 503/504, no masked "Unexpected error."

Bounded: EXAMPLES per operation, so the whole file takes a minute or two."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from fastapi.testclient import TestClient

from stratagraph.api.app import create_app
from stratagraph.api.testing import RoleToken, role_tokens
from stratagraph.ingest.service import ingest
from stratagraph.settings import Settings
from stratagraph.store import GraphStore

FIXTURE = Path(__file__).parents[1] / "data" / "ingest"
nodes = schemathesis.graphql.nodes
# the JSON scalar (filter values, details): any scalar literal
schemathesis.graphql.scalar(
    "JSON",
    st.one_of(
        st.text(max_size=20).map(nodes.String),
        st.integers(-(2**31), 2**31 - 1).map(nodes.Int),
        st.booleans().map(nodes.Boolean),
        st.just(nodes.Null),
    ),
)
EXAMPLES = 12
CHECK = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def served(
    store: GraphStore, settings: Settings
) -> Iterator[tuple[Any, TestClient, dict[str, RoleToken]]]:
    ingest(store, sorted(FIXTURE.iterdir()))
    tokens = role_tokens(store, settings, prefix="fuzz")
    app = create_app(settings.model_copy(update={"api_request_timeout_ms": 3000}), store=store)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client, tokens


def server_error(status: int, body: str) -> bool:
    return (status >= 500 and status not in (503, 504)) or "Unexpected error." in body


def check_graphql(
    client: TestClient, operation: Any, tokens: list[RoleToken], failures: list[str]
) -> None:
    @CHECK
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        for token in tokens:
            r = client.post("/graphql", json={"query": case.body}, headers=token.headers)
            if server_error(r.status_code, r.text):
                failures.append(
                    f"{operation.label} as {token.role}: {r.status_code} {r.text[:300]}\n"
                    f"{case.body}"
                )

    run()


def test_graphql_operations_never_fail_on_the_server(
    served: tuple[Any, TestClient, dict[str, RoleToken]],
) -> None:
    app, client, tokens = served
    sdl = app.state.stratagraph.schema.as_str()
    schema = schemathesis.graphql.from_file(sdl)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    failures: list[str] = []
    for operation in operations:
        # mutations as the admin (who may do everything), queries as a viewer and the admin
        roles = ("admin",) if operation.label.startswith("Mutation.") else ("viewer", "admin")
        check_graphql(client, operation, [tokens[r] for r in roles], failures)
    assert failures == [], "\n\n".join(failures[:5])


def test_rest_operations_never_fail_on_the_server(
    served: tuple[Any, TestClient, dict[str, RoleToken]],
) -> None:
    app, _, tokens = served
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{o.method.upper()} {o.path}" for o in operations} >= {
        "GET /health",
        "GET /ready",
        "GET /metrics",
        "POST /graphql",
        "GET /queries",
        "GET /queries/{name}",
        "POST /queries/{name}",
        "POST /cypher",
    }
    failures: list[str] = []
    for operation in operations:

        @CHECK
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            for headers in (tokens["analyst"].headers, {}):
                r = case.call(headers=headers)
                if server_error(r.status_code, r.text):
                    failures.append(
                        f"{case.method} {case.formatted_path}: {r.status_code} {r.text[:300]}"
                    )

        run()
    assert failures == [], "\n".join(failures[:5])
