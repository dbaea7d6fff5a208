"""What every resolver gets: the app's state, the caller, and the request's deadline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stratagraph.api.auth import Op, Principal
from stratagraph.api.errors import TIMEOUT, ApiError, domain_errors, from_domain
from stratagraph.cypher import Query
from stratagraph.errors import StratagraphError
from stratagraph.settings import Settings
from stratagraph.store import GraphStore

if TYPE_CHECKING:
    from stratagraph.api.deps import AppState


@dataclass
class Context:
    state: AppState
    principal: Principal
    deadline: float  # time.monotonic() when the request must be answered

    @property
    def store(self) -> GraphStore:
        return self.state.store

    @property
    def settings(self) -> Settings:
        return self.state.settings

    def require(self, op: Op) -> None:
        self.principal.require(op)

    def timeout_ms(self) -> int:
        left = int((self.deadline - time.monotonic()) * 1000)
        if left <= 0:
            raise ApiError(
                TIMEOUT,
                f"the request took longer than its limit ({self.settings.api_request_timeout_ms}"
                " ms); ask for fewer items (first:) or less depth",
            )
        return left

    def read(self, query: Query, params: dict[str, Any]) -> list[dict[str, Any]]:
        """A read statement within the request's time limit."""
        timeout = self.timeout_ms()
        try:
            return self.store.execute(query, params, write=False, timeout_ms=timeout)
        except StratagraphError as exc:
            if time.monotonic() >= self.deadline:
                raise ApiError(TIMEOUT, f"the request ran out of time: {exc.message}") from exc
            raise from_domain(exc) from exc

    @contextmanager
    def service(self) -> Iterator[None]:
        """Around calls into the platform's services: their errors become API errors."""
        self.timeout_ms()
        with domain_errors():
            yield
