"""Helpers for tests and benchmarks of the API: tokens for every role, a small GraphQL
client, and a real uvicorn server in a thread on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from stratagraph.governance import add_actor
from stratagraph.settings import Settings
from stratagraph.store import GraphStore

from .auth import ROLES
from .tokens import TokenService

# Debian's headless Chromium, as the explorer's browser test and benchmark drive it
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

# governance roles the approver and admin actors hold (they approve in these roles)
APPROVAL_ROLES = ("marketing", "finance")


@dataclass(frozen=True)
class RoleToken:
    role: str
    name: str
    actor: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def role_tokens(
    store: GraphStore, settings: Settings, *, prefix: str = "test"
) -> dict[str, RoleToken]:
    """One token per role, each acting as its own registered actor (`{prefix}-{role}`);
    the approver and the admin hold the approval roles marketing and finance."""
    service = TokenService(store, settings.api_token_key(), pii_roles=settings.api_pii_roles)
    existing = {t.name for t in service.list()}
    made: dict[str, RoleToken] = {}
    for role in ROLES:
        actor = f"{prefix}-{role}"
        roles = list(APPROVAL_ROLES) if role in ("approver", "admin") else []
        add_actor(store, actor, roles, by="tests")
        name = actor
        n = 1
        while name in existing:
            n += 1
            name = f"{actor}-{n}"
        created = service.create(name, role, actor=actor, by="tests")
        made[role] = RoleToken(role, name, actor, created.token)
    return made


class GraphQL:
    """POST /graphql through any client with `.post(url, json=..., headers=...)`."""

    def __init__(self, client: Any, token: RoleToken | None = None) -> None:
        self.client = client
        self.token = token

    def as_(self, token: RoleToken) -> GraphQL:
        return GraphQL(self.client, token)

    def raw(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        headers = self.token.headers if self.token else {}
        return self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = self.raw(query, variables).json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        """The data, or an AssertionError naming the errors."""
        body = self(query, variables)
        if body.get("errors"):
            raise AssertionError(f"GraphQL errors: {body['errors']}")
        return body["data"]


def error_codes(body: dict[str, Any]) -> list[str]:
    return [str((e.get("extensions") or {}).get("code", "")) for e in body.get("errors") or []]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any, *, port: int | None = None, log_level: str = "warning") -> Iterator[str]:
    """Run `app` with uvicorn on 127.0.0.1 in a thread; yields its base URL."""
    import uvicorn

    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level=log_level, lifespan="on", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="stratagraph-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
