"""Named analyst queries: the `.cypher` files of cypher/analyst/ with typed parameters."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from stratagraph import cypher
from stratagraph.cypher import Query, QueryParam
from stratagraph.errors import UsageError
from stratagraph.store import GraphStore

from .table import ResultTable

FOLDER = "analyst"


def list_queries() -> list[Query]:
    return cypher.catalogue(FOLDER)


def short_name(query: Query) -> str:
    return query.name.removeprefix(f"{FOLDER}/")


def get_query(name: str) -> Query:
    try:
        return cypher.load(f"{FOLDER}/{name}")
    except KeyError:
        known = ", ".join(short_name(q) for q in list_queries())
        raise UsageError(f"no named query {name!r}; known: {known}") from None


def _coerce(query: str, param: QueryParam, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        match param.type:
            case "int":
                return int(value)
            case "float":
                return float(value)
            case "bool":
                if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(value)
                return value.lower() in ("true", "1", "yes")
            case "date":
                return date.fromisoformat(value).isoformat() if value else ""
            case "list":
                return json.loads(value) if value.startswith("[") else value.split(",")
            case _:
                return value
    except ValueError:
        raise UsageError(
            f"{query}: parameter {param.name} must be a {param.type}, got {value!r}"
        ) from None


def bind(query: Query, given: dict[str, Any]) -> dict[str, Any]:
    """Check names, fill defaults and convert text values to the declared types."""
    name = short_name(query)
    declared = {p.name for p in query.params}
    unknown = set(given) - declared
    if unknown:
        takes = ", ".join(f"{p.name} ({p.type})" for p in query.params) or "no parameters"
        raise UsageError(f"{name} has no parameter {', '.join(sorted(unknown))}; it takes: {takes}")
    bound: dict[str, Any] = {}
    for p in query.params:
        if p.name in given:
            bound[p.name] = _coerce(name, p, given[p.name])
        elif p.default is not None:
            bound[p.name] = _coerce(name, p, p.default)
        else:
            raise UsageError(f"{name} needs --param {p.name}=... ({p.doc or p.type})")
    return bound


def run_named(store: GraphStore, name: str, params: dict[str, Any] | None = None) -> ResultTable:
    query = get_query(name)
    return ResultTable.from_records(store.read(query, bind(query, params or {})), query.columns)
