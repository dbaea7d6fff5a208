"""Every policy fixture on both graph engines: the exact violations (shape, focus, path).

Fixtures are plan documents in tests/data/shapes/ (pySHACL's conformance-test style): each
says what it breaks and lists the violations it must produce; `conforming.json` and the
`*-ok` / `*-two-approvers` files must produce none.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stratagraph.governance import latest_report, validate_strategy
from stratagraph.governance.engine import PYSHACL, TURBO, get_engine, turbo_available
from stratagraph.governance.plans import load_plan, write_plan
from stratagraph.governance.validation import check
from stratagraph.store import GraphStore

FIXTURES = sorted((Path(__file__).parents[1] / "data" / "shapes").glob("*.json"))
NOW = "2027-01-15T09:00:00.000000Z"
STRATEGY = "s-plan"
# the policies of the issue, each with at least one violating fixture (and conforming.json)
POLICIES = {
    "consent": "ConsentBasis",
    "assets": ("AssetBrandApproved", "AssetLocalized", "AssetUnexpired"),
    "budgets": ("ChannelDailyMax", "MarketDailyCap", "GoalBudget"),
    "approval tier": ("FinanceApproval", "HighRiskApprovers", "MakerChecker", "ApprovalBinding"),
    "message channels": ("MessageFrequencyCap", "MessageQuietHours"),
    "no PII": ("NoPII-PlanItem-email", "NoPII-Strategy-phone"),
    "no cycles": "NoDependencyCycle",
}


def _expected(path: Path) -> list[list[str]]:
    return sorted(load_plan(path).meta["expect"])


def _got(report_violations: object) -> list[list[str]]:
    return sorted([v.shape, v.focus, v.path] for v in report_violations if v.blocking)  # type: ignore[attr-defined]


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_policy_fixture(store: GraphStore, fixture: Path) -> None:
    doc = load_plan(fixture)
    write_plan(store, doc, now=NOW)
    status_before = doc.nodes["Strategy"][STRATEGY]["status"]
    report = validate_strategy(store, STRATEGY)
    expected = _expected(fixture)
    assert _got(report.violations) == expected, doc.meta.get("description")
    assert report.conforms == (not expected)
    for v in report.violations:
        assert v.message and v.severity == "Violation" and v.focus_label
        assert "{?" not in v.message, "every message variable is bound"
    # stored with its violations, linked to the strategy
    stored = latest_report(store, STRATEGY)
    assert stored is not None and stored.uid == report.uid
    assert stored.violations == report.violations
    assert stored.shapes_version == report.shapes_version and len(stored.shapes_version) == 64
    assert stored.settings_version == "0"
    if status_before == "proposed":
        assert report.status_after == ("validated" if report.conforms else "proposed")


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_shacl_engines_agree(store: GraphStore, fixture: Path) -> None:
    """pySHACL (the reference) and pyshacl-turbo give the same results on every fixture."""
    if not turbo_available():
        pytest.skip("pyshacl-turbo is not installed; pySHACL alone is used")
    write_plan(store, load_plan(fixture), now=NOW)
    reference = check(store, STRATEGY, engine=get_engine(PYSHACL))
    turbo = check(store, STRATEGY, engine=get_engine(TURBO))
    assert _got(reference.violations) == _expected(fixture)
    assert [(v.shape, v.focus, v.path, v.severity, v.value) for v in turbo.violations] == [
        (v.shape, v.focus, v.path, v.severity, v.value) for v in reference.violations
    ]
    # the engines spell doubles differently in messages (1500.0, 1500, 1.5E3)
    assert [_numbers(v.message) for v in turbo.violations] == [
        _numbers(v.message) for v in reference.violations
    ]


def _numbers(text: str) -> str:
    return re.sub(r"-?\d+(\.\d+)?([eE][+-]?\d+)?", lambda m: f"{float(m.group()):.12g}", text)


def test_every_policy_has_a_violating_fixture() -> None:
    shapes = {e[0] for f in FIXTURES for e in load_plan(f).meta["expect"]}
    for policy, names in POLICIES.items():
        for name in (names,) if isinstance(names, str) else names:
            assert name in shapes, f"{policy}: no fixture violates {name}"
    conforming = [f.stem for f in FIXTURES if not load_plan(f).meta["expect"]]
    assert "conforming" in conforming and len(conforming) >= 3
