"""Validation reports as data, and reading them back from the graph."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from stratagraph import cypher
from stratagraph.store import GraphStore

BLOCKING = "Violation"


@dataclass(frozen=True)
class Violation:
    """One SHACL result: which shape, on which node, which path, and how to fix it."""

    shape: str
    focus: str
    focus_label: str
    path: str
    message: str
    severity: str
    value: str
    constraint: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.shape, self.focus, self.path)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ValidationReport:
    uid: str
    strategy_uid: str
    conforms: bool
    violations: tuple[Violation, ...]
    shapes_version: str
    settings_version: str
    content_hash: str
    at: str
    engine: str = ""
    triples: int = 0
    seconds: float = 0.0
    status_before: str = ""
    status_after: str = ""
    actor: str = ""

    @property
    def violation_count(self) -> int:
        return sum(1 for v in self.violations if v.blocking)

    @property
    def warning_count(self) -> int:
        return sum(1 for v in self.violations if not v.blocking)

    def node_props(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "strategy_uid": self.strategy_uid,
            "conforms": self.conforms,
            "shapes_version": self.shapes_version,
            "settings_version": self.settings_version,
            "content_hash": self.content_hash,
            "violation_count": self.violation_count,
            "warning_count": self.warning_count,
            "at": self.at,
            "engine": self.engine,
            "triples": self.triples,
            "seconds": round(self.seconds, 6),
            "actor": self.actor,
        }

    def violation_rows(self) -> list[dict[str, Any]]:
        return [
            {"uid": f"{self.uid}-v{n:04d}", "seq": n, **v.as_dict()}
            for n, v in enumerate(self.violations, start=1)
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.node_props(),
            "status_before": self.status_before,
            "status_after": self.status_after,
            "violations": [v.as_dict() for v in self.violations],
        }


def _report(props: dict[str, Any], violations: list[dict[str, Any]]) -> ValidationReport:
    rows = sorted(violations, key=lambda v: int(v.get("seq") or 0))
    return ValidationReport(
        uid=str(props["uid"]),
        strategy_uid=str(props.get("strategy_uid") or ""),
        conforms=bool(props.get("conforms")),
        violations=tuple(
            Violation(
                shape=str(v.get("shape") or ""),
                focus=str(v.get("focus") or ""),
                focus_label=str(v.get("focus_label") or ""),
                path=str(v.get("path") or ""),
                message=str(v.get("message") or ""),
                severity=str(v.get("severity") or BLOCKING),
                value=str(v.get("value") or ""),
                constraint=str(v.get("constraint") or ""),
            )
            for v in rows
        ),
        shapes_version=str(props.get("shapes_version") or ""),
        settings_version=str(props.get("settings_version") or ""),
        content_hash=str(props.get("content_hash") or ""),
        at=str(props.get("at") or ""),
        engine=str(props.get("engine") or ""),
        triples=int(props.get("triples") or 0),
        seconds=float(props.get("seconds") or 0.0),
        actor=str(props.get("actor") or ""),
    )


def latest_report(store: GraphStore, strategy_uid: str) -> ValidationReport | None:
    """The newest ValidationReport of a strategy, with its violations."""
    rows = store.read(cypher.load("governance/latest_report"), {"uid": strategy_uid})
    return _report(rows[0]["report"], rows[0]["violations"]) if rows else None
