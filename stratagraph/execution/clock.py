"""Time for runs: a simulated clock per run, or the wall clock.

A simulated run keeps its own time in `Run.now`; the executor moves it forward (one
conditional statement) to the next moment something is due, so a 13-week flight runs as fast
as the channels answer. Quiet hours, local days and frequency caps are all judged at the
run's time. A real run uses wall-clock time. Claims and leases always use wall-clock time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from stratagraph.graph_schema.row_models import TIME_FORMAT, format_time

SIMULATED = "simulated"
REAL = "real"


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    return format_time(moment)


def wall_now() -> datetime:
    return datetime.now(UTC)


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def day_start(day: date, tz: str | None) -> datetime:
    """Midnight at the start of `day` in the zone, as UTC."""
    return datetime.combine(day, time(0), tzinfo=zone(tz)).astimezone(UTC)


def local_date(moment: datetime, tz: str | None) -> date:
    return moment.astimezone(zone(tz)).date()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
