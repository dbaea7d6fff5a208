"""Operational endpoints: /health, /ready, /metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from stratagraph.errors import StratagraphError

from .deps import State
from .metrics import CONTENT_TYPE

router = APIRouter(tags=["operations"])


@router.get("/health")
def health() -> dict[str, Any]:
    """The process answers (no store call)."""
    return {"status": "ok"}


@router.get("/ready")
async def ready(state: State) -> JSONResponse:
    """The store answers: 200, else 503 with the reason."""
    try:
        await run_in_threadpool(state.store.ping)
    except StratagraphError as exc:
        state.metrics.store_up.set(0)
        return JSONResponse({"status": "unavailable", "reason": exc.message}, status_code=503)
    state.metrics.store_up.set(1)
    return JSONResponse({"status": "ready", "engine": state.store.dialect})


@router.get("/metrics")
def metrics(state: State) -> Response:
    """Prometheus text exposition."""
    state.metrics.runs_driving.set(len(state.runs.driving()))
    return Response(state.metrics.render(), media_type=CONTENT_TYPE)
