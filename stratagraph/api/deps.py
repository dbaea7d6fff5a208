"""The API's typed dependencies, in one place.

One `AppState` per app, made in the lifespan: the settings, the store (opened once, or
passed in), the token service, the copilot's model registry, the background run driver,
the metrics and the GraphQL schema. Routes take what they need through `Depends`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request

from stratagraph.reasoning.models import ModelRegistry
from stratagraph.settings import Settings
from stratagraph.store import GraphStore

from .auth import Op, Principal
from .errors import UNAUTHENTICATED, ApiError
from .metrics import Metrics
from .runner import RunDriver
from .tokens import TokenService

if TYPE_CHECKING:
    from .schema import ApiSchema


@dataclass
class AppState:
    settings: Settings
    store: GraphStore
    tokens: TokenService
    models: ModelRegistry
    runs: RunDriver
    metrics: Metrics
    schema: ApiSchema


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.stratagraph
    return state


State = Annotated[AppState, Depends(get_state)]


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def get_principal(request: Request, state: State) -> Principal:
    token = bearer(request)
    if token is None:
        state.metrics.auth_failures.labels("missing").inc()
        raise ApiError(
            UNAUTHENTICATED,
            "no bearer token; send `Authorization: Bearer <token>` with a token from "
            "`stratagraph token create --name NAME --role ROLE`",
        )
    principal = state.tokens.authenticate(token)
    if principal is None:
        state.metrics.auth_failures.labels("unknown").inc()
        raise ApiError(
            UNAUTHENTICATED,
            "unknown or revoked token; ask an admin for a new one "
            "(`stratagraph token list` shows which exist)",
        )
    return principal


Caller = Annotated[Principal, Depends(get_principal)]


def allowed_to(op: Op) -> Callable[..., Any]:
    """A dependency that lets through only callers whose role may perform `op`."""

    def check(principal: Caller, state: State) -> Principal:
        if not principal.can(op):
            state.metrics.auth_failures.labels("role").inc()
        principal.require(op)
        return principal

    return check
