"""Analyst endpoints: named queries (`/queries/{name}`) and read-only ad-hoc Cypher
(`/cypher`), as JSON, CSV or Parquet. The analyst package does the work; these routes
only check the role, bound the time and pick the format."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, field_validator

from stratagraph.analyst import ResultTable, list_queries, run_cypher
from stratagraph.analyst.named import bind, get_query, short_name

from .auth import Op, Principal
from .deps import State, allowed_to
from .errors import domain_errors

Format = Literal["json", "csv", "parquet"]
Scalar = str | int | float | bool | None
Analyst = Annotated[Principal, Depends(allowed_to(Op.QUERY))]
CypherCaller = Annotated[Principal, Depends(allowed_to(Op.CYPHER))]

router = APIRouter(tags=["analyst"])


class QueryParamInfo(BaseModel):
    name: str
    type: str
    default: str | None
    doc: str


class NamedQueryInfo(BaseModel):
    name: str
    description: str
    params: list[QueryParamInfo]


def _names(params: dict[str, Any]) -> dict[str, Any]:
    bad = [k for k in params if not _IDENTIFIER.match(k)]
    if bad:
        raise ValueError(f"parameter names must be identifiers (letters, digits, _): {bad[:3]}")
    return params


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")


class NamedQueryRequest(BaseModel):
    params: dict[str, Scalar | list[Scalar]] = Field(
        default_factory=dict, description="parameter values by name (see GET /queries)"
    )
    format: Format = "json"

    _check_names = field_validator("params")(_names)


class CypherRequest(BaseModel):
    query: str = Field(min_length=1, max_length=20_000, description="read-only Cypher")
    params: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)
    format: Literal["json", "csv", "parquet"] = "json"

    _check_names = field_validator("params")(_names)


def respond(result: ResultTable, fmt: Format, name: str) -> Response:
    if fmt == "csv":
        return Response(
            result.to_csv(),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt == "parquet":
        return Response(
            result.to_parquet(),
            media_type="application/vnd.apache.parquet",
            headers={"content-disposition": f'attachment; filename="{name}.parquet"'},
        )
    return JSONResponse(
        {"columns": result.columns, "rows": _jsonable(result.records()), "count": len(result.rows)}
    )


def _jsonable(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, default=str))


def _timeout_ms(state: State) -> int:
    return min(state.settings.query_timeout_ms, state.settings.api_request_timeout_ms)


def _run_named(state: State, name: str, params: dict[str, Any]) -> ResultTable:
    with domain_errors():
        query = get_query(name)
        rows = state.store.execute(
            query, bind(query, params), write=False, timeout_ms=_timeout_ms(state)
        )
        return ResultTable.from_records(rows, query.columns)


@router.get("/queries", response_model=list[NamedQueryInfo])
def queries_list(_: Analyst) -> list[NamedQueryInfo]:
    """The named queries and their parameters."""
    return [
        NamedQueryInfo(
            name=short_name(q),
            description=q.description,
            params=[
                QueryParamInfo(name=p.name, type=p.type, default=p.default, doc=p.doc)
                for p in q.params
            ],
        )
        for q in list_queries()
    ]


@router.get("/queries/{name}")
def query_get(
    name: str,
    request: Request,
    _: Analyst,
    state: State,
    format: Annotated[Format, Query(description="json, csv or parquet")] = "json",
) -> Response:
    """Run a named query; every other query-string item is a parameter (name=value)."""
    params = {k: v for k, v in request.query_params.items() if k != "format"}
    return respond(_run_named(state, name, params), format, name)


@router.post("/queries/{name}")
def query_post(
    name: str,
    _: Analyst,
    state: State,
    body: Annotated[NamedQueryRequest, Body()] = NamedQueryRequest(),  # noqa: B008
) -> Response:
    """Run a named query with typed parameters in a JSON body."""
    return respond(_run_named(state, name, dict(body.params)), body.format, name)


@router.post("/cypher")
def cypher_post(body: CypherRequest, _: CypherCaller, state: State) -> Response:
    """Ad-hoc Cypher, read-only as enforced by the engine (FalkorDB GRAPH.RO_QUERY; Neo4j
    EXPLAIN must say read-only), with a time limit."""
    with domain_errors():
        result = run_cypher(
            state.store, body.query, dict(body.params), timeout_ms=_timeout_ms(state)
        )
    return respond(result, body.format, "cypher")
