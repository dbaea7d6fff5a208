"""People rules for message channels (email, sms, push): consent, opt-out, frequency caps per
local calendar day, quiet hours.

- Consent is checked twice: when a day's sends are planned (only consenting members of the
  audience get a send) and again at send time by one statement per send (`gate_sends`), so
  an opt-out recorded mid-run stops every later send.
- The frequency cap counts sends to the contact on the channel on the contact's local
  calendar day (across plan items and runs), in the same gate statement, after it has taken
  the contact's write lock, so concurrent dispatchers cannot both take the last slot. A send
  over the cap is skipped with reason `frequency_cap`.
- Quiet hours are local hours; a send that falls due inside them is held to the end of the
  quiet period (the next allowed window), never dropped.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from stratagraph import cypher
from stratagraph.graph_schema.declaration import MESSAGE_CHANNEL_KINDS
from stratagraph.graph_schema.row_models import now_iso
from stratagraph.store import GraphStore

from .clock import zone

MESSAGE_BASES = ("consent", "contract")
DEFAULT_CAP = 1


def is_message_kind(kind: str | None) -> bool:
    return kind in MESSAGE_CHANNEL_KINDS


@dataclass(frozen=True)
class QuietHours:
    start: int | None
    end: int | None

    @property
    def active(self) -> bool:
        return self.start is not None and self.end is not None and self.start != self.end

    def contains(self, hour: int) -> bool:
        if not self.active:
            return False
        assert self.start is not None
        assert self.end is not None
        if self.start < self.end:
            return self.start <= hour < self.end
        return hour >= self.start or hour < self.end  # wraps midnight, e.g. 22 -> 8

    def next_allowed(self, moment: datetime, tz: str | None) -> datetime:
        """`moment` itself when sends are allowed then, else the end of the quiet period."""
        local = moment.astimezone(zone(tz))
        if not self.contains(local.hour):
            return moment
        assert self.end is not None
        opens = datetime.combine(local.date(), time(self.end), tzinfo=local.tzinfo)
        if opens <= local:
            opens = datetime.combine(local.date() + timedelta(days=1), time(self.end), local.tzinfo)
        return opens.astimezone(UTC)


def quiet_hours(channel: dict[str, object]) -> QuietHours:
    def hour(key: str) -> int | None:
        value = channel.get(key)
        return int(value) if isinstance(value, int | float) else None

    return QuietHours(hour("quiet_hours_start"), hour("quiet_hours_end"))


def frequency_cap(item: dict[str, object], channel: dict[str, object]) -> int:
    """The tighter of the plan item's and the channel's caps (1 when neither has one)."""
    caps = [
        int(v)
        for v in (item.get("frequency_cap"), channel.get("frequency_cap"))
        if isinstance(v, int | float) and v >= 0
    ]
    return min(caps) if caps else DEFAULT_CAP


def send_time(day: date, tz: str | None, send_hour: int, quiet: QuietHours) -> datetime:
    """When a send of flight day `day` is planned: `send_hour` local time, out of quiet hours."""
    local = datetime.combine(day, time(send_hour), tzinfo=zone(tz))
    return quiet.next_allowed(local.astimezone(UTC), tz)


def local_day(moment: datetime, tz: str | None) -> date:
    return moment.astimezone(zone(tz)).date()


@dataclass(frozen=True)
class OptOut:
    contact: str
    channel: str
    at: str
    cancelled: int
    waited_s: float


def record_opt_out(
    store: GraphStore,
    contact: str,
    channel: str,
    *,
    at: str | None = None,
    wait_s: float = 30.0,
) -> OptOut:
    """Record that `contact` opted out of `channel`. From the statement on, the send gate
    refuses them; pending sends are cancelled; and this call returns only once the sends that
    had already passed the gate have settled, so nothing reaches the person after it returns."""
    when = at or now_iso()
    params = {"contact": contact, "channel": channel, "at": when}
    store.write(cypher.load("execution/record_opt_out"), params)
    from .outbox import cancel_actions

    started = _time.monotonic()
    cancelled = 0
    first = True
    while True:
        row = store.read(
            cypher.load("execution/in_flight_sends"), {"contact": contact, "channel": channel}
        )[0]
        if first:
            for run in sorted({str(r) for r in row["runs"] or []}):
                cancelled += cancel_actions(
                    store, run, reason="opted_out", contact=contact, channel=channel
                )
            first = False
        if not int(row["in_flight"] or 0) or _time.monotonic() - started > wait_s:
            break
        _time.sleep(0.02)
    return OptOut(contact, channel, when, cancelled, _time.monotonic() - started)
