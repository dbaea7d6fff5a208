"""Email over SMTP: one real message per send action, to consented contacts only (the outbox's
people gate decides; this adapter only delivers).

The Message-ID is derived from the idempotency key (`<KEY@stratagraph>`), so a message retried
after a crash carries the same Message-ID and receivers that drop duplicate Message-IDs (as
mail stores commonly do) deliver it once. The server is `STRATAGRAPH_SMTP_HOST`/`_PORT`, or the
channel's `endpoint` (`smtp://host:port`). Temporary failures (4xx, connection loss) are
retried later by the outbox with the same key; permanent ones (5xx) fail the action.
SMTP has no campaigns or budgets, so launch, pause and update_budget succeed without a call,
and fetch_metrics reports what was sent (opens and conversions come from elsewhere).
"""

from __future__ import annotations

import contextlib
import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

from stratagraph.execution.errors import AdapterError
from stratagraph.settings import Settings

from .base import FAILED, RETRY, SENT, CallResult, ChannelAdapter, ChannelCall, Metrics

MESSAGE_ID_DOMAIN = "stratagraph"


def message_id(key: str) -> str:
    return f"<{key}@{MESSAGE_ID_DOMAIN}>"


class SmtpAdapter(ChannelAdapter):
    name = "smtp"
    individual_sends = True
    bulk_budget = False

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        user: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout_s: float = 10.0,
    ) -> None:
        self.host, self.port = host, port
        self.sender, self.user, self.password = sender, user, password
        self.starttls, self.timeout_s = starttls, timeout_s
        self._conn: smtplib.SMTP | None = None

    @classmethod
    def create(cls, channel: dict[str, Any], settings: Settings) -> SmtpAdapter:
        host, port = settings.smtp_host, settings.smtp_port
        endpoint = str(channel.get("endpoint") or "")
        if endpoint:
            parts = urlsplit(endpoint if "://" in endpoint else f"smtp://{endpoint}")
            host = parts.hostname or host
            port = parts.port or port
        if not host:
            raise AdapterError(
                f"channel {channel.get('uid')} sends e-mail over SMTP but no server is set: "
                "give the channel an endpoint (smtp://host:port) or set STRATAGRAPH_SMTP_HOST "
                "and STRATAGRAPH_SMTP_PORT."
            )
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(
            host,
            port,
            sender=settings.smtp_sender,
            user=settings.smtp_user,
            password=password,
            starttls=settings.smtp_starttls,
            timeout_s=settings.smtp_timeout_s,
        )

    def _connection(self) -> smtplib.SMTP:
        if self._conn is None:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
            if self.starttls:
                conn.starttls()
            if self.user and self.password:
                conn.login(self.user, self.password)
            self._conn = conn
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._conn.close()
        self._conn = None

    def launch(self, call: ChannelCall) -> CallResult:
        return CallResult(SENT, 0.0, {"smtp": "no campaign object"})

    def pause(self, call: ChannelCall) -> CallResult:
        return CallResult(SENT, 0.0, {"smtp": "no campaign object"})

    def update_budget(self, call: ChannelCall) -> CallResult:
        return CallResult(SENT, 0.0, {"smtp": "no budget object"})

    def build(self, call: ChannelCall) -> EmailMessage:
        contact = call.contact or {}
        asset = call.asset or {}
        first = str(contact.get("name") or "").split(" ")[0] or "there"
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = str(contact.get("email"))
        subject = str(asset.get("subject") or asset.get("name") or "News")
        msg["Subject"] = subject.replace("{first_name}", first)
        msg["Message-ID"] = message_id(call.key)
        msg["Date"] = formatdate(localtime=False, usegmt=True)
        msg["X-Stratagraph-Key"] = call.key
        msg["X-Stratagraph-Run"] = call.run
        msg["X-Stratagraph-Campaign"] = call.campaign
        msg["X-Stratagraph-Scheduled-For"] = call.scheduled_for
        body = str(asset.get("body") or asset.get("name") or "")
        msg.set_content(body.replace("{first_name}", first) or " ")
        return msg

    def send(self, call: ChannelCall) -> CallResult:
        address = (call.contact or {}).get("email")
        if not address:
            return CallResult(FAILED, error="the contact has no e-mail address")
        msg = self.build(call)
        for attempt in range(2):
            try:
                refused = self._connection().send_message(msg)
            except smtplib.SMTPRecipientsRefused as exc:
                return CallResult(FAILED, error=f"recipient refused: {exc.recipients}")
            except smtplib.SMTPResponseException as exc:
                self._drop()
                if 500 <= exc.smtp_code < 600:
                    return CallResult(FAILED, error=f"SMTP {exc.smtp_code}: {exc.smtp_error!r}")
                return CallResult(RETRY, error=f"SMTP {exc.smtp_code}", retry_after_s=1.0)
            except (TimeoutError, smtplib.SMTPException, OSError) as exc:
                self._drop()
                if attempt == 0:
                    continue  # a stale pooled connection: reconnect once
                return CallResult(RETRY, error=f"SMTP unavailable: {exc}", retry_after_s=1.0)
            if refused:
                return CallResult(FAILED, error=f"recipient refused: {refused}")
            cost = round(min(call.unit_cost, call.amount), 4)
            return CallResult(SENT, cost, {"message_id": msg["Message-ID"]})
        return CallResult(RETRY, error="SMTP unavailable", retry_after_s=1.0)

    def fetch_metrics(self, call: ChannelCall) -> Metrics:
        day = call.day or ""
        return Metrics(
            spend=float(call.spend_by_day.get(day, 0.0)),
            impressions=float(call.messages_by_day.get(day, 0)),
            detail={"model": "smtp: messages sent"},
        )

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._conn.quit()
        self._conn = None
