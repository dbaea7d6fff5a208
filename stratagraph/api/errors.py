"""Errors the API shows its callers: a code, a message that says what to do, details.

Domain errors (`StratagraphError`) map to codes by kind; anything else is unexpected and
is masked outside dev mode ("Unexpected error.") and logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from graphql import GraphQLError

from stratagraph.errors import NotFound, StoreUnavailable, StratagraphError

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
REFUSED = "REFUSED"
BAD_USER_INPUT = "BAD_USER_INPUT"
UNAVAILABLE = "UNAVAILABLE"
TIMEOUT = "TIMEOUT"

HTTP_STATUS = {
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    REFUSED: 409,
    BAD_USER_INPUT: 400,
    UNAVAILABLE: 503,
    TIMEOUT: 504,
}


class ApiError(GraphQLError):
    """An error meant for the caller (never masked)."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(
            message, extensions={"code": code, **({"details": details} if details else {})}
        )
        self.code = code
        self.details = details or {}

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 400)


def code_for(exc: StratagraphError) -> str:
    if isinstance(exc, NotFound):
        return NOT_FOUND
    if isinstance(exc, StoreUnavailable):
        return UNAVAILABLE
    text = exc.message.lower()
    if "time limit" in text or "timed out" in text or "timeout" in text:
        return TIMEOUT
    return REFUSED if exc.exit_code == 1 else BAD_USER_INPUT


def from_domain(exc: StratagraphError) -> ApiError:
    return ApiError(code_for(exc), exc.message, _plain(exc.details))


def _plain(details: dict[str, Any]) -> dict[str, Any]:
    """Details as JSON-safe values (they travel in GraphQL extensions)."""
    import json

    try:
        value = json.loads(json.dumps(details, default=str))
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn the platform's errors into API errors inside a resolver or route."""
    try:
        yield
    except StratagraphError as exc:
        raise from_domain(exc) from exc


def forbidden(message: str) -> ApiError:
    return ApiError(FORBIDDEN, message)


def is_client_error(error: GraphQLError) -> bool:
    """Errors safe to show outside dev mode: ours, and GraphQL's own (syntax, validation,
    limits, variable coercion), which carry no original exception from our code."""
    original = error.original_error
    return original is None or isinstance(original, ApiError | GraphQLError)
