"""Governance refusals: the domain's "no", with what to do instead (exit code 1)."""

from __future__ import annotations

from stratagraph.errors import StratagraphError


class Refused(StratagraphError):
    """The workflow refuses this step (wrong state, maker approving, unheld role...)."""

    exit_code = 1


class UnknownActor(StratagraphError):
    """An actor name that is not registered (bad input, exit code 2)."""

    exit_code = 2
