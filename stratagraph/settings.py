"""Settings: one pydantic-settings object, built by a factory (never at import time)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigurationError

DEFAULT_STORE = "falkordb+embedded://./.stratagraph"
PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "changethis", "password", "secret", "neo4j", "test", "xxx"}
)


class Settings(BaseSettings):
    """Every knob, read from STRATAGRAPH_* environment variables or passed in."""

    model_config = SettingsConfigDict(env_prefix="STRATAGRAPH_", extra="forbid")

    store: str = Field(
        DEFAULT_STORE,
        description="falkordb+embedded://DIR, falkordb://host:port, bolt://host:port or "
        "neo4j://host:port",
    )
    graph: str = Field("stratagraph", description="graph (FalkorDB) or database (Neo4j) name")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    falkordb_password: SecretStr | None = None
    batch_size: int = Field(5000, ge=1, le=100_000, description="rows per UNWIND statement")
    ingest_workers: int | None = Field(
        None, ge=1, le=16, description="statements in flight while ingesting; default per engine"
    )
    max_field_length: int = Field(
        65_536, ge=1, description="longest accepted text value in ingest input"
    )
    query_timeout_ms: int = Field(30_000, ge=1, description="time limit of analyst queries")
    connect_timeout_s: float = Field(10.0, gt=0)

    @field_validator("graph")
    @classmethod
    def _graph_name(cls, value: str) -> str:
        if not value.replace("_", "").replace("-", "").isalnum():
            raise ValueError("graph name may hold letters, digits, '-' and '_' only")
        return value

    def neo4j_auth(self) -> tuple[str, str]:
        """Credentials for Neo4j; refuses a missing or placeholder password."""
        password = self.neo4j_password.get_secret_value() if self.neo4j_password else ""
        if password.lower() in PLACEHOLDER_SECRETS:
            raise ConfigurationError(
                "STRATAGRAPH_NEO4J_PASSWORD is missing or a placeholder. Set it to the Neo4j "
                "password (export STRATAGRAPH_NEO4J_PASSWORD=...), or put it in the store URL "
                "as bolt://user:password@host:7687."
            )
        return self.neo4j_user, password


def get_settings(**overrides: Any) -> Settings:
    """Build settings from the environment, with explicit values taking precedence."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValueError as exc:
        raise ConfigurationError(f"invalid settings: {exc}") from exc
