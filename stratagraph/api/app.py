"""The FastAPI app: `create_app(settings, store=None)`.

The store is opened once per app in the lifespan (or passed in, and then left open), and
everything a route needs comes from `deps.AppState`. Routes stay thin: the services of
the platform do the work.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from stratagraph.errors import StratagraphError
from stratagraph.reasoning.models import ModelRegistry
from stratagraph.settings import Settings, get_settings
from stratagraph.store import GraphStore, open_store

from . import analyst, graphql, routes
from .deps import AppState
from .errors import ApiError, from_domain
from .explorer import STATIC
from .metrics import BodyLimitMiddleware, Metrics, MetricsMiddleware
from .runner import RunDriver
from .schema import build_schema
from .tokens import TokenService


def create_app(settings: Settings | None = None, *, store: GraphStore | None = None) -> FastAPI:
    """The API. With `store`, the app uses it and leaves it open; otherwise it opens the
    configured store at startup and closes it at shutdown."""
    settings = settings or get_settings()
    key = settings.api_token_key()  # refuses a placeholder pepper before anything starts
    schema = build_schema(settings)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        graph = store if store is not None else await run_in_threadpool(open_store, settings)
        runs = RunDriver(graph, settings, workers=settings.api_run_workers)
        app.state.stratagraph = AppState(
            settings=settings,
            store=graph,
            tokens=TokenService(
                graph, key, cache_s=settings.api_token_cache_s, pii_roles=settings.api_pii_roles
            ),
            models=ModelRegistry(seed=0),
            runs=runs,
            metrics=metrics,
            schema=schema,
        )
        try:
            yield
        finally:
            await run_in_threadpool(runs.close)
            if store is None:
                graph.close()

    app = FastAPI(
        title="stratagraph",
        description="The marketing knowledge graph: GraphQL at /graphql, analyst queries, "
        "lineage explorer at /explorer. Bearer tokens: `stratagraph token create`.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/docs" if settings.api_dev else None,
        redoc_url=None,
    )
    app.include_router(routes.router)
    app.include_router(graphql.router)
    if settings.api_dev:
        app.include_router(graphql.graphiql_router())
    app.include_router(analyst.router)
    app.mount("/explorer", StaticFiles(directory=STATIC, html=True), name="explorer")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/explorer/")

    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(StratagraphError, _domain_error)  # type: ignore[arg-type]
    app.add_middleware(BodyLimitMiddleware, limit=settings.api_max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def _body(request: Request, error: ApiError) -> dict[str, Any]:
    if request.url.path.startswith("/graphql"):
        return {"data": None, "errors": [error.formatted]}
    return {"error": {"code": error.code, "message": error.message, "details": error.details}}


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    headers = {"www-authenticate": "Bearer"} if exc.http_status == 401 else None
    return JSONResponse(_body(request, exc), status_code=exc.http_status, headers=headers)


async def _domain_error(request: Request, exc: StratagraphError) -> JSONResponse:
    error = from_domain(exc)
    return JSONResponse(_body(request, error), status_code=error.http_status)
