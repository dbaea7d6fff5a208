"""Open the store named by one URL setting."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from stratagraph.errors import ConfigurationError
from stratagraph.graph_schema import SCHEMA
from stratagraph.settings import Settings

from .base import GraphStore
from .embedded_server import EmbeddedServer

EMBEDDED = "falkordb+embedded"
SCHEMES = (EMBEDDED, "falkordb", "bolt", "neo4j", "bolt+s", "neo4j+s", "bolt+ssc", "neo4j+ssc")


@dataclass(frozen=True)
class StoreURL:
    scheme: str
    host: str | None
    port: int | None
    path: str
    user: str | None
    password: str | None
    raw: str

    @property
    def is_embedded(self) -> bool:
        return self.scheme == EMBEDDED

    @property
    def data_dir(self) -> Path:
        """falkordb+embedded://./dir (relative) or falkordb+embedded:///abs/dir."""
        rest = self.raw.split("://", 1)[1]
        return Path(rest or ".stratagraph").expanduser()

    def redacted(self) -> str:
        if self.password is None:
            return self.raw
        return self.raw.replace(f":{self.password}@", ":***@")


def parse_store_url(url: str) -> StoreURL:
    if "://" not in url:
        raise ConfigurationError(
            f"store URL {url!r} has no scheme; use one of: "
            "falkordb+embedded://DIR, falkordb://host:port, bolt://host:port, neo4j://host:port"
        )
    scheme = url.split("://", 1)[0].lower()
    if scheme not in SCHEMES:
        raise ConfigurationError(
            f"unknown store scheme {scheme!r} in {url!r}; expected one of {', '.join(SCHEMES)}"
        )
    if scheme == EMBEDDED:
        return StoreURL(scheme, None, None, url.split("://", 1)[1], None, None, url)
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(f"bad port in store URL {url!r}: {exc}") from exc
    return StoreURL(
        scheme=scheme,
        host=parts.hostname,
        port=port,
        path=parts.path.strip("/"),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        raw=url,
    )


def open_store(settings: Settings, *, ensure_schema: bool = True) -> GraphStore:
    """Connect to (and for the embedded default, start) the configured engine."""
    target = parse_store_url(settings.store)
    store: GraphStore
    if target.scheme in (EMBEDDED, "falkordb"):
        from .falkordb_store import FalkorDBStore

        password = target.password or (
            settings.falkordb_password.get_secret_value() if settings.falkordb_password else None
        )
        store = FalkorDBStore(
            target.redacted(),
            graph=settings.graph if target.is_embedded else (target.path or settings.graph),
            data_dir=target.data_dir if target.is_embedded else None,
            host=target.host,
            port=target.port,
            password=password,
            connect_timeout_s=settings.connect_timeout_s,
        )
    else:
        from .neo4j_store import Neo4jStore

        if target.password is not None:
            auth = (target.user or settings.neo4j_user, target.password)
        else:
            auth = settings.neo4j_auth()
        base = f"{target.scheme}://{target.host or 'localhost'}:{target.port or 7687}"
        store = Neo4jStore(
            base,
            auth=auth,
            database=target.path or "neo4j",
            connect_timeout_s=settings.connect_timeout_s,
        )
    if ensure_schema:
        try:
            store.ensure_schema(SCHEMA.indexes())
        except BaseException:
            store.close()
            raise
    return store


def embedded_server_for(settings: Settings) -> EmbeddedServer:
    target = parse_store_url(settings.store)
    if not target.is_embedded:
        raise ConfigurationError(
            f"{target.redacted()} is not an embedded store; `db stop` and `db status` manage "
            "the embedded FalkorDB server only"
        )
    return EmbeddedServer(target.data_dir)
