"""The explorer: static files served at /explorer (see docs/explorer.md)."""

from pathlib import Path

STATIC = Path(__file__).parent
