"""Exercise 12.1 -- a request-id middleware in pure ASGI (reference solution).

See the stub in ``exercises/12_bridges_and_frameworks/ex1_request_id.py`` for the rules.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[dict, Receive, Send], Awaitable[None]]

SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def choose_id(headers: list[tuple[bytes, bytes]]) -> str:
    """The incoming ``x-request-id`` when it is safe, else a fresh one."""
    for name, value in headers:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if SAFE_ID.fullmatch(candidate):
                return candidate
    return uuid.uuid4().hex


class RequestId:
    """Pure ASGI middleware: an ``x-request-id`` on every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = choose_id(scope.get("headers", []))
        child_scope = {**scope, "request_id": request_id}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []),
                           (b"x-request-id", request_id.encode("latin-1"))]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(child_scope, receive, send_with_id)
