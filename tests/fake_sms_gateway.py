"""A local SMS gateway speaking the protocol of xinfang/notifications/channels.py, started by the tests
on a free port of 127.0.0.1 in a thread. It keeps what it "sent" and can be told how to fail:

    down     answer 503 and take nothing (the gateway is overloaded)
    lost     take the message, then answer 500 (the answer is lost on the way back)
    slow     take the message only after `slow_seconds`, past the client's timeout
    refuse   answer 400 (an invalid number): the client must not retry

Like a real gateway it keeps one message per idempotency key: a repeated key is answered with the
first message's id and nothing is sent again.
"""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class SentSms:
    to: str
    text: str
    idempotency_key: str
    message_id: str


class FakeSmsGateway:
    def __init__(self, token: str = "gateway-test-token", slow_seconds: float = 1.0) -> None:  # noqa: S107
        self.token = token
        self.slow_seconds = slow_seconds
        self.requests = 0
        self.messages: list[SentSms] = []
        self._by_key: dict[str, SentSms] = {}
        self._failures: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/sms/send"

    def fail_next(self, count: int = 1, *, mode: str = "down") -> None:
        assert mode in ("down", "lost", "slow", "refuse")
        with self._lock:
            self._failures += [mode] * count

    def start(self) -> "FakeSmsGateway":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _take(self, payload: dict[str, Any]) -> SentSms:
        with self._lock:
            key = str(payload["idempotency_key"])
            if key not in self._by_key:
                sms = SentSms(str(payload["to"]), str(payload["text"]), key, f"fake-{len(self.messages) + 1}")
                self._by_key[key] = sms
                self.messages.append(sms)
            return self._by_key[key]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # keep the test output quiet
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (slow mode)

            def do_POST(self) -> None:
                with gateway._lock:
                    gateway.requests += 1
                    mode = gateway._failures.pop(0) if gateway._failures else None
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    return self._answer(401, {"error": "unauthorised"})
                length = int(self.headers.get("Content-Length", "0"))
                try:
                    payload = json.loads(self.rfile.read(length))
                    assert payload["to"] and payload["text"] and payload["idempotency_key"]
                    assert self.headers.get("Idempotency-Key") == payload["idempotency_key"]
                except (ValueError, KeyError, AssertionError):
                    return self._answer(400, {"error": "bad request"})
                if mode == "down":
                    return self._answer(503, {"error": "busy"})
                if mode == "refuse":
                    return self._answer(400, {"error": f"invalid number {payload['to']}"})
                if mode == "slow":
                    time.sleep(gateway.slow_seconds)
                sms = gateway._take(payload)
                if mode == "lost":
                    return self._answer(500, {"error": "internal error"})
                return self._answer(200, {"message_id": sms.message_id})

        return Handler
