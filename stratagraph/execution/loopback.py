"""Loopback SMTP and webhook receivers with their own ledgers, for tests and the benchmark.

Both behave like careful real receivers: the SMTP server keeps one copy per Message-ID (as mail
stores that drop duplicates do) and the webhook server performs each Idempotency-Key once and
answers repeats from its record. Each ledger also counts every raw delivery, so tests can see
how often the executor retried, and prove that no effect was performed twice or lost.
They listen on 127.0.0.1 only. `aiosmtpd` is a test dependency (the `test` extra).
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .adapters.webhook import verify_signature


@dataclass
class Entry:
    key: str
    received_at: float  # time.time()
    fields: dict[str, Any]


@dataclass
class Ledger:
    performed: dict[str, Entry] = field(default_factory=dict)
    deliveries: list[tuple[str, float]] = field(default_factory=list)
    rejected: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, key: str, fields: dict[str, Any]) -> bool:
        """Record a delivery; True when it is the first of its key (performed now)."""
        now = time.time()
        with self.lock:
            self.deliveries.append((key, now))
            if key in self.performed:
                return False
            self.performed[key] = Entry(key, now, fields)
            return True

    @property
    def redeliveries(self) -> int:
        return len(self.deliveries) - len(self.performed)

    def count(self) -> int:
        return len(self.performed)


class SmtpReceiver:
    """aiosmtpd on a free loopback port; `ledger` keyed by Message-ID."""

    def __init__(self) -> None:
        self.ledger = Ledger()
        self._controller: Any = None
        self.port = 0

    def start(self) -> SmtpReceiver:
        from aiosmtpd.controller import Controller

        ledger = self.ledger

        class Handler:
            async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
                self, server: Any, session: Any, envelope: Any
            ) -> str:
                msg = message_from_bytes(envelope.original_content or envelope.content)
                ledger.record(
                    str(msg["Message-ID"]),
                    {
                        "to": list(envelope.rcpt_tos),
                        "key": msg["X-Stratagraph-Key"],
                        "campaign": msg["X-Stratagraph-Campaign"],
                        "scheduled_for": msg["X-Stratagraph-Scheduled-For"],
                        "subject": msg["Subject"],
                    },
                )
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class WebhookReceiver:
    """An HTTP server on a free loopback port that checks signatures and performs each
    Idempotency-Key once. `timeout_rate`: share of first deliveries it performs and then
    answers only after `stall_s` (longer than the client's timeout)."""

    def __init__(
        self, secret: bytes, *, timeout_rate: float = 0.0, stall_s: float = 1.0, seed: int = 1
    ) -> None:
        self.secret = secret
        self.ledger = Ledger()
        self.timeout_rate = timeout_rate
        self.stall_s = stall_s
        self.stalled = 0
        self._rng = random.Random(seed)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                stamp = self.headers.get("X-Stratagraph-Timestamp") or ""
                sig = self.headers.get("X-Stratagraph-Signature") or ""
                key = self.headers.get("Idempotency-Key") or ""
                if not key or not verify_signature(receiver.secret, stamp, body, sig):
                    receiver.ledger.rejected += 1
                    self._answer(401, {"error": "bad signature"})
                    return
                payload = json.loads(body)
                first = receiver.ledger.record(key, payload)
                with receiver.ledger.lock:
                    stall = first and receiver._rng.random() < receiver.timeout_rate
                    if stall:
                        receiver.stalled += 1
                if stall:
                    time.sleep(receiver.stall_s)  # performed, but the answer comes too late
                answer: dict[str, Any] = {"ok": True, "replayed": not first}
                if payload.get("action") == "fetch_metrics":
                    answer["metrics"] = {"impressions": 0, "conversions": 0}
                self._answer(200, answer)

            def _answer(self, code: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                return  # a client killed mid-request (the tests do that on purpose)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
