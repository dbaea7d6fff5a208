"""The registry of actors and the approval roles they hold (Actor nodes in the graph)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from stratagraph import cypher
from stratagraph.errors import UsageError
from stratagraph.graph_schema.row_models import UID_PATTERN, now_iso
from stratagraph.store import GraphStore

from . import audit
from .errors import Refused, UnknownActor

SYSTEM_ACTOR = "system"  # records automatic approvals; can never be registered
_ROLE = re.compile(r"^[a-z][a-z0-9_\-]{0,39}$")


@dataclass(frozen=True)
class Actor:
    name: str
    roles: tuple[str, ...]
    active: bool = True
    added_by: str | None = None

    def holds(self, role: str) -> bool:
        return self.active and role in self.roles

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "roles": list(self.roles),
            "active": self.active,
            "added_by": self.added_by,
        }


def _actor(props: dict[str, Any]) -> Actor:
    return Actor(
        name=str(props["uid"]),
        roles=tuple(props.get("roles") or ()),
        active=props.get("active") is not False,
        added_by=props.get("added_by"),
    )


def get_actor(store: GraphStore, name: str) -> Actor | None:
    rows = store.read(cypher.load("governance/get_actor"), {"uid": name})
    return _actor(rows[0]["actor"]) if rows else None


def list_actors(store: GraphStore) -> list[Actor]:
    return [_actor(r["actor"]) for r in store.read(cypher.load("governance/list_actors"))]


def require_actor(store: GraphStore, name: str) -> Actor:
    found = get_actor(store, name)
    if found is None or not found.active:
        raise UnknownActor(
            f"{name!r} is not a registered actor. Register them first: "
            f"stratagraph actors add {name} --role ROLE",
            details={"actor": name},
        )
    return found


def require_role(store: GraphStore, name: str, role: str) -> Actor:
    found = require_actor(store, name)
    if not found.holds(role):
        held = ", ".join(found.roles) or "none"
        raise Refused(
            f"{name} does not hold the role {role!r} (roles held: {held}). Use one of their "
            f"roles, or grant it: stratagraph actors add {name} --role {role}",
            details={"actor": name, "role": role, "roles": list(found.roles)},
        )
    return found


def _check_name(name: str) -> None:
    if not re.match(UID_PATTERN, name):
        raise UsageError(
            f"actor name {name!r} is not usable: letters, digits and . _ - @ : + / only, "
            "starting with a letter or digit"
        )
    if name == SYSTEM_ACTOR:
        raise UsageError(f"{SYSTEM_ACTOR!r} is reserved for automatic approvals")


def add_actor(
    store: GraphStore, name: str, roles: Iterable[str], *, by: str | None = None
) -> Actor:
    """Register an actor, or grant more roles to a registered one (roles are only added)."""
    _check_name(name)
    wanted = [r.strip().lower() for r in roles if r.strip()]
    for role in wanted:
        if not _ROLE.match(role):
            raise UsageError(f"role {role!r} is not usable: lower-case letters, digits, _ and -")
    who = by or name

    def build(head: audit.ChainHead) -> audit.Attempt:
        existing = get_actor(store, name)
        merged = tuple(dict.fromkeys([*(existing.roles if existing else ()), *wanted]))
        actor = Actor(name, merged, True, existing.added_by if existing else who)
        event = audit.next_event(
            head,
            actor=who,
            verb="actor.add" if existing is None else "actor.grant",
            subject=name,
            details={"roles": list(merged), "added": [r for r in wanted]},
        )
        params = {
            "uid": name,
            "props": {"roles": list(merged), "active": True, "added_by": actor.added_by},
            "now": now_iso(),
        }
        return audit.Attempt(cypher.load("governance/put_actor"), params, event, result=actor)

    result: Actor = audit.commit(store, build)
    return result
