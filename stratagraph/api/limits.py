"""What keeps one request from hurting the server: depth, alias and token limits on every
GraphQL document (fragments included), masked errors, introspection and suggestions off
outside dev mode, a body size limit and a time limit per request.

Strawberry's extensions do the GraphQL part; strawberry >= 0.315.7 counts aliases inside
fragments (earlier versions let fragments bypass the alias limit). The parse and
validation caches are shared by all requests and bounded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from stratagraph.settings import Settings

from .errors import is_client_error

CACHE_SIZE = 512


def extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Per-request extension factories. The limiters' validation rules are built once and
    shared (they are stateless classes), so the validation cache, keyed by the rules, hits."""
    rules = [
        *QueryDepthLimiter(max_depth=settings.api_max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.api_max_aliases).validation_rules,
    ]
    if not settings.api_dev:
        rules += DisableIntrospection().validation_rules
    dev = settings.api_dev

    def limit_tokens() -> SchemaExtension:
        return MaxTokensLimiter(max_token_count=settings.api_max_tokens)

    def add_rules() -> SchemaExtension:
        return AddValidationRules(rules)

    def parser_cache() -> SchemaExtension:
        return ParserCache(maxsize=CACHE_SIZE)

    def validation_cache() -> SchemaExtension:
        return ValidationCache(maxsize=CACHE_SIZE)

    def mask_errors() -> SchemaExtension:
        return MaskErrors(should_mask_error=lambda error: not is_client_error(error))

    found = [limit_tokens, add_rules, parser_cache, validation_cache, Deadline]
    return found if dev else [*found, mask_errors]


def request_timeout_s(settings: Settings, *, mutation: bool) -> float:
    """Queries get `api_request_timeout_ms`; mutations run services that may take longer
    (the copilot fits models) and get ten times as much."""
    ms = settings.api_request_timeout_ms * (10 if mutation else 1)
    return ms / 1000


class Deadline(SchemaExtension):
    """Gives mutations their longer time limit once the operation type is known."""

    def on_execute(self) -> Iterator[None]:
        from .schema.context import Context

        context = self.execution_context.context
        if isinstance(context, Context) and self.execution_context.operation_type.value == (
            "mutation"
        ):
            context.deadline = time.monotonic() + request_timeout_s(context.settings, mutation=True)
        yield
