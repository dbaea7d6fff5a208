"""Governance settings: approval thresholds, versioned in the graph.

Each change writes a new GovernanceSettings node (version n+1, SUPERSEDES version n) in the
same statement as its audit event; nothing is edited in place. With no stored version the
built-in defaults apply as version 0. Every validation report and approval records the
settings version it used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from stratagraph import cypher
from stratagraph.errors import UsageError
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.store import GraphStore

from . import audit


@dataclass(frozen=True)
class Thresholds:
    """The tunable part of the policy (defaults as in DESIGN.md)."""

    finance_threshold: float = 50_000.0
    finance_role: str = "finance"
    two_approver_risk: float = 70.0
    high_risk_approvers: int = 2
    auto_approve: bool = True
    auto_approve_max_spend: float = 5_000.0
    auto_approve_max_risk: float = 30.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))


KEYS = tuple(f.name for f in fields(Thresholds))
_DOCS = {
    "finance_threshold": "spend above this (market currency) needs an approver with finance_role",
    "finance_role": "the role that approves spend above finance_threshold",
    "two_approver_risk": "risk score above this needs high_risk_approvers distinct approvers",
    "high_risk_approvers": "distinct approvers needed above two_approver_risk",
    "auto_approve": "approve small conforming strategies automatically on submit",
    "auto_approve_max_spend": "largest spend approved automatically",
    "auto_approve_max_risk": "highest risk score approved automatically",
}


@dataclass(frozen=True)
class GovernanceSettings:
    version: int
    thresholds: Thresholds
    actor: str | None = None
    at: str | None = None
    reason: str | None = None

    @property
    def uid(self) -> str:
        return settings_uid(self.version)

    @property
    def version_label(self) -> str:
        return str(self.version)

    def node_props(self) -> dict[str, Any]:
        """The properties of the GovernanceSettings node (also used by the projection)."""
        props: dict[str, Any] = {
            "uid": self.uid,
            "version": self.version,
            **asdict(self.thresholds),
        }
        props["thresholds"] = self.thresholds.as_json()
        for key in ("actor", "at", "reason"):
            value = getattr(self, key)
            if value is not None:
                props[key] = value
        return props

    @staticmethod
    def doc(key: str) -> str:
        return _DOCS.get(key, "")


def settings_uid(version: int) -> str:
    return f"governance-settings-{version}"


DEFAULT_SETTINGS = GovernanceSettings(version=0, thresholds=Thresholds())


def _from_props(props: Mapping[str, Any]) -> GovernanceSettings:
    values: dict[str, Any] = {}
    for f in fields(Thresholds):
        if props.get(f.name) is not None:
            values[f.name] = props[f.name]
    return GovernanceSettings(
        version=int(props["version"]),
        thresholds=_coerce(values, Thresholds()),
        actor=props.get("actor"),
        at=props.get("at"),
        reason=props.get("reason"),
    )


def current_settings(store: GraphStore) -> GovernanceSettings:
    rows = store.read(cypher.load("governance/current_settings"))
    return _from_props(rows[0]["settings"]) if rows else DEFAULT_SETTINGS


def settings_history(store: GraphStore) -> list[GovernanceSettings]:
    rows = store.read(cypher.load("governance/settings_history"))
    return [_from_props(r["settings"]) for r in rows]


def _parse_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise UsageError(f"setting {key} takes true or false, not {value!r}")


def _coerce(changes: Mapping[str, Any], base: Thresholds) -> Thresholds:
    values: dict[str, Any] = {}
    types = {f.name: f.type for f in fields(Thresholds)}
    for key, raw in changes.items():
        if key not in types:
            raise UsageError(
                f"unknown governance setting {key!r}; known settings: {', '.join(KEYS)}"
            )
        kind = str(types[key])
        try:
            if kind == "bool":
                values[key] = _parse_bool(key, raw)
            elif kind == "int":
                values[key] = int(str(raw))
            elif kind == "float":
                values[key] = float(str(raw).replace(",", "").replace("_", ""))
            else:
                text = str(raw).strip()
                if not text:
                    raise ValueError("empty")
                values[key] = text
        except ValueError:
            raise UsageError(f"setting {key} takes a {kind}, not {raw!r}") from None
    result = replace(base, **values)
    for key in ("two_approver_risk", "auto_approve_max_risk"):
        if not 0 <= getattr(result, key) <= 100:
            raise UsageError(f"setting {key} is a risk score between 0 and 100")
    for key in ("finance_threshold", "auto_approve_max_spend"):
        if getattr(result, key) < 0:
            raise UsageError(f"setting {key} cannot be negative")
    if result.high_risk_approvers < 1:
        raise UsageError("setting high_risk_approvers must be at least 1")
    return result


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`key=value` strings from the command line."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set takes key=value, not {item!r} (keys: {', '.join(KEYS)})")
        out[key.strip()] = value.strip()
    return out


def update_settings(
    store: GraphStore,
    changes: Mapping[str, Any],
    *,
    actor: str,
    reason: str | None = None,
) -> GovernanceSettings:
    """Write settings version n+1 with `changes` applied, with its audit event, atomically.

    The actor must be registered (`stratagraph actors add`)."""
    from .actors import require_actor

    require_actor(store, actor)
    if not changes:
        raise UsageError("no settings to change; pass --set key=value")

    def build(head: audit.ChainHead) -> audit.Attempt:
        current = current_settings(store)
        new = GovernanceSettings(
            version=current.version + 1,
            thresholds=_coerce(changes, current.thresholds),
            actor=actor,
            at=now_iso(),
            reason=reason,
        )
        event = audit.next_event(
            head,
            actor=actor,
            verb="settings.change",
            subject=new.uid,
            details={
                "version": new.version,
                "previous": current.version,
                "changes": {k: getattr(new.thresholds, k) for k in changes},
                "reason": reason,
            },
            at=new.at,
        )
        params = {
            "props": new.node_props(),
            "previous_uid": settings_uid(current.version) if current.version else "",
            "previous_version": current.version,
        }
        return audit.Attempt(cypher.load("governance/update_settings"), params, event, result=new)

    result: GovernanceSettings = audit.commit(store, build)
    return result
