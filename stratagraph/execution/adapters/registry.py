"""The adapter registry: a channel's `adapter` property (or, without one, its kind) names the
adapter; plugins add their own with `register`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stratagraph.execution.errors import AdapterError
from stratagraph.settings import Settings

from .base import ChannelAdapter

Factory = Callable[[dict[str, Any], Settings], ChannelAdapter]
_FACTORIES: dict[str, Factory] = {}
# a channel without an `adapter` property: email goes out over SMTP only when asked to;
# everything defaults to the simulator, so a plan never reaches a real channel by accident
DEFAULT_ADAPTER = "simulator"


def register(name: str, factory: Factory) -> None:
    """Make an adapter available under `name` (a channel's `adapter` property)."""
    _FACTORIES[name] = factory


def names() -> list[str]:
    _builtins()
    return sorted(_FACTORIES)


def adapter_name(channel: dict[str, Any]) -> str:
    value = channel.get("adapter")
    return str(value) if value else DEFAULT_ADAPTER


def create(channel: dict[str, Any], settings: Settings) -> ChannelAdapter:
    _builtins()
    name = adapter_name(channel)
    factory = _FACTORIES.get(name)
    if factory is None:
        raise AdapterError(
            f"channel {channel.get('uid')} names adapter {name!r}, which is not registered; "
            f"known adapters: {', '.join(sorted(_FACTORIES))}. Set the channel's `adapter` "
            "property to one of them, or register a plugin with "
            "stratagraph.execution.adapters.register(name, factory).",
            details={"channel": channel.get("uid"), "adapter": name},
        )
    return factory(channel, settings)


def _builtins() -> None:
    if "simulator" in _FACTORIES:
        return
    from .simulator import SimulatorAdapter
    from .smtp import SmtpAdapter
    from .webhook import WebhookAdapter

    _FACTORIES.setdefault("simulator", SimulatorAdapter.create)
    _FACTORIES.setdefault("smtp", SmtpAdapter.create)
    _FACTORIES.setdefault("webhook", WebhookAdapter.create)


class AdapterPool:
    """One adapter per (adapter, endpoint) for a dispatcher's lifetime."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._adapters: dict[tuple[str, str], ChannelAdapter] = {}

    def get(self, channel: dict[str, Any]) -> ChannelAdapter:
        key = (adapter_name(channel), str(channel.get("endpoint") or ""))
        found = self._adapters.get(key)
        if found is None:
            found = create(channel, self.settings)
            self._adapters[key] = found
        return found

    def close(self) -> None:
        for adapter in self._adapters.values():
            adapter.close()
        self._adapters.clear()
