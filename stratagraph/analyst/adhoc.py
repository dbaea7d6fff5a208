"""Ad-hoc Cypher for analysts: read-only as enforced by the engine, with a time limit."""

from __future__ import annotations

import json
from typing import Any

from stratagraph.errors import UsageError
from stratagraph.store import GraphStore

from .table import ResultTable


def parse_params(pairs: list[str]) -> dict[str, str]:
    """`k=v` pairs from the command line."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip().isidentifier():
            raise UsageError(f"--param expects name=value, got {pair!r}")
        params[key.strip()] = value
    return params


def json_values(params: dict[str, str]) -> dict[str, Any]:
    """Ad-hoc parameters: JSON when they parse as JSON (numbers, lists), else text."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def run_cypher(
    store: GraphStore, text: str, params: dict[str, Any] | None = None, *, timeout_ms: int
) -> ResultTable:
    if not text.strip():
        raise UsageError("no Cypher given")
    columns, rows = store.read_only(text, params or {}, timeout_ms=timeout_ms)
    return ResultTable(columns, rows)
