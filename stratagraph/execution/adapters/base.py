"""One interface for every channel: launch, pause, update_budget, send, fetch_metrics.

Every call carries the action's idempotency key; an adapter must make repeating a call with
the same key harmless (the simulator is stateless and deterministic, SMTP derives the
Message-ID from the key, the webhook sends it as the Idempotency-Key header).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

SENT = "sent"
FAILED = "failed"
RETRY = "pending"  # ambiguous or transient: the outbox retries later with the same key


@dataclass(frozen=True)
class ChannelCall:
    """Everything an adapter may need for one action."""

    key: str
    kind: str
    run: str
    campaign: str
    plan_item: str
    channel: dict[str, Any]
    amount: float = 0.0
    day: str | None = None
    scheduled_for: str = ""
    contact: dict[str, Any] | None = None
    asset: dict[str, Any] | None = None
    audience: dict[str, Any] | None = None
    plan: dict[str, Any] = field(default_factory=dict)  # the plan item's properties
    # measure: cost and messages per flight day of the campaign so far (day -> value)
    spend_by_day: dict[str, float] = field(default_factory=dict)
    messages_by_day: dict[str, int] = field(default_factory=dict)
    seed: int = 0

    @property
    def channel_uid(self) -> str:
        return str(self.channel.get("uid") or "")

    @property
    def unit_cost(self) -> float:
        value = self.channel.get("unit_cost")
        return float(value) if isinstance(value, int | float) else 0.0


@dataclass(frozen=True)
class CallResult:
    status: str  # sent | failed | pending (retry later, same key)
    cost: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    retry_after_s: float = 0.0


@dataclass(frozen=True)
class Metrics:
    """One period's results of one campaign (the measure action's answer)."""

    spend: float
    impressions: float = 0.0
    clicks: float = 0.0
    conversions: float = 0.0
    revenue: float = 0.0
    reach: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)

    def as_props(self) -> dict[str, float]:
        return {
            "spend": round(self.spend, 2),
            "impressions": float(self.impressions),
            "clicks": float(self.clicks),
            "conversions": float(self.conversions),
            "revenue": round(self.revenue, 2),
            "reach": float(self.reach),
        }


class ChannelAdapter(ABC):
    """A channel behind the common interface. Adapters are created per dispatcher from the
    registry and closed when it stops."""

    name: str = "adapter"
    #: the adapter delivers messages to individual contacts (email, sms gateways...)
    individual_sends: bool = False
    #: the adapter takes a daily budget for the audience it reaches itself
    bulk_budget: bool = True

    @abstractmethod
    def launch(self, call: ChannelCall) -> CallResult: ...

    @abstractmethod
    def pause(self, call: ChannelCall) -> CallResult: ...

    @abstractmethod
    def update_budget(self, call: ChannelCall) -> CallResult: ...

    @abstractmethod
    def send(self, call: ChannelCall) -> CallResult: ...

    @abstractmethod
    def fetch_metrics(self, call: ChannelCall) -> Metrics: ...

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
