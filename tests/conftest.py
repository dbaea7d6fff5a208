"""Shared fixtures: real engines only.

`store` is parametrised by engine, so every store-touching test runs on embedded FalkorDB
and on a real Neo4j 5.26 server in the same session. When Neo4j cannot be started the
Neo4j half fails loudly; it is never skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from stratagraph.settings import Settings, get_settings
from stratagraph.store import GraphStore, open_store
from stratagraph.testing.neo4j_server import Neo4jEndpoint, Neo4jServer

ENGINES = ("falkordb", "neo4j")
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def neo4j_endpoint() -> Iterator[Neo4jEndpoint]:
    server = Neo4jServer()
    try:
        endpoint = server.start()
    except Exception as exc:  # the Neo4j half must fail, not vanish
        pytest.fail(f"Neo4j could not be started for the tests: {exc}", pytrace=False)
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture(scope="session")
def falkordb_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("falkordb")
    yield folder
    from stratagraph.store.embedded_server import EmbeddedServer

    EmbeddedServer(folder).stop()


def engine_settings(engine: str, request: pytest.FixtureRequest) -> Settings:
    if engine == "falkordb":
        folder: Path = request.getfixturevalue("falkordb_dir")
        return get_settings(store=f"falkordb+embedded://{folder}", graph="contract")
    endpoint: Neo4jEndpoint = request.getfixturevalue("neo4j_endpoint")
    return get_settings(
        store=endpoint.uri, neo4j_user=endpoint.user, neo4j_password=endpoint.password
    )


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(engine: str, request: pytest.FixtureRequest) -> Settings:
    return engine_settings(engine, request)


@pytest.fixture
def store(settings: Settings) -> Iterator[GraphStore]:
    """An empty graph on the engine under test."""
    graph = open_store(settings)
    graph.clear()
    try:
        yield graph
    finally:
        graph.close()


@pytest.fixture
def store_env(settings: Settings, store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> str:
    """The store URL exported as the CLI and `connect()` would read it; returns the URL."""
    monkeypatch.setenv("STRATAGRAPH_STORE", settings.store)
    monkeypatch.setenv("STRATAGRAPH_GRAPH", settings.graph)
    if settings.neo4j_password is not None:
        monkeypatch.setenv("STRATAGRAPH_NEO4J_USER", settings.neo4j_user)
        monkeypatch.setenv("STRATAGRAPH_NEO4J_PASSWORD", settings.neo4j_password.get_secret_value())
    return settings.store


@pytest.fixture(scope="session")
def small_twin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from stratagraph.sample import generate_twin

    folder = tmp_path_factory.mktemp("twin")
    generate_twin(folder, scale="small", seed=7)
    return folder


def pytest_report_header() -> list[str]:
    uri = os.environ.get("STRATAGRAPH_TEST_NEO4J_URI")
    return [f"engines: {', '.join(ENGINES)}; neo4j: {uri or 'started by the test tooling'}"]


@pytest.fixture(scope="module", params=ENGINES)
def twin_store(request: pytest.FixtureRequest, small_twin: Path) -> Iterator[GraphStore]:
    """The small sample twin loaded once per test module and engine (tests may add to it)."""
    from stratagraph.ingest.service import ingest

    graph = open_store(engine_settings(str(request.param), request))
    graph.clear()
    ingest(graph, sorted(small_twin.glob("*.csv")))
    try:
        yield graph
    finally:
        graph.clear()
        graph.close()
