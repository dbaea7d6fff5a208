"""The GraphQL endpoint: POST /graphql (and GraphiQL on GET in dev mode).

Each request runs the schema synchronously in a worker thread (the store's calls block),
with the caller's principal and a deadline in the context; the whole request is bounded
by the mutation time limit, queries by the (shorter) query limit through the deadline.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from .deps import AppState, Caller, State
from .errors import TIMEOUT
from .limits import request_timeout_s
from .schema.context import Context

router = APIRouter(tags=["graphql"])


class GraphQLRequest(BaseModel):
    query: str = Field(description="a GraphQL document")
    variables: dict[str, Any] | None = None
    operationName: str | None = None  # noqa: N815 - the name GraphQL-over-HTTP uses


def execute(state: AppState, ctx: Context, body: GraphQLRequest) -> dict[str, Any]:
    result = state.schema.execute_sync(
        body.query,
        variable_values=body.variables,
        context_value=ctx,
        operation_name=body.operationName,
    )
    out: dict[str, Any] = {"data": result.data}
    if result.errors:
        out["errors"] = [e.formatted for e in result.errors]
    return out


@router.post("/graphql")
async def graphql(body: GraphQLRequest, principal: Caller, state: State) -> JSONResponse:
    """Run a GraphQL query or mutation (see docs/api.md; introspection is off outside dev)."""
    started = time.monotonic()
    settings = state.settings
    ctx = Context(state, principal, started + request_timeout_s(settings, mutation=False))
    limit = request_timeout_s(settings, mutation=True)
    try:
        payload = await asyncio.wait_for(
            run_in_threadpool(execute, state, ctx, body), timeout=limit
        )
    except TimeoutError:
        state.metrics.graphql.labels("unknown", "timeout").inc()
        return JSONResponse(
            {
                "data": None,
                "errors": [
                    {
                        "message": f"the request took longer than {limit:g} s and was given up",
                        "extensions": {"code": TIMEOUT},
                    }
                ],
            },
            status_code=504,
        )
    state.metrics.graphql.labels("graphql", "error" if payload.get("errors") else "ok").inc()
    return JSONResponse(payload)


def graphiql_router() -> APIRouter:
    """GET /graphql: the GraphiQL IDE (dev mode only; it loads its scripts from a CDN)."""
    from strawberry.http.ides import get_graphql_ide_html

    dev = APIRouter(tags=["graphql"])

    @dev.get("/graphql", response_class=HTMLResponse, include_in_schema=False)
    def graphiql() -> HTMLResponse:
        return HTMLResponse(get_graphql_ide_html(graphql_ide="graphiql"))

    return dev
