# mypy: disable-error-code="untyped-decorator"
# (strawberry's decorators are untyped for mypy; its types are read at runtime)
"""The GraphQL schema: types generated from the graph declaration, queries, mutations and
the limits of `stratagraph.api.limits`."""

import logging
import re

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from stratagraph.api.errors import is_client_error
from stratagraph.settings import Settings

from .extras import extras
from .lineage import LineageGraph
from .mutations import build_mutation
from .nodes import NodeBase, Registry, build_registry
from .queries import build_query

log = logging.getLogger("stratagraph.api.graphql")
_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)


class ApiSchema(strawberry.Schema):
    """A strawberry schema that knows its generated types, logs only unexpected errors and
    (outside dev mode) strips every "Did you mean ...?" suggestion, which would reveal the
    schema with introspection off."""

    registry: Registry
    dev: bool

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if not self.dev and "Did you mean" in error.message:
                error.message = _SUGGESTION.sub("", error.message)
            if not is_client_error(error):
                log.error("unexpected error in %s", error.path, exc_info=error.original_error)


def build_schema(settings: Settings) -> ApiSchema:
    from stratagraph.api.limits import extensions

    registry = build_registry(extras)
    schema = ApiSchema(
        query=build_query(registry),
        mutation=build_mutation(registry),
        types=[*registry.nodes.values(), LineageGraph],
        extensions=extensions(settings),
        config=StrawberryConfig(disable_field_suggestions=not settings.api_dev),
    )
    schema.registry = registry
    schema.dev = settings.api_dev
    return schema


__all__ = ["ApiSchema", "NodeBase", "Registry", "build_schema"]
