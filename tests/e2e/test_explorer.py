"""The explorer in real headless Chromium (Debian's /usr/bin/chromium, driven by Python
Playwright; no browser is ever downloaded), served by a real uvicorn server over each
engine: an auditor enters a token, searches a realised KPI observation, sees the trail to
its DataSource, opens the strategy's approvals and audit events, filters labels, moves the
time control. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ENGINES, engine_settings

from stratagraph.api.app import create_app
from stratagraph.api.testing import CHROMIUM, CHROMIUM_ARGS, RoleToken, role_tokens, serve
from stratagraph.lineage.world import World, build_world
from stratagraph.store import GraphStore, open_store

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"

Site = tuple[str, GraphStore, World, dict[str, RoleToken], str]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install -y chromium`; "
            "`make install` does it)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module", params=ENGINES)
def site(request: pytest.FixtureRequest, small_twin: Path) -> Iterator[Site]:
    engine = str(request.param)
    settings = engine_settings(engine, request)
    store = open_store(settings)
    store.clear()
    world = build_world(store, settings, small_twin, weeks=1)
    tokens = role_tokens(store, settings, prefix="e2e")
    try:
        with serve(create_app(settings, store=store)) as url:
            yield url, store, world, tokens, engine
    finally:
        store.clear()
        store.close()


def test_auditor_finds_the_trail_from_a_kpi_to_its_data_source(browser: Any, site: Site) -> None:
    url, _, world, tokens, engine = site
    page = browser.new_page(viewport={"width": 1500, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/explorer/")
    # no token yet: the page asks for one
    page.fill("#search", world.kpi)
    page.click("#search-form button")
    page.wait_for_function("document.getElementById('status').classList.contains('error')")
    assert "token" in page.inner_text("#status")
    page.fill("#token", tokens["viewer"].token)
    page.click("#token-save")
    # search the KPI observation and open its lineage
    page.click("#search-form button")
    page.wait_for_selector("body[data-rendered]", timeout=30_000)
    trail = page.evaluate("window.explorer.trail")
    assert trail[0] == f"KPIObservation:{world.kpi}"
    assert f"Strategy:{world.strategy}" in trail
    assert f"DataSource:{world.source}" in trail
    sources = page.locator("#trail li.source")
    assert sources.count() >= 1
    assert world.source in sources.all_inner_texts()[0] or any(
        world.source in t for t in sources.all_inner_texts()
    )
    assert re.search(r"\d+ nodes, \d+ edges", page.inner_text("#status"))
    # the trail's edges and nodes are highlighted in the drawing
    assert page.evaluate("window.explorer.cy.edges('.trail').length") >= len(trail) - 1
    assert page.evaluate("window.explorer.cy.nodes('.trail').length") == len(trail)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"explorer-kpi-trail-{engine}.png"))

    # the strategy on the trail: validation reports, approvals, audit events in the panel
    page.click(f"#trail li[data-id='Strategy:{world.strategy}']")
    page.wait_for_selector("#panel-body h3:has-text('Approvals')", timeout=20_000)
    panel = page.inner_text("#panel-body")
    assert "conforms" in panel and "approved by demo-" in panel
    assert "Audit events" in panel and "approve" in panel
    page.screenshot(path=str(ARTIFACTS / f"explorer-strategy-panel-{engine}.png"))

    # filter a label out and back in
    visible = "window.explorer.cy.nodes().filter(n => n.style('display') !== 'none').length"
    before = page.evaluate(visible)
    page.uncheck("#labels input[data-label='KPIObservation']")
    assert page.evaluate(visible) < before
    page.check("#labels input[data-label='KPIObservation']")
    assert page.evaluate(visible) == before

    # expand a node's neighbours by double-click (through the page's own handler)
    count = len(page.evaluate("window.explorer.nodes"))
    page.evaluate(f"window.explorer.expand('Run:{world.run}')")
    page.wait_for_function(f"window.explorer.nodes.length > {count}", timeout=20_000)

    # the time control: long before the KPI existed, the server says so
    page.fill("#at", "2020-01-01T00:00:00")
    page.dispatch_event("#at", "change")
    page.wait_for_function(
        "document.getElementById('status').textContent.includes('did not exist')",
        timeout=20_000,
    )
    assert not errors, errors
    page.close()


def test_link_with_token_in_the_fragment(browser: Any, site: Site) -> None:
    url, _, world, tokens, engine = site
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.goto(
        f"{url}/explorer/#uid={world.source}&label=DataSource&direction=downstream&depth=3"
        "&fanout=1500"
        f"&token={tokens['viewer'].token}"
    )
    page.wait_for_selector("body[data-rendered]", timeout=30_000)
    assert "token=" not in page.url  # the secret leaves the address bar
    nodes = page.evaluate("window.explorer.nodes")
    assert any(n["label"] == "Strategy" for n in nodes)
    assert {n["side"] for n in nodes} <= {"root", "downstream"}
    page.screenshot(path=str(ARTIFACTS / f"explorer-downstream-{engine}.png"))
    page.close()
