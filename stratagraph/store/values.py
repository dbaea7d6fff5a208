"""Turn engine result values into plain Python (dicts, lists, scalars).

Each adapter passes its own node / relationship / path converters, so importing one
engine's driver never pays for the other's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Converter = Callable[[Any], Any | None]


def plain(value: Any, convert: Converter) -> Any:
    """Scalars pass through; `convert` handles engine objects (returns None if not its own)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {k: plain(v, convert) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, convert) for v in value]
    converted = convert(value)
    return str(value) if converted is None else converted
