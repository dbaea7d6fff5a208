"""Validation latency of a 200-item strategy beside whole-graph validation of the medium twin.

    python benchmarks/governance.py [--items 200] [--runs 40] [--engines falkordb,neo4j]
                                    [--neo4j-uri bolt://... --neo4j-password ...]

For each graph engine, in one run: the medium sample twin is generated and ingested, a
conforming strategy with --items plan items is written into the same graph, and its
validation is timed --runs times after a warm-up (fetch the subgraph, project it to RDF,
run the shapes; not recorded, so every run sees the same graph), split into its phases,
then once more recording the report (one more statement). Then the same shapes validate
the whole graph (every node and relationship projected). Both SHACL engines are measured:
pyshacl-turbo on every run, pySHACL on a few (it is far slower). Without --neo4j-uri a
Neo4j 5.26 server is started from Maven Central jars. Prints a JSON line, then a table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from stratagraph.governance.engine import PYSHACL, TURBO, get_engine, turbo_available
from stratagraph.governance.hashing import hash_subgraph
from stratagraph.governance.plans import synthetic_plan, write_plan
from stratagraph.governance.projection import project_graph, project_ntriples
from stratagraph.governance.settings import current_settings
from stratagraph.governance.subgraph import fetch_subgraph
from stratagraph.governance.validation import check, validate_strategy
from stratagraph.ingest.service import IngestTuning, ingest
from stratagraph.sample import generate_twin
from stratagraph.settings import Settings, get_settings
from stratagraph.store import open_store
from stratagraph.testing.neo4j_server import Neo4jServer

STRATEGY = "bench-strategy"


@contextmanager
def engines(args: argparse.Namespace, workdir: Path) -> Iterator[list[tuple[str, Settings]]]:
    wanted = args.engines.split(",")
    found: list[tuple[str, Settings]] = []
    if "falkordb" in wanted:
        found.append(("falkordb", get_settings(store=f"falkordb+embedded://{workdir / 'fdb'}")))
    if "neo4j" not in wanted:
        yield found
        return
    if args.neo4j_uri:
        found.append(
            ("neo4j", get_settings(store=args.neo4j_uri, neo4j_password=args.neo4j_password))
        )
        yield found
        return
    with Neo4jServer(heap="2g", pagecache="1g", use_env=False) as endpoint:
        found.append(
            (
                "neo4j",
                get_settings(
                    store=endpoint.uri, neo4j_user=endpoint.user, neo4j_password=endpoint.password
                ),
            )
        )
        yield found


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def measure(name: str, settings: Settings, twin: Path, args: argparse.Namespace) -> dict[str, Any]:
    store = open_store(settings)
    try:
        store.clear()
        files = sorted(twin.glob("*.csv"))
        ingest(store, files, tuning=IngestTuning.from_settings(settings))
        write_plan(store, synthetic_plan(args.items, strategy_uid=STRATEGY, prefix="bench"))
        turbo = get_engine(TURBO if turbo_available() else PYSHACL)
        for _ in range(3):
            check(store, STRATEGY, engine=turbo)
        totals, fetch, project, shacl = [], [], [], []
        report = None
        for _ in range(args.runs):
            t_fetch, sub = timed(lambda: fetch_subgraph(store, STRATEGY))
            settings_now = current_settings(store)
            started = time.perf_counter()
            text = project_ntriples(sub, settings_now, content_hash=hash_subgraph(sub))
            t_project = time.perf_counter() - started
            started = time.perf_counter()
            results = turbo.validate(text)
            t_shacl = time.perf_counter() - started
            fetch.append(t_fetch)
            project.append(t_project)
            shacl.append(t_shacl)
            t_total, report = timed(lambda: check(store, STRATEGY, engine=turbo))
            totals.append(t_total)
            assert not results, "the benchmark strategy must conform"
            assert report.conforms
        t_record, recorded = timed(lambda: validate_strategy(store, STRATEGY))
        pyshacl_runs = []
        if args.pyshacl_runs:
            reference = get_engine(PYSHACL)
            for _ in range(args.pyshacl_runs):
                pyshacl_runs.append(timed(lambda: check(store, STRATEGY, engine=reference))[0])
        settings_now = current_settings(store)
        t_graph_fetch, whole = timed(lambda: project_graph(store, settings_now))
        t_graph_shacl, graph_results = timed(lambda: turbo.validate(whole))
        assert report is not None
        return {
            "engine": name,
            "shacl_engine": turbo.name,
            "items": args.items,
            "triples": report.triples,
            "runs": args.runs,
            "p50_ms": ms(pct(totals, 0.5)),
            "p95_ms": ms(pct(totals, 0.95)),
            "fetch_p50_ms": ms(statistics.median(fetch)),
            "project_p50_ms": ms(statistics.median(project)),
            "shacl_p50_ms": ms(statistics.median(shacl)),
            "record_ms": ms(t_record),
            "recorded_conforms": recorded.conforms,
            "pyshacl_p50_ms": ms(statistics.median(pyshacl_runs)) if pyshacl_runs else None,
            "graph_triples": whole.count("\n"),
            "graph_project_s": round(t_graph_fetch, 2),
            "graph_shacl_s": round(t_graph_shacl, 2),
            "graph_results": len(graph_results),
        }
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--pyshacl-runs", type=int, default=3)
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--engines", default="falkordb,neo4j")
    parser.add_argument("--neo4j-uri")
    parser.add_argument("--neo4j-password")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sg-bench-gov-") as tmp:
        workdir = Path(tmp)
        twin = workdir / "twin"
        generate_twin(twin, scale=args.scale, seed=7)
        with engines(args, workdir) as targets:
            rows = [measure(name, settings, twin, args) for name, settings in targets]
    print(json.dumps({"benchmark": "governance", "scale": args.scale, "results": rows}))
    header = (
        f"{'engine':9} {'items':>5} {'triples':>7} {'p50 ms':>7} {'p95 ms':>7} {'fetch':>6} "
        f"{'proj':>5} {'shacl':>6} {'record':>7} {'pySHACL':>8} | {'graph triples':>13} "
        f"{'project s':>9} {'shacl s':>8} {'results':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        py = f"{r['pyshacl_p50_ms']:.0f}" if r["pyshacl_p50_ms"] is not None else "-"
        print(
            f"{r['engine']:9} {r['items']:>5} {r['triples']:>7} {r['p50_ms']:>7} {r['p95_ms']:>7} "
            f"{r['fetch_p50_ms']:>6} {r['project_p50_ms']:>5} {r['shacl_p50_ms']:>6} "
            f"{r['record_ms']:>7} {py:>8} | {r['graph_triples']:>13} {r['graph_project_s']:>9} "
            f"{r['graph_shacl_s']:>8} {r['graph_results']:>7}"
        )
    print(
        "p50/p95: fetch + project + validate of one strategy (pyshacl-turbo); record: the same "
        "plus storing the report; graph: the same shapes over every node and relationship."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
