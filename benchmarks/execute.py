"""Actions per second through the outbox and the dispatcher, on the simulator, both engines,
beside a baseline that calls the same channels without the outbox.

    python benchmarks/execute.py [--contacts 1000] [--days 5] [--neo4j-uri bolt://... \
        --neo4j-password ...]

The plan: two email items and one paid-social item on the simulator channel, over `--days`
days, for an audience of `--contacts` consenting contacts in four time zones, approved through
governance. Timed end to end: `Executor.execute` on the simulated clock, i.e. planning every
day's actions into the outbox, claiming, the people gate (consent, caps, quiet hours), budget
reservation, the simulator calls, acknowledgement, measurement and guardrails. The baseline
makes the same simulator calls for the same actions (the dry run's list) and writes only the
campaigns' spend, one statement per batch: no Action nodes, no reservation, no idempotency.
Without --neo4j-uri a Neo4j 5.26 server is started from Maven Central jars.
Prints a JSON line, then a table.
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
from typing import Any

from stratagraph.execution import Executor, run_report
from stratagraph.execution.adapters.base import ChannelCall
from stratagraph.execution.adapters.simulator import SimulatorAdapter
from stratagraph.execution.fixtures import ChannelSpec, ItemSpec, build_strategy
from stratagraph.graph_schema import SCHEMA
from stratagraph.settings import Settings, get_settings
from stratagraph.store import GraphStore, open_store
from stratagraph.testing.neo4j_server import Neo4jServer


@contextmanager
def engines(args: argparse.Namespace, workdir: Path) -> Iterator[list[tuple[str, Settings]]]:
    falkordb = get_settings(store=f"falkordb+embedded://{workdir / 'falkordb'}", graph="bench")
    if args.neo4j_uri:
        yield [
            ("falkordb", falkordb),
            ("neo4j", get_settings(store=args.neo4j_uri, neo4j_password=args.neo4j_password)),
        ]
        return
    if args.falkordb_only:
        yield [("falkordb", falkordb)]
        return
    with Neo4jServer(heap="2g", pagecache="1g", use_env=False) as endpoint:
        neo4j = get_settings(
            store=endpoint.uri, neo4j_user=endpoint.user, neo4j_password=endpoint.password
        )
        yield [("falkordb", falkordb), ("neo4j", neo4j)]


def strategy(store: GraphStore, args: argparse.Namespace) -> str:
    store.clear()
    store.ensure_schema(SCHEMA.indexes())
    return build_strategy(
        store,
        uid="s-bench",
        channels=[
            ChannelSpec("c-mail", unit_cost=0.001, frequency_cap=3),
            ChannelSpec("c-news", unit_cost=0.001, frequency_cap=3),
            ChannelSpec("c-social", kind="paid_social"),
        ],
        items=[
            ItemSpec("i-mail", "c-mail", 100.0, days=args.days),
            ItemSpec("i-news", "c-news", 100.0, days=args.days),
            ItemSpec("i-social", "c-social", 4000.0, days=args.days),
        ],
        contacts=args.contacts,
    )


def outbox_run(store: GraphStore, settings: Settings, uid: str) -> dict[str, Any]:
    started = time.perf_counter()
    outcome = Executor(store, settings).execute(uid, clock_mode="simulated")
    seconds = time.perf_counter() - started
    report = run_report(store, outcome.run)
    actions = sum(sum(v.values()) for v in report.actions.values())
    return {
        "status": outcome.status,
        "actions": actions,
        "seconds": round(seconds, 3),
        "actions_per_s": round(actions / seconds, 1),
        "spent": round(report.spent, 2),
    }


def baseline_run(store: GraphStore, settings: Settings, uid: str) -> dict[str, Any]:
    """The same simulator calls without the outbox: campaigns' spend written per batch."""
    planned = Executor(store, settings).execute(uid, dry_run=True).planned
    store.write("MERGE (c:Campaign {uid: 'bench-baseline'}) SET c.spend = 0.0")
    adapter = SimulatorAdapter(None)
    batch = settings.dispatch_batch
    started = time.perf_counter()
    for i in range(0, len(planned), batch):
        cost = 0.0
        for a in planned[i : i + batch]:
            call = ChannelCall(
                key=a["idempotency_key"],
                kind=a["kind"],
                run="baseline",
                campaign=a["campaign_uid"],
                plan_item=a["plan_item_uid"],
                channel={"uid": a["channel_uid"], "unit_cost": 0.001},
                amount=a["amount"],
                day=a.get("day"),
            )
            if a["kind"] == "send":
                cost += adapter.send(call).cost
            elif a["kind"] == "spend":
                cost += adapter.update_budget(call).cost
            elif a["kind"] == "measure":
                adapter.fetch_metrics(call)
            else:
                adapter.launch(call)
        store.write(
            "MATCH (c:Campaign {uid: 'bench-baseline'}) SET c.spend = c.spend + $x", {"x": cost}
        )
    seconds = time.perf_counter() - started
    return {
        "actions": len(planned),
        "seconds": round(seconds, 3),
        "actions_per_s": round(len(planned) / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--neo4j-uri")
    parser.add_argument("--neo4j-password")
    parser.add_argument("--falkordb-only", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {"benchmark": "execute", "contacts": args.contacts, "days": args.days}
    with (
        tempfile.TemporaryDirectory(prefix="stratagraph-bench-") as tmp,
        engines(args, Path(tmp)) as targets,
    ):
        for name, settings in targets:
            with open_store(settings) as store:
                print(f"{name}: planning", file=sys.stderr)
                uid = strategy(store, args)
                base = baseline_run(store, settings, uid)
                run = outbox_run(store, settings, uid)
                results[name] = {
                    "outbox": run,
                    "baseline": base,
                    "overhead": round(base["actions_per_s"] / max(run["actions_per_s"], 1e-9), 2),
                }
                print(f"{name}: {run['actions_per_s']:,.0f} actions/s", file=sys.stderr)
                store.clear()
    print(json.dumps(results))
    print()
    print(
        "| engine | actions | outbox s | outbox actions/s | baseline actions/s | baseline/outbox |"
    )
    print("|---|---|---|---|---|---|")
    for name in ("falkordb", "neo4j"):
        if name in results:
            r = results[name]
            print(
                f"| {name} | {r['outbox']['actions']:,} | {r['outbox']['seconds']} | "
                f"**{r['outbox']['actions_per_s']:,.0f}** | "
                f"{r['baseline']['actions_per_s']:,.0f} | {r['overhead']}x |"
            )


if __name__ == "__main__":
    main()
