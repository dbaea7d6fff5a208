"""How long the explorer takes to draw a 2,000-node lineage in headless Chromium.

    python benchmarks/explorer.py [--nodes 2000] [--runs 5] [--engine falkordb]

The small sample twin is ingested into an embedded FalkorDB store (the drawing does not
depend on the engine), the API is served by uvicorn in this process, and Debian's
/usr/bin/chromium (driven by Playwright, nothing downloaded) loads /explorer. The lineage
downstream of the KPI observations' DataSource is fetched once through the API with
`maxNodes = --nodes`, then `window.explorer.render(lineage)` is timed `--runs` times: from
the call to the second animation frame after the graph was laid out and drawn, as the page
itself reports (`lastRenderMs`). Prints a JSON line, then a table. Goal: < 2,000 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from stratagraph.api.app import create_app
from stratagraph.api.testing import CHROMIUM, CHROMIUM_ARGS, role_tokens, serve
from stratagraph.ingest.service import ingest
from stratagraph.sample import generate_twin
from stratagraph.settings import get_settings
from stratagraph.store import open_store

QUERY = """query($u: ID!, $max: Int!) {
  lineage(uid: $u, direction: DOWNSTREAM, depth: 4, fanout: 5000, maxNodes: $max) {
    root at truncated trail statements milliseconds
    nodes { id label uid name depth side createdAt properties omitted currentStatus parent onTrail }
    edges { id type source target properties onTrail }
  }
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="stratagraph-bench-explorer-") as tmp:
        work = Path(tmp)
        generate_twin(work / "twin", scale="small", seed=7)
        settings = get_settings(store=f"falkordb+embedded://{work / 'db'}")
        store = open_store(settings)
        ingest(store, sorted((work / "twin").glob("*.csv")))
        token = role_tokens(store, settings, prefix="bench")["viewer"].token
        with serve(create_app(settings, store=store)) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
            page = browser.new_page(viewport={"width": 1500, "height": 900})
            page.goto(f"{url}/explorer/#token={token}")
            lineage = page.evaluate(
                """async ([q, max]) => {
                    const token = sessionStorage.getItem('stratagraph-token');
                    const variables = {u: 'source:KPIObservation.csv', max};
                    const r = await fetch('/graphql', {method: 'POST',
                      headers: {'content-type': 'application/json',
                                authorization: 'Bearer ' + token},
                      body: JSON.stringify({query: q, variables})});
                    return (await r.json()).data.lineage;
                }""",
                [QUERY, args.nodes],
            )
            timings = [
                float(page.evaluate("data => window.explorer.render(data)", lineage))
                for _ in range(args.runs)
            ]
            page.screenshot(path=str(Path("test-artifacts").resolve() / "explorer-2000.png"))
            browser.close()
        store.close()
    result = {
        "benchmark": "explorer",
        "nodes": len(lineage["nodes"]),
        "edges": len(lineage["edges"]),
        "server_ms": lineage["milliseconds"],
        "render_ms": [round(t, 1) for t in timings],
        "render_median_ms": round(statistics.median(timings), 1),
        "render_max_ms": round(max(timings), 1),
    }
    print(json.dumps(result))
    print()
    print(f"{'nodes':>6} {'edges':>6} {'median ms':>10} {'max ms':>8}  goal < 2000 ms")
    print(
        f"{result['nodes']:>6} {result['edges']:>6} {result['render_median_ms']:>10} "
        f"{result['render_max_ms']:>8}"
    )


if __name__ == "__main__":
    main()
