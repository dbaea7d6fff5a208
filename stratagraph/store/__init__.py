"""The GraphStore port and its adapters (FalkorDB embedded or remote, Neo4j)."""

from .base import GraphStore, Record
from .factory import StoreURL, open_store, parse_store_url

__all__ = ["GraphStore", "Record", "StoreURL", "open_store", "parse_store_url"]
