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

    # execution (see docs/execution.md)
    simulator_truth: str | None = Field(
        None,
        description="ground_truth.json of the sample twin, for the simulator channel "
        "(stratagraph sample --out DIR writes DIR/ground_truth.json)",
    )
    smtp_host: str | None = Field(
        None, description="SMTP server of the email adapter (else the channel's endpoint)"
    )
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_sender: str = Field("stratagraph@example.com", description="From: of sent e-mail")
    smtp_timeout_s: float = Field(10.0, gt=0)
    webhook_secret: SecretStr | None = Field(
        None, description="HMAC-SHA256 key of webhook signatures (at least 16 characters)"
    )
    webhook_timeout_s: float = Field(5.0, gt=0)
    webhook_retries: int = Field(4, ge=0, le=20, description="retries after the first try")
    webhook_backoff_s: float = Field(0.2, ge=0, description="first retry delay, doubled each time")
    dispatch_batch: int = Field(250, ge=1, le=10_000, description="actions claimed per statement")
    action_lease_s: float = Field(30.0, gt=0, description="how long a claim on an action holds")
    kill_switch_poll_s: float = Field(
        0.25, gt=0, le=1.0, description="how stale a dispatcher's view of the kill switch may be"
    )
    send_hour: int = Field(10, ge=0, le=23, description="local hour message sends are planned at")
    guardrail_period_days: int = Field(7, ge=1, description="days per guardrail period")
    # each period has a 10% chance below its p10 by luck alone: three in a row (0.1%)
    # keeps false pauses rare over a quarter of weekly periods on a dozen campaigns
    guardrail_periods: int = Field(
        3, ge=1, description="periods outside the forecast band before a campaign is paused"
    )
    guardrail_pause_upside: bool = Field(
        False,
        description="also pause campaigns doing better than p90 (by default they are only "
        "flagged as drift)",
    )

    # HTTP API (see docs/api.md)
    api_host: str = Field("127.0.0.1", description="address `stratagraph serve` listens on")
    api_port: int = Field(8000, ge=1, le=65535)
    api_dev: bool = Field(
        False,
        description="development mode: GraphiQL, introspection, field suggestions and "
        "unmasked errors (never in production)",
    )
    api_token_pepper: SecretStr | None = Field(
        None,
        description="key of the HMAC that hashes API tokens (at least 16 characters); the "
        "same value for `stratagraph token` and `stratagraph serve`. Unset: plain SHA-256",
    )
    api_max_depth: int = Field(10, ge=1, le=50, description="deepest GraphQL selection")
    api_max_aliases: int = Field(15, ge=1, le=1000, description="most aliases per document")
    api_max_tokens: int = Field(2000, ge=50, description="most tokens per GraphQL document")
    api_max_body_bytes: int = Field(256_000, ge=1024, description="largest request body")
    api_request_timeout_ms: int = Field(10_000, ge=100, description="time limit of a request")
    api_page_max: int = Field(500, ge=1, le=10_000, description="largest `first` of a list")
    api_pii_roles: tuple[str, ...] = Field(
        ("marketer", "admin"), description="API roles that may read personal data (pii fields)"
    )
    api_token_cache_s: float = Field(
        2.0, ge=0, le=60, description="how long a checked token is trusted before re-reading"
    )
    api_lineage_max_nodes: int = Field(5000, ge=10, le=50_000)
    api_run_workers: int = Field(
        2, ge=1, le=16, description="runs the API server drives at once in the background"
    )

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

    def api_token_key(self) -> bytes | None:
        """The HMAC key for API token hashes (None: plain SHA-256); refuses a short or
        placeholder secret."""
        if self.api_token_pepper is None:
            return None
        secret = self.api_token_pepper.get_secret_value()
        if secret.lower() in PLACEHOLDER_SECRETS or len(secret) < 16:
            raise ConfigurationError(
                "STRATAGRAPH_API_TOKEN_PEPPER is a placeholder or shorter than 16 characters. "
                "Unset it, or set it to a random secret shared by `stratagraph token` and "
                "`stratagraph serve`: export STRATAGRAPH_API_TOKEN_PEPPER=$(python -c "
                "'import secrets; print(secrets.token_hex(32))')"
            )
        return secret.encode("utf-8")

    def webhook_key(self) -> bytes:
        """The webhook signing key; refuses a missing, short or placeholder secret."""
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if secret.lower() in PLACEHOLDER_SECRETS or len(secret) < 16:
            raise ConfigurationError(
                "STRATAGRAPH_WEBHOOK_SECRET is missing, a placeholder or shorter than 16 "
                "characters. Set it to the secret shared with the receiver, e.g. "
                "export STRATAGRAPH_WEBHOOK_SECRET=$(python -c 'import secrets; "
                "print(secrets.token_hex(32))')"
            )
        return secret.encode("utf-8")


def get_settings(**overrides: Any) -> Settings:
    """Build settings from the environment, with explicit values taking precedence."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValueError as exc:
        raise ConfigurationError(f"invalid settings: {exc}") from exc
