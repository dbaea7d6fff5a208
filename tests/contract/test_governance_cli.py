"""The governance commands on both engines: exit codes, output, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stratagraph.cli import run
from stratagraph.governance.plans import load_plan, write_plan
from stratagraph.store import GraphStore

SHAPES = Path(__file__).parents[1] / "data" / "shapes"


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out


def test_validate_exit_codes(
    store_env: str, store: GraphStore, capsys: pytest.CaptureFixture[str]
) -> None:
    write_plan(store, load_plan(SHAPES / "consent-missing.json"))
    assert run(["validate", "s-plan"]) == 1
    text = out(capsys)
    assert "does not conform" in text and "ConsentBasis" in text and "i-social" in text
    assert run(["validate", "s-plan", "--json"]) == 1
    report = json.loads(out(capsys))
    assert report["violations"][0]["shape"] == "ConsentBasis"
    assert report["conforms"] is False and len(report["shapes_version"]) == 64
    assert run(["validate", "nope"]) == 2
    assert "no strategy with uid 'nope'" in capsys.readouterr().err
    write_plan(store, load_plan(SHAPES / "conforming.json"))
    assert run(["validate", "s-plan"]) == 0
    assert "conforms" in out(capsys)


def test_workflow_commands(
    store_env: str, store: GraphStore, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = load_plan(SHAPES / "conforming.json")
    doc.nodes["Strategy"]["s-plan"]["spend"] = 60000.0
    doc.nodes["Goal"]["g-spring"]["budget"] = 80000.0
    write_plan(store, doc)
    assert run(["actors", "add", "planner"]) == 0
    assert run(["actors", "add", "bob", "--role", "marketing"]) == 0
    assert run(["actors", "add", "carol", "--role", "finance", "--role", "marketing"]) == 0
    assert "carol: roles finance, marketing" in out(capsys)
    assert run(["actors", "list", "--json"]) == 0
    assert [a["name"] for a in json.loads(out(capsys))] == ["bob", "carol", "planner"]
    assert run(["submit", "s-plan", "--as", "planner"]) == 0
    assert "needs approval" in out(capsys)
    code = run(["approve", "s-plan", "--as", "planner", "--role", "marketing", "--reason", "x"])
    assert code == 1 and "does not hold the role" in capsys.readouterr().err
    code = run(["approve", "s-plan", "--as", "mallory", "--role", "finance", "--reason", "x"])
    assert code == 2 and "not a registered actor" in capsys.readouterr().err
    assert run(["approve", "s-plan", "--as", "bob", "--role", "marketing", "--reason", "ok"]) == 0
    assert "finance: pending" in out(capsys)
    assert run(["governance", "status", "s-plan"]) == 1
    assert "may not execute" in out(capsys)
    assert run(["approve", "s-plan", "--as", "carol", "--role", "finance", "--reason", "ok"]) == 0
    assert "status: approved" in out(capsys)
    assert run(["governance", "status", "s-plan", "--json"]) == 0
    assert json.loads(out(capsys))["may_execute"] is True
    assert run(["reject", "s-plan", "--as", "bob", "--role", "marketing", "--reason", "late"]) == 0
    assert "status: rejected" in out(capsys)
    assert run(["audit", "log", "--subject", "s-plan", "--json"]) == 0
    verbs = [e["verb"] for e in json.loads(out(capsys))]
    assert verbs == ["submit", "validate", "approve", "validate", "approve", "reject"] or verbs == [
        "submit",
        "validate",
        "approve",
        "approve",
        "reject",
    ]
    assert run(["audit", "verify"]) == 0


def test_settings_command(
    store_env: str, store: GraphStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["governance", "settings", "--json"]) == 0
    assert json.loads(out(capsys))[0]["finance_threshold"] == 50000.0
    assert run(["governance", "settings", "--set", "finance_threshold=1"]) == 2
    assert "--as" in capsys.readouterr().err
    assert run(["actors", "add", "carol", "--role", "finance"]) == 0
    out(capsys)
    code = run(
        [
            "governance",
            "settings",
            "--set",
            "finance_threshold=70000",
            "--set",
            "auto_approve=off",
            "--as",
            "carol",
            "--reason",
            "policy 2027",
        ]
    )
    assert code == 0 and "v1" in out(capsys)
    assert run(["governance", "settings", "--set", "budget=1", "--as", "carol"]) == 2
    assert "unknown governance setting" in capsys.readouterr().err
    assert run(["governance", "settings", "--history", "--json"]) == 0
    versions = json.loads(out(capsys))
    assert [v["version"] for v in versions] == [1]
    assert versions[0]["auto_approve"] is False and versions[0]["actor"] == "carol"


def test_engine_unavailable_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", "s-plan", "--store", "falkordb://127.0.0.1:1"]) == 3


def test_shapes_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["shapes", "generate", "--check"]) == 0
    assert "current" in out(capsys)
    assert run(["shapes", "list", "--json"]) == 0
    assert json.loads(out(capsys))["files"] == ["plan.ttl", "policy.ttl", "structural.ttl"]
