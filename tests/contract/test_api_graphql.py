"""The GraphQL API and analyst endpoints on both engines, over the sample twin with one
strategy proposed, approved and executed: lists and cursors, personal data, lineage,
strategy details, the whole workflow as mutations, named queries and ad-hoc Cypher."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ENGINES, engine_settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from stratagraph.api.app import create_app
from stratagraph.api.testing import GraphQL, RoleToken, error_codes, role_tokens
from stratagraph.lineage.world import World, build_world
from stratagraph.settings import Settings
from stratagraph.store import GraphStore, open_store

Api = tuple[GraphStore, Settings, World, TestClient, dict[str, RoleToken], Any]


@pytest.fixture(scope="module", params=ENGINES)
def api(request: pytest.FixtureRequest, small_twin: Path) -> Iterator[Api]:
    settings = engine_settings(str(request.param), request)
    store = open_store(settings)
    store.clear()
    world = build_world(store, settings, small_twin, weeks=1)
    tokens = role_tokens(store, settings, prefix="g")
    app = create_app(
        settings.model_copy(update={"simulator_truth": str(small_twin / "ground_truth.json")}),
        store=store,
    )
    try:
        with TestClient(app) as client:
            yield store, settings, world, client, tokens, app
    finally:
        store.clear()
        store.close()


def q(api: Api, role: str = "viewer") -> GraphQL:
    return GraphQL(api[3], api[4][role])


def test_lists_page_with_cursors_and_filters(api: Api) -> None:
    gql = q(api)
    first = gql.data(
        "{ channels(first: 2) { edges { cursor node { uid kind } } "
        "pageInfo { hasNextPage endCursor } } }"
    )["channels"]
    assert len(first["edges"]) == 2 and first["pageInfo"]["hasNextPage"]
    seen = [e["node"]["uid"] for e in first["edges"]]
    after = first["pageInfo"]["endCursor"]
    while after:
        page = gql.data(
            "query($a: String) { channels(first: 2, after: $a) { nodes { uid } "
            "pageInfo { hasNextPage endCursor } } }",
            {"a": after},
        )["channels"]
        seen += [n["uid"] for n in page["nodes"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    everything = gql.data("{ channels(first: 500) { nodes { uid } } }")["channels"]["nodes"]
    assert seen == [n["uid"] for n in everything] == sorted(seen)
    email = gql.data('{ channels(where: [{name: "kind", value: "email"}]) { nodes { kind } } }')
    assert {n["kind"] for n in email["channels"]["nodes"]} == {"email"}
    body = gql('{ channels(where: [{name: "colour", value: "red"}]) { nodes { uid } } }')
    assert error_codes(body) == ["BAD_USER_INPUT"] and "no property" in body["errors"][0]["message"]
    assert error_codes(gql('{ channels(after: "%%%") { nodes { uid } } }')) == ["BAD_USER_INPUT"]
    assert error_codes(gql("{ channels(first: 100000) { nodes { uid } } }")) == ["BAD_USER_INPUT"]
    # every list of the issue exists
    data = gql.data(
        "{ markets(first: 1) { nodes { uid code } } audiences(first: 1) { nodes { uid size } } "
        "assets(first: 1) { nodes { uid themes } } goals(first: 1) { nodes { uid constraints } } "
        "strategies(first: 1) { nodes { uid } } runs(first: 1) { nodes { uid } } "
        "actions(first: 1) { nodes { uid } } campaigns(first: 1) { nodes { uid } } "
        "kpiObservations(first: 1) { nodes { uid spend } } "
        "auditEvents(first: 1) { nodes { seq verb details } } "
        "contacts(first: 1) { nodes { uid } } }"
    )
    assert all(data[k]["nodes"] for k in data)


def test_personal_data_only_for_allowed_roles(api: Api) -> None:
    query = "{ contacts(first: 2) { nodes { uid email phone name timezone } } }"
    for role in ("viewer", "analyst", "approver"):
        body = q(api, role)(query)
        assert set(error_codes(body)) == {"FORBIDDEN"}
        assert all(n["email"] is None for n in body["data"]["contacts"]["nodes"])
        assert q(api, role).data("{ contacts(first: 2) { nodes { uid timezone } } }")
        body = q(api, role)('{ contacts(where: [{name: "email", value: "x"}]) { nodes { uid } } }')
        assert error_codes(body) == ["FORBIDDEN"]
    for role in ("marketer", "admin"):
        nodes = q(api, role).data(query)["contacts"]["nodes"]
        assert all("@" in n["email"] for n in nodes)


def test_strategy_details(api: Api) -> None:
    w = api[2]
    data = q(api).data(
        "query($u: ID!) { strategy(uid: $u) { uid status version forecast { metric p10 p50 p90 } "
        "riskScore riskFactors { name value } rationale versions { uid } "
        "items(first: 3) { nodes { uid budget forecast { metric p50 } on { nodes { uid } } } } "
        "evidence(first: 5) { nodes { __typename uid label } } "
        "validationReports { nodes { conforms violations { nodes { message } } } } "
        "approvals { nodes { actor role decision planHash } } "
        "runs { nodes { uid status report actions(first: 2) { nodes { kind status } } } } "
        "auditTrail(first: 5) { seq verb actor } approvalState goals { nodes { uid } } } }",
        {"u": w.strategy},
    )["strategy"]
    assert data["uid"] == w.strategy and data["status"] == "completed"
    assert {f["metric"] for f in data["forecast"]} >= {"conversions", "revenue"}
    assert data["riskFactors"] and data["rationale"]
    assert data["items"]["nodes"] and data["items"]["nodes"][0]["on"]["nodes"]
    assert data["evidence"]["nodes"][0]["__typename"] == data["evidence"]["nodes"][0]["label"]
    assert data["validationReports"]["nodes"][0]["conforms"] is True
    assert data["approvals"]["nodes"]
    run = data["runs"]["nodes"][0]
    assert run["uid"] == w.run and run["report"]["status"] == "completed"
    assert data["auditTrail"][0]["seq"] > data["auditTrail"][-1]["seq"]
    assert data["approvalState"]["strategy_uid"] == w.strategy
    assert data["goals"]["nodes"] == [{"uid": w.goal}]


def test_node_search_and_lineage(api: Api) -> None:
    w = api[2]
    gql = q(api)
    node = gql.data(
        "query($u: ID!) { node(uid: $u) { __typename uid ... on KPIObservation { spend } } }",
        {"u": w.kpi},
    )["node"]
    assert node["__typename"] == "KPIObservation"
    hits = gql.data("query($t: String!) { search(text: $t) { label uid } }", {"t": w.kpi})
    assert {"label": "KPIObservation", "uid": w.kpi} in hits["search"]
    by_name = gql.data('{ search(text: "newsletter") { label uid name } }')["search"]
    assert any(h["label"] == "Channel" for h in by_name)
    result = gql.data(
        "query($u: ID!) { lineage(uid: $u, depth: 6) { root trail truncated statements "
        "nodes { id label onTrail side properties } edges { type source target onTrail } } }",
        {"u": w.kpi},
    )["lineage"]
    assert result["root"] == f"KPIObservation:{w.kpi}"
    assert f"DataSource:{w.source}" in result["trail"]
    on_trail = {n["id"] for n in result["nodes"] if n["onTrail"]}
    assert on_trail == set(result["trail"])
    assert any(e["onTrail"] and e["type"] == "FROM_SOURCE" for e in result["edges"])
    body = gql("query($u: ID!) { lineage(uid: $u, maxNodes: 999999) { root } }", {"u": w.kpi})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    body = gql('{ lineage(uid: "nope") { root } }')
    assert error_codes(body) == ["NOT_FOUND"]


def test_lineage_hides_personal_data(api: Api) -> None:
    store = api[0]
    contact = store.read("MATCH (c:Contact)-[:FROM_BATCH]->() RETURN c.uid AS u LIMIT 1")[0]["u"]
    query = (
        'query($u: ID!) { lineage(uid: $u, label: "Contact", depth: 1) '
        "{ nodes { label name properties } } }"
    )
    viewer = q(api).data(query, {"u": contact})["lineage"]["nodes"]
    root = next(n for n in viewer if n["label"] == "Contact")
    assert "email" not in root["properties"] and "name" not in root["properties"]
    assert root["name"] == contact
    marketer = q(api, "marketer").data(query, {"u": contact})["lineage"]["nodes"]
    assert "email" in next(n for n in marketer if n["label"] == "Contact")["properties"]


def test_the_workflow_through_mutations(api: Api) -> None:
    store, _, _w, _, tokens, app = api
    marketer, approver, admin = q(api, "marketer"), q(api, "approver"), q(api, "admin")
    proposed = marketer.data(
        'mutation { propose(goal: "goal-us-holiday", options: 3, '
        'scenarios: ["window=2026-11-23..2026-11-29"]) { strategyUids notes strategies '
        "{ uid status maker } } }"
    )["propose"]
    assert len(proposed["strategyUids"]) == 3
    assert {s["maker"] for s in proposed["strategies"]} == {tokens["marketer"].actor}
    uid = proposed["strategyUids"][0]
    validated = approver.data(f'mutation {{ validate(strategy: "{uid}") {{ ok status message }} }}')
    assert validated["validate"]["ok"] in (True, False)
    submitted = marketer.data(
        f'mutation {{ submit(strategy: "{uid}") {{ ok status message strategy {{ status }} }} }}'
    )["submit"]
    assert submitted["strategy"]["status"] == submitted["status"]
    status = submitted["status"]
    if status != "approved":
        for role in ("finance", "marketing"):
            decided = approver.data(
                f'mutation {{ approve(strategy: "{uid}", role: "{role}", reason: "fits") '
                "{ ok status message } }"
            )["approve"]
            status = decided["status"]
            if status == "approved":
                break
            admin.data(
                f'mutation {{ approve(strategy: "{uid}", role: "{role}", reason: "ok too") '
                "{ ok status } }"
            )
            status = marketer.data(f'{{ strategy(uid: "{uid}") {{ status }} }}')["strategy"][
                "status"
            ]
            if status == "approved":
                break
    assert status == "approved", submitted
    dry = marketer.data(
        f'mutation {{ execute(strategy: "{uid}", dryRun: true) {{ status message details }} }}'
    )["execute"]
    assert dry["status"] == "dry-run" and dry["details"]["planned"]
    started = marketer.data(
        f'mutation {{ execute(strategy: "{uid}", clock: "simulated") '
        "{ runUid status driving run { uid status } } }"
    )["execute"]
    run = started["runUid"]
    assert started["driving"] and started["run"]["uid"] == run
    paused = marketer.data(f'mutation {{ pause(run: "{run}") {{ status message }} }}')["pause"]
    runs = app.state.stratagraph.runs
    assert runs.wait(run, 120)
    state = marketer.data(f'{{ run(uid: "{run}") {{ status }} }}')["run"]["status"]
    assert state in ("paused", "completed"), paused
    if state == "paused":
        resumed = marketer.data(f'mutation {{ resume(run: "{run}") {{ status driving }} }}')
        assert resumed["resume"]["driving"]
        assert runs.wait(run, 300)
    done = marketer.data(f'{{ run(uid: "{run}") {{ status report }} }}')["run"]
    assert done["status"] == "completed"
    assert done["report"]["realised_vs_forecast"]["conversions"]["realised"] >= 0
    body = marketer(f'mutation {{ rollback(run: "{run}") {{ status }} }}')
    assert error_codes(body) in ([], ["REFUSED"])
    on = admin.data('mutation { killSwitch(on: true, reason: "drill") }')["killSwitch"]
    assert on["on"] is True and on["scope"] == "global"
    assert admin.data("{ killSwitchState }")["killSwitchState"]
    admin.data("mutation { killSwitch(on: false) }")
    verified = admin.data("{ auditVerify }")["auditVerify"]
    assert verified["ok"] is True
    actors = {r["a"] for r in store.read("MATCH (e:AuditEvent) RETURN DISTINCT e.actor AS a")}
    assert {tokens["marketer"].actor, tokens["approver"].actor} <= actors


def test_named_queries_as_json_csv_and_parquet(api: Api) -> None:
    client, tokens = api[3], api[4]
    h = tokens["analyst"].headers
    listed = client.get("/queries", headers=h).json()
    assert {"channel_performance", "ingest_batches"} <= {x["name"] for x in listed}
    r = client.get("/queries/channel_performance?geo=DE&granularity=total", headers=h)
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == len(body["rows"]) > 0 and "spend" in body["columns"]
    csv = client.get(
        "/queries/channel_performance", params={"geo": "DE", "format": "csv"}, headers=h
    )
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("channel,")
    parquet = client.post(
        "/queries/channel_performance",
        json={"params": {"geo": "DE", "granularity": "total"}, "format": "parquet"},
        headers=h,
    )
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.num_rows == body["count"]
    bad = client.get("/queries/channel_performance?colour=red", headers=h)
    assert bad.status_code == 400 and "no parameter colour" in bad.json()["error"]["message"]
    assert client.get("/queries/nope", headers=h).status_code == 400


def test_adhoc_cypher_is_read_only(api: Api) -> None:
    store, client, tokens = api[0], api[3], api[4]
    h = tokens["analyst"].headers
    ok = client.post(
        "/cypher",
        json={
            "query": "MATCH (c:Channel) WHERE c.kind = $k RETURN c.uid AS uid",
            "params": {"k": "email"},
        },
        headers=h,
    )
    assert ok.status_code == 200 and ok.json()["rows"]
    before = store.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    for text in (
        "CREATE (:Hack {x: 1})",
        "MATCH (c:Channel) SET c.name = 'pwned' RETURN c",
        "MATCH (n:Audience) DETACH DELETE n",
    ):
        r = client.post("/cypher", json={"query": text}, headers=h)
        assert r.status_code == 409, (text, r.text)
        assert r.json()["error"]["code"] == "REFUSED"
    assert store.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == before
    csv = client.post(
        "/cypher",
        json={"query": "MATCH (m:Market) RETURN m.code AS code", "format": "csv"},
        headers=h,
    )
    assert csv.text.startswith("code\n")


def test_types_come_from_the_declaration() -> None:
    from stratagraph.api.schema import build_schema
    from stratagraph.api.schema.nodes import camel
    from stratagraph.graph_schema import SCHEMA
    from stratagraph.settings import get_settings

    sdl = build_schema(get_settings()).as_str()
    for node in SCHEMA.nodes:
        if node.label in ("ApiToken", "AuditHead"):
            assert f"type {node.label} " not in sdl
            continue
        block = sdl.split(f"type {node.label} implements Node {{", 1)[1].split("\n}", 1)[0]
        for prop in node.props:
            assert f"  {camel(prop.name)}:" in block, (node.label, prop.name)
    assert "tokenHash" not in sdl
    assert "(personal data: marketer and admin only)" in sdl
