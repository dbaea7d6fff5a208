"""Execution refusals and failures, with what to do about them."""

from __future__ import annotations

from stratagraph.errors import StratagraphError


class ExecutionRefused(StratagraphError):
    """The executor will not start or continue this run (exit code 1): not approved, content
    changed, already finished, driven by another process..."""

    exit_code = 1


class AdapterError(StratagraphError):
    """A channel adapter is misconfigured or unknown (exit code 2)."""

    exit_code = 2
