"""Ingest throughput of the large sample twin on both engines, beside a naive baseline.

    python benchmarks/ingest.py [--scale large] [--neo4j-uri bolt://... --neo4j-password ...]

For each engine, in one run: the medium twin is loaded once to warm the engine up (query
plans, JIT, caches: a production server is warm) and cleared; the large twin is ingested
end to end (read, validate, write, lineage) and timed; then ingested again (the idempotent
path, which must change no count); and the small twin is ingested one statement per row
(batch size 1, one statement in flight) as the naive baseline. Without --neo4j-uri a
Neo4j 5.26 server is started from Maven Central jars with a 4 GB heap and a 2 GB page
cache. Prints a JSON line, then a table.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stratagraph.analyst import graph_stats
from stratagraph.ingest.service import IngestTuning, ingest
from stratagraph.sample import generate_twin
from stratagraph.settings import Settings, get_settings
from stratagraph.store import GraphStore, open_store
from stratagraph.testing.neo4j_server import Neo4jServer


def files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.csv"))


@contextmanager
def engines(args: argparse.Namespace, workdir: Path) -> Iterator[list[tuple[str, Settings]]]:
    falkordb = get_settings(store=f"falkordb+embedded://{workdir / 'falkordb'}")
    if args.neo4j_uri:
        yield [
            ("falkordb", falkordb),
            ("neo4j", get_settings(store=args.neo4j_uri, neo4j_password=args.neo4j_password)),
        ]
        return
    with Neo4jServer(heap="4g", pagecache="2g", use_env=False) as endpoint:
        neo4j = get_settings(
            store=endpoint.uri, neo4j_user=endpoint.user, neo4j_password=endpoint.password
        )
        yield [("falkordb", falkordb), ("neo4j", neo4j)]


def timed_ingest(store: GraphStore, paths: list[Path], tuning: IngestTuning) -> float:
    started = time.perf_counter()
    ingest(store, paths, tuning=tuning)
    return time.perf_counter() - started


def measure(
    name: str,
    settings: Settings,
    large: Path,
    medium: Path,
    small: Path,
    large_entities: int,
    small_entities: int,
) -> dict[str, object]:
    with open_store(settings) as store:
        store.clear()
        timed_ingest(store, files(medium), IngestTuning())  # warm-up: plans, JIT, caches
        store.clear()
        seconds = timed_ingest(store, files(large), IngestTuning())
        counts = graph_stats(store)
        again = timed_ingest(store, files(large), IngestTuning())
        unchanged = graph_stats(store) == counts
        store.clear()
        naive = timed_ingest(store, files(small), IngestTuning(batch_size=1, workers=1))
        store.clear()
    return {
        "engine": name,
        "entities": large_entities,
        "seconds": round(seconds, 2),
        "entities_per_s": round(large_entities / seconds),
        "graph_writes_per_s": round((counts.nodes + counts.edges) / seconds),
        "reingest_seconds": round(again, 2),
        "reingest_unchanged": unchanged,
        "baseline_entities": small_entities,
        "baseline_entities_per_s": round(small_entities / naive),
        "speedup": round((large_entities / seconds) / (small_entities / naive), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="large")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--neo4j-uri")
    parser.add_argument("--neo4j-password")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        workdir = Path(tmp)
        large = generate_twin(workdir / "large", scale=args.scale, seed=args.seed)
        medium = generate_twin(workdir / "medium", scale="medium", seed=args.seed)
        small = generate_twin(workdir / "small", scale="small", seed=args.seed)
        results = []
        with engines(args, workdir) as targets:
            for name, settings in targets:
                print(f"measuring {name}...", file=sys.stderr, flush=True)
                results.append(
                    measure(
                        name,
                        settings,
                        large.out_dir,
                        medium.out_dir,
                        small.out_dir,
                        large.entities,
                        small.entities,
                    )
                )
    print(json.dumps({"benchmark": "ingest", "scale": args.scale, "results": results}))
    print(
        f"\n{'engine':10} {'entities':>10} {'seconds':>8} {'entities/s':>11} "
        f"{'writes/s':>9} {'re-ingest s':>11} {'naive/s':>8} {'speedup':>8}"
    )
    for r in results:
        print(
            f"{r['engine']:10} {r['entities']:>10,} {r['seconds']:>8} "
            f"{r['entities_per_s']:>11,} {r['graph_writes_per_s']:>9,} "
            f"{r['reingest_seconds']:>11} {r['baseline_entities_per_s']:>8,} "
            f"{r['speedup']:>7}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
