"""One exception root for the whole package.

Every error carries an exit code (the CLI's contract: 1 domain refusal, 2 bad input,
3 engine unavailable) and a message that says how to fix the problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class StratagraphError(Exception):
    """Root of every error raised on purpose by stratagraph."""

    exit_code: int = 1

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}


class ConfigurationError(StratagraphError):
    """A setting is missing, malformed or a placeholder."""

    exit_code = 2


class UsageError(StratagraphError):
    """A command was called with arguments that cannot work."""

    exit_code = 2


class StoreUnavailable(StratagraphError):
    """The graph engine cannot be reached or started."""

    exit_code = 3


class QueryError(StratagraphError):
    """The engine refused or failed a statement."""

    exit_code = 2


class ReadOnlyViolation(StratagraphError):
    """A statement sent through a read-only path tried to write."""

    exit_code = 1


class NotFound(StratagraphError):
    """A node addressed by uid does not exist."""

    exit_code = 2


@dataclass(frozen=True)
class InputProblem:
    """One bad value in one input row: where it is and what is wrong."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row:  # row 0 marks values derived from options, not from a row
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class InvalidInput(StratagraphError):
    """Input rows failed validation; nothing was written."""

    exit_code = 2

    def __init__(self, problems: list[InputProblem], *, limit: int = 20) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:limit])
        more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
        super().__init__(
            f"{len(problems)} problem(s) in the input; nothing was written.\n{shown}{more}\n"
            "Fix the rows above, or pass --quarantine FILE to load the good rows and set "
            "the bad ones aside with their reasons.",
            details={"problems": [p.__dict__ for p in problems]},
        )
