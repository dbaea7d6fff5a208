"""Propose latency on the large sample twin, both engines, with model fitting reported apart.

    python benchmarks/propose.py [--scale large] [--runs 10] [--neo4j-uri ... --neo4j-password ...]

For each engine: the twin is ingested, one proposal per goal fits the response models (timed
as "fit"), then every goal is proposed `--runs` times with the models already fitted, each
proposal written as three Strategy versions (timed end to end: history freshness check,
candidate walk, forecasts, optimiser, risk, briefs and the writes). Prints a JSON line, then a
table. Goal: p95 under 2 s per goal.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from stratagraph import cypher
from stratagraph.ingest.service import ingest
from stratagraph.reasoning.models import ModelRegistry
from stratagraph.reasoning.propose import ProposeRequest, propose
from stratagraph.sample import generate_twin
from stratagraph.settings import Settings, get_settings
from stratagraph.store import open_store
from stratagraph.testing.neo4j_server import Neo4jServer


def measure(name: str, settings: Settings, twin: Path, runs: int) -> dict[str, object]:
    with open_store(settings) as store:
        store.clear()
        ingest(store, sorted(twin.glob("*.csv")))
        goals = [r["uid"] for r in store.read(cypher.load("reasoning/goal_uids"))]
        registry = ModelRegistry(seed=0)
        started = time.perf_counter()
        first = propose(store, ProposeRequest(goal=goals[0]), registry)
        cold = time.perf_counter() - started
        fit = first.fit_seconds
        for goal in goals[1:]:  # every channel's model is shared by all goals
            fit += propose(store, ProposeRequest(goal=goal, write=False), registry).fit_seconds
        latencies = []
        for _ in range(runs):
            for goal in goals:
                t0 = time.perf_counter()
                propose(store, ProposeRequest(goal=goal), registry)
                latencies.append(time.perf_counter() - t0)
        store.clear()
    values = np.array(latencies)
    return {
        "engine": name,
        "goals": len(goals),
        "proposals": len(latencies),
        "fit_seconds": round(fit, 2),
        "first_proposal_seconds": round(cold, 2),
        "p50_seconds": round(float(np.percentile(values, 50)), 3),
        "p95_seconds": round(float(np.percentile(values, 95)), 3),
        "max_seconds": round(float(values.max()), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="large")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--neo4j-uri")
    parser.add_argument("--neo4j-password")
    parser.add_argument("--engines", default="falkordb,neo4j")
    args = parser.parse_args(argv)
    engines = args.engines.split(",")
    results = []
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        work = Path(tmp)
        twin = generate_twin(work / "twin", scale=args.scale, seed=7)
        if "falkordb" in engines:
            print("measuring falkordb...", file=sys.stderr, flush=True)
            settings = get_settings(store=f"falkordb+embedded://{work / 'falkordb'}")
            results.append(measure("falkordb", settings, twin.out_dir, args.runs))
        if "neo4j" in engines:
            print("measuring neo4j...", file=sys.stderr, flush=True)
            if args.neo4j_uri:
                settings = get_settings(store=args.neo4j_uri, neo4j_password=args.neo4j_password)
                results.append(measure("neo4j", settings, twin.out_dir, args.runs))
            else:
                with Neo4jServer(heap="4g", pagecache="2g", use_env=False) as endpoint:
                    settings = get_settings(
                        store=endpoint.uri,
                        neo4j_user=endpoint.user,
                        neo4j_password=endpoint.password,
                    )
                    results.append(measure("neo4j", settings, twin.out_dir, args.runs))
    print(json.dumps({"benchmark": "propose", "scale": args.scale, "results": results}))
    print(
        f"\n{'engine':9} {'goals':>5} {'proposals':>9} {'fit s':>7} {'first s':>8} "
        f"{'p50 s':>7} {'p95 s':>7} {'max s':>7}"
    )
    for r in results:
        print(
            f"{r['engine']:9} {r['goals']:>5} {r['proposals']:>9} {r['fit_seconds']:>7} "
            f"{r['first_proposal_seconds']:>8} {r['p50_seconds']:>7} {r['p95_seconds']:>7} "
            f"{r['max_seconds']:>7}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
