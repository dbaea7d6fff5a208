"""Channel adapters behind one interface, chosen from a registry by the channel's `adapter`."""

from .base import CallResult, ChannelAdapter, ChannelCall, Metrics
from .registry import AdapterPool, adapter_name, create, names, register

__all__ = [
    "AdapterPool",
    "CallResult",
    "ChannelAdapter",
    "ChannelCall",
    "Metrics",
    "adapter_name",
    "create",
    "names",
    "register",
]
