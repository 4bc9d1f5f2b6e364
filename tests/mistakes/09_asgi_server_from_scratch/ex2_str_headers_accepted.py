"""Mistake: does not check that header names and values are bytes.

The reference solution of exercise 9.2 with this one bug; a graded test must fail on it.
"""

from __future__ import annotations

from typing import Any

# state -> the one message type it accepts
EXPECTED = {"start": "http.response.start", "streaming": "http.response.body"}


class SendState:
    def __init__(self) -> None:
        self.state = "start"
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()

    def advance(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if self.state == "done":
            raise RuntimeError(f"{kind!r} sent after the final http.response.body")
        expected = EXPECTED[self.state]
        if kind != expected:
            raise RuntimeError(f"expected {expected!r} in state {self.state!r}, got {kind!r}")
        if self.state == "start":
            status = message.get("status")
            if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
                raise RuntimeError(f"status must be an int from 100 to 599, got {status!r}")
            headers = []
            for pair in message.get("headers", ()):
                name, value = pair
                headers.append((name, value))
            self.status, self.headers, self.state = status, headers, "streaming"
        else:
            body = message.get("body", b"")
            if not isinstance(body, (bytes, bytearray)):
                raise RuntimeError(f"body must be bytes, got {type(body).__name__}")
            self.body += body
            if not message.get("more_body", False):
                self.state = "done"
