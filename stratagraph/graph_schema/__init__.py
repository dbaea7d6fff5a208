"""The graph's node and relationship types, declared once (see declaration.py)."""

from .declaration import MESSAGE_CHANNEL_KINDS, SCHEMA
from .types import GraphSchema, IndexSpec, NodeType, Prop, PropType, RelType

__all__ = [
    "MESSAGE_CHANNEL_KINDS",
    "SCHEMA",
    "GraphSchema",
    "IndexSpec",
    "NodeType",
    "Prop",
    "PropType",
    "RelType",
]
