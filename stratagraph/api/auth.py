"""Roles, the operations each may perform, and who is calling.

One table (`PERMISSIONS`) says which role may do what; every resolver, mutation and route
asks `Principal.require(op)`. Object rules come on top: personal data (`pii=True` fields)
only for the roles in `Settings.api_pii_roles`; governance's maker-checker sees the token's
actor name, so an approver cannot approve their own strategy through the API either.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import forbidden


class Role(StrEnum):
    VIEWER = "viewer"  # auditors: read the graph, lineage and audit trail (no personal data)
    ANALYST = "analyst"  # + named queries and read-only ad-hoc Cypher
    MARKETER = "marketer"  # + propose, validate, submit, execute, pause, resume, rollback
    APPROVER = "approver"  # + validate, approve, reject (never their own strategies)
    ADMIN = "admin"  # everything, including the kill switch


ROLES = tuple(r.value for r in Role)


class Op(StrEnum):
    READ = "read"
    QUERY = "query"  # named analyst queries
    CYPHER = "cypher"  # ad-hoc read-only Cypher
    PROPOSE = "propose"
    VALIDATE = "validate"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    EXECUTE = "execute"
    PAUSE = "pause"
    RESUME = "resume"
    ROLLBACK = "rollback"
    KILL_SWITCH = "kill_switch"


_ALL = frozenset(Role)
PERMISSIONS: dict[Op, frozenset[Role]] = {
    Op.READ: _ALL,
    Op.QUERY: frozenset({Role.ANALYST, Role.ADMIN}),
    Op.CYPHER: frozenset({Role.ANALYST, Role.ADMIN}),
    Op.PROPOSE: frozenset({Role.MARKETER, Role.ADMIN}),
    Op.VALIDATE: frozenset({Role.MARKETER, Role.APPROVER, Role.ADMIN}),
    Op.SUBMIT: frozenset({Role.MARKETER, Role.ADMIN}),
    Op.APPROVE: frozenset({Role.APPROVER, Role.ADMIN}),
    Op.REJECT: frozenset({Role.APPROVER, Role.ADMIN}),
    Op.EXECUTE: frozenset({Role.MARKETER, Role.ADMIN}),
    Op.PAUSE: frozenset({Role.MARKETER, Role.ADMIN}),
    Op.RESUME: frozenset({Role.MARKETER, Role.ADMIN}),
    Op.ROLLBACK: frozenset({Role.MARKETER, Role.ADMIN}),
    Op.KILL_SWITCH: frozenset({Role.ADMIN}),
}


def allowed(role: Role, op: Op) -> bool:
    return role in PERMISSIONS[op]


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        from stratagraph.errors import UsageError

        raise UsageError(f"unknown role {value!r}; use one of {', '.join(ROLES)}") from None


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name, its role, and the actor name it acts as."""

    name: str
    role: Role
    actor: str
    pii_roles: frozenset[str] = frozenset({Role.MARKETER.value, Role.ADMIN.value})

    def can(self, op: Op) -> bool:
        return allowed(self.role, op)

    def require(self, op: Op) -> None:
        if not self.can(op):
            who = sorted(r.value for r in PERMISSIONS[op])
            raise forbidden(
                f"role {self.role.value} may not {op.value.replace('_', ' ')}; it needs one of "
                f"the roles {', '.join(who)}. Ask an admin for such a token "
                f"(stratagraph token create --name NAME --role ROLE)."
            )

    @property
    def sees_pii(self) -> bool:
        return self.role.value in self.pii_roles

    def require_pii(self, what: str) -> None:
        if not self.sees_pii:
            raise forbidden(
                f"{what} is personal data; only the roles {', '.join(sorted(self.pii_roles))} "
                "may read it. Leave the field out of the query."
            )
