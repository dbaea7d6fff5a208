"""API bearer tokens: created once (the secret is shown once), stored as a hash, revoked
by name. Shared by `stratagraph token` and the server; no web framework here.

A token is `sg_` + 43 URL-safe characters (256 random bits). The graph keeps an
HMAC-SHA256 of it under `Settings.api_token_pepper` (plain SHA-256 when unset), so a copy of
the database does not give anyone a working token. `authenticate` keeps a checked token for
`api_token_cache_s` seconds (a revocation reaches a running server within that time).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from stratagraph import cypher
from stratagraph.errors import UsageError
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.store import GraphStore

from .auth import Principal, Role, parse_role

PREFIX = "sg_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@\-]{0,99}$")


@dataclass(frozen=True)
class TokenInfo:
    name: str
    role: str
    actor: str
    prefix: str | None
    created_by: str | None
    created_at: str | None
    revoked: bool
    revoked_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class CreatedToken:
    info: TokenInfo
    token: str  # the secret: shown once, never stored


def hash_token(token: str, key: bytes | None) -> str:
    if key is None:
        return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()
    return "hmac:" + hmac.new(key, token.encode("utf-8"), hashlib.sha256).hexdigest()


class TokenService:
    def __init__(
        self,
        store: GraphStore,
        key: bytes | None,
        *,
        cache_s: float = 2.0,
        pii_roles: tuple[str, ...] = ("marketer", "admin"),
    ) -> None:
        self.store = store
        self.key = key
        self.cache_s = cache_s
        self.pii_roles = frozenset(pii_roles)
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def create(
        self, name: str, role: str, *, actor: str | None = None, by: str | None = None
    ) -> CreatedToken:
        if not _NAME.match(name):
            raise UsageError(
                f"token name {name!r} must start with a letter or digit and hold only letters, "
                "digits, '_', '.', '@' and '-' (at most 100)"
            )
        parsed = parse_role(role)
        token = PREFIX + secrets.token_urlsafe(32)
        props = {
            "token_hash": hash_token(token, self.key),
            "role": parsed.value,
            "actor": actor or name,
            "prefix": token[:8],
            "created_by": by,
        }
        rows = self.store.write(
            cypher.load("api/token_create"), {"uid": name, "props": props, "now": now_iso()}
        )
        if not rows:
            raise UsageError(
                f"a token named {name!r} exists already; choose another name, or revoke it "
                f"first (stratagraph token revoke {name}) — a revoked name stays taken"
            )
        self._audit(by or "admin", "token.create", name, {"role": parsed.value, "actor": actor})
        info = next(t for t in self.list() if t.name == name)
        return CreatedToken(info, token)

    def revoke(self, name: str, *, by: str | None = None) -> TokenInfo:
        rows = self.store.write(cypher.load("api/token_revoke"), {"uid": name, "now": now_iso()})
        if not rows:
            from stratagraph.errors import NotFound

            raise NotFound(f"no token named {name!r}; see `stratagraph token list`")
        self._audit(by or "admin", "token.revoke", name, {})
        with self._lock:
            self._cache.clear()
        return next(t for t in self.list() if t.name == name)

    def list(self) -> list[TokenInfo]:
        return [
            TokenInfo(
                name=str(r["name"]),
                role=str(r["role"]),
                actor=str(r["actor"]),
                prefix=r["prefix"],
                created_by=r["created_by"],
                created_at=r["created_at"],
                revoked=bool(r["revoked"]),
                revoked_at=r["revoked_at"],
            )
            for r in self.store.read(cypher.load("api/token_list"))
        ]

    def authenticate(self, token: str) -> Principal | None:
        """The principal of a live token, or None."""
        if not token.startswith(PREFIX) or len(token) > 200:
            return None
        digest = hash_token(token, self.key)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(digest)
        if hit is not None and now - hit[0] < self.cache_s:
            return hit[1]
        rows = self.store.read(cypher.load("api/token_by_hash"), {"hash": digest})
        principal = (
            Principal(
                name=str(rows[0]["name"]),
                role=Role(str(rows[0]["role"])),
                actor=str(rows[0]["actor"]),
                pii_roles=self.pii_roles,
            )
            if rows
            else None
        )
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (now, principal)
        return principal

    def _audit(self, actor: str, verb: str, subject: str, details: dict[str, Any]) -> None:
        from stratagraph.governance import audit

        audit.record(self.store, actor, verb, f"token:{subject}", details)
