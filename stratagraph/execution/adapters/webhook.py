"""Webhook: an HTTP POST of a JSON payload per action, signed, with the idempotency key.

Headers: `Idempotency-Key: KEY`, `X-Stratagraph-Timestamp: UNIX`, and
`X-Stratagraph-Signature: sha256=HEX`, the HMAC-SHA256 of `TIMESTAMP.BODY` under
`STRATAGRAPH_WEBHOOK_SECRET` (placeholders and short secrets are refused). Each try has a
timeout (`STRATAGRAPH_WEBHOOK_TIMEOUT_S`); timeouts, connection errors, 408, 409, 425, 429 and
5xx are retried with exponential backoff and jitter (`_RETRIES`, `_BACKOFF_S`), always with
the same key, since a timed-out request may have been performed. When the tries run out the
action goes back to the outbox (still reserved) and is tried again later, so an effect is
never lost; the receiver dedupes by the key. Other 4xx fail the action.

A 2xx answer may carry JSON: `{"cost": 12.5}` (what the channel charged, at most the reserved
amount) and, for measure calls, `{"metrics": {"spend":..., "conversions":..., ...}}`.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import random
import time
from typing import Any
from urllib.parse import urlsplit

from stratagraph.execution.errors import AdapterError
from stratagraph.settings import Settings

from .base import FAILED, RETRY, SENT, CallResult, ChannelAdapter, ChannelCall, Metrics

RETRYABLE = frozenset({408, 409, 425, 429})


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(secret: bytes, timestamp: str, body: bytes, header: str) -> bool:
    """For receivers: constant-time check of the signature header."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)


class WebhookAdapter(ChannelAdapter):
    name = "webhook"
    individual_sends = True
    bulk_budget = True

    def __init__(
        self,
        url: str,
        secret: bytes,
        *,
        timeout_s: float = 5.0,
        retries: int = 4,
        backoff_s: float = 0.2,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise AdapterError(f"webhook endpoint {url!r} is not an http(s) URL")
        self.url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.secret = secret
        self.timeout_s, self.retries, self.backoff_s = timeout_s, retries, backoff_s
        self._conn: http.client.HTTPConnection | None = None
        self.tries = 0  # requests made, for tests and the benchmark

    @classmethod
    def create(cls, channel: dict[str, Any], settings: Settings) -> WebhookAdapter:
        url = str(channel.get("endpoint") or "")
        if not url:
            raise AdapterError(
                f"channel {channel.get('uid')} uses the webhook adapter but has no endpoint; "
                "set the channel's `endpoint` property to the receiver's URL."
            )
        return cls(
            url,
            settings.webhook_key(),
            timeout_s=settings.webhook_timeout_s,
            retries=settings.webhook_retries,
            backoff_s=settings.webhook_backoff_s,
        )

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            factory = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._conn = factory(self._host, self._port, timeout=self.timeout_s)
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def post(self, key: str, payload: dict[str, Any]) -> tuple[str, dict[str, Any], str | None]:
        """POST with retries; returns (status, answer JSON, error)."""
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
        error: str | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self.backoff_s * 2 ** (attempt - 1)
                time.sleep(delay * random.uniform(0.5, 1.0))
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "Idempotency-Key": key,
                "X-Stratagraph-Timestamp": stamp,
                "X-Stratagraph-Signature": signature(self.secret, stamp, body),
            }
            self.tries += 1
            try:
                conn = self._connection()
                conn.request("POST", self._path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read()
                code = response.status
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                self._drop()  # the request may have been performed: retry with the same key
                error = f"{type(exc).__name__}: {exc}"
                continue
            if 200 <= code < 300:
                try:
                    answer = json.loads(text) if text else {}
                except json.JSONDecodeError:
                    answer = {}
                return SENT, answer if isinstance(answer, dict) else {}, None
            error = f"HTTP {code}: {text[:200].decode('utf-8', 'replace')}"
            if code in RETRYABLE or code >= 500:
                continue
            return FAILED, {}, error
        return RETRY, {}, error

    def _payload(self, call: ChannelCall, action: str) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "action": action,
            "key": call.key,
            "kind": call.kind,
            "run": call.run,
            "campaign": call.campaign,
            "plan_item": call.plan_item,
            "channel": call.channel_uid,
            "amount": round(call.amount, 2),
            "day": call.day,
            "scheduled_for": call.scheduled_for,
        }
        if call.asset:
            payload["asset"] = call.asset.get("uid")
        if action == "send" and call.contact:
            c = call.contact
            payload["contact"] = {
                k: c.get(k) for k in ("uid", "email", "phone", "locale", "timezone") if c.get(k)
            }
        return payload

    def _call(self, call: ChannelCall, action: str, default_cost: float) -> CallResult:
        status, answer, error = self.post(call.key, self._payload(call, action))
        if status != SENT:
            return CallResult(status, error=error, retry_after_s=1.0)
        cost = answer.get("cost", default_cost)
        cost = float(cost) if isinstance(cost, int | float) else default_cost
        return CallResult(SENT, round(max(0.0, min(cost, call.amount)), 4), {"answer": answer})

    def launch(self, call: ChannelCall) -> CallResult:
        return self._call(call, "launch", 0.0)

    def pause(self, call: ChannelCall) -> CallResult:
        return self._call(call, "pause", 0.0)

    def update_budget(self, call: ChannelCall) -> CallResult:
        return self._call(call, "update_budget", call.amount)

    def send(self, call: ChannelCall) -> CallResult:
        return self._call(call, "send", min(call.unit_cost, call.amount))

    def fetch_metrics(self, call: ChannelCall) -> Metrics:
        day = call.day or ""
        spend = float(call.spend_by_day.get(day, 0.0))
        status, answer, _ = self.post(call.key, self._payload(call, "fetch_metrics"))
        m = answer.get("metrics") if status == SENT else None
        if not isinstance(m, dict):
            return Metrics(spend=spend, impressions=float(call.messages_by_day.get(day, 0)))

        def num(name: str) -> float:
            value = m.get(name)
            return float(value) if isinstance(value, int | float) else 0.0

        return Metrics(
            spend=spend,
            impressions=num("impressions"),
            clicks=num("clicks"),
            conversions=num("conversions"),
            revenue=num("revenue"),
            reach=num("reach"),
            detail={"model": "webhook"},
        )

    def close(self) -> None:
        self._drop()
