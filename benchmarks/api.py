"""GraphQL API latency and throughput on the large sample twin, both engines.

    python benchmarks/api.py [--scale large] [--clients 20] [--seconds 15] [--workers 1]
        [--engines falkordb,neo4j] [--neo4j-uri bolt://... --neo4j-password ...]

For each engine: the twin is ingested, one goal's strategies are proposed by the copilot,
the best is approved through governance and run on the simulator (so a KPI's lineage goes
KPI > action > run > strategy > evidence > batch > source, depth 6), and viewer tokens
are made. The API server runs in its own process (`uvicorn`, --workers processes); a
separate load process keeps `--clients` requests in flight (asyncio + httpx), first for
the warm-up, then for `--seconds` per scenario:

- lineage: `lineage(uid: KPI, depth: 6)` with the trail, node ids and edges;
- list: `channels(first: 20) { nodes { uid name kind } }` (a simple query).

Prints a JSON line, then a table (p50 / p99 latency in ms, requests per second).
Goals: lineage p99 < 100 ms; simple query >= 500 requests/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from stratagraph.api.testing import free_port, role_tokens
from stratagraph.ingest.service import IngestTuning, ingest
from stratagraph.lineage.world import build_world
from stratagraph.sample import generate_twin
from stratagraph.settings import Settings, get_settings
from stratagraph.store import open_store
from stratagraph.testing.neo4j_server import Neo4jServer

LINEAGE = (
    "query($u: ID!) { lineage(uid: $u, depth: 6) { root truncated trail "
    "nodes { id label } edges { type source target } } }"
)
LIST = "{ channels(first: 20) { nodes { uid name kind } } }"


@contextmanager
def engines(args: argparse.Namespace, workdir: Path) -> Iterator[list[tuple[str, Settings]]]:
    wanted = args.engines.split(",")
    found: list[tuple[str, Settings]] = []
    if "falkordb" in wanted:
        found.append(
            ("falkordb", get_settings(store=f"falkordb+embedded://{workdir / 'falkordb'}"))
        )
    if "neo4j" not in wanted:
        yield found
        return
    if args.neo4j_uri:
        yield [
            *found,
            ("neo4j", get_settings(store=args.neo4j_uri, neo4j_password=args.neo4j_password)),
        ]
        return
    with Neo4jServer(heap="4g", pagecache="2g", use_env=False) as endpoint:
        neo4j = get_settings(
            store=endpoint.uri, neo4j_user=endpoint.user, neo4j_password=endpoint.password
        )
        yield [*found, ("neo4j", neo4j)]


def env_for(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["STRATAGRAPH_STORE"] = settings.store
    env["STRATAGRAPH_GRAPH"] = settings.graph
    if settings.neo4j_password is not None:
        env["STRATAGRAPH_NEO4J_USER"] = settings.neo4j_user
        env["STRATAGRAPH_NEO4J_PASSWORD"] = settings.neo4j_password.get_secret_value()
    return env


@contextmanager
def server(settings: Settings, workers: int) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "stratagraph.api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env_for(settings),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the API server did not start")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


async def load(
    url: str, token: str, body: dict[str, Any], clients: int, seconds: float
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                r = await client.post("/graphql", json=body, headers=headers)
                elapsed = time.perf_counter() - t0
                if r.status_code != 200 or r.json().get("errors"):
                    errors += 1
                else:
                    latencies.append(elapsed)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        return {"requests": 0, "errors": errors}
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 2),
        "p99_ms": round(1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 2),
        "max_ms": round(1000 * latencies[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--engines", default="falkordb,neo4j")
    parser.add_argument("--neo4j-uri")
    parser.add_argument("--neo4j-password")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "benchmark": "api",
        "scale": args.scale,
        "clients": args.clients,
        "workers": args.workers,
        "engines": {},
    }
    with tempfile.TemporaryDirectory(prefix="stratagraph-bench-api-") as tmp:
        workdir = Path(tmp)
        twin = workdir / "twin"
        generate_twin(twin, scale=args.scale, seed=7)
        with engines(args, workdir) as found:
            for name, settings in found:
                store = open_store(settings)
                store.clear()
                t0 = time.perf_counter()
                ingest(
                    store, sorted(twin.glob("*.csv")), tuning=IngestTuning.from_settings(settings)
                )
                world = None
                for weeks in (2, 4, 13):  # a window long enough for the copilot to plan in
                    try:
                        world = build_world(store, settings, twin, weeks=weeks, ingest_twin=False)
                        break
                    except RuntimeError as exc:
                        print(f"{name}: {weeks} weeks: {str(exc)[:200]}", file=sys.stderr)
                assert world is not None, "no strategy could be approved on this twin"
                setup = time.perf_counter() - t0
                token = role_tokens(store, settings, prefix=f"bench-{int(time.time())}")[
                    "viewer"
                ].token
                store.close()
                engine: dict[str, Any] = {"setup_s": round(setup, 1), "kpi": world.kpi}
                with server(settings, args.workers) as url:
                    lineage_body = {"query": LINEAGE, "variables": {"u": world.kpi}}
                    list_body = {"query": LIST}
                    probe = httpx.post(
                        f"{url}/graphql",
                        json=lineage_body,
                        headers={"Authorization": f"Bearer {token}"},
                    ).json()["data"]["lineage"]
                    engine["lineage_nodes"] = len(probe["nodes"])
                    engine["lineage_reaches_source"] = any(
                        n.startswith("DataSource:") for n in probe["trail"]
                    )
                    for scenario, body in (("lineage", lineage_body), ("list", list_body)):
                        asyncio.run(load(url, token, body, args.clients, args.warmup))
                        engine[scenario] = asyncio.run(
                            load(url, token, body, args.clients, args.seconds)
                        )
                results["engines"][name] = engine
                cleanup = open_store(settings)
                cleanup.clear()
                cleanup.close()
    print(json.dumps(results))
    print()
    print(f"{'engine':<10} {'scenario':<9} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'errors':>7}")
    for name, engine in results["engines"].items():
        for scenario in ("lineage", "list"):
            r = engine[scenario]
            print(
                f"{name:<10} {scenario:<9} {r.get('p50_ms', '-'):>8} {r.get('p99_ms', '-'):>8} "
                f"{r.get('rps', '-'):>8} {r['errors']:>7}"
            )
    print("goals: lineage p99 < 100 ms; list >= 500 req/s")


if __name__ == "__main__":
    main()
