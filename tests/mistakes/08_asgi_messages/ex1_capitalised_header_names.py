"""Mistake: header names written Content-Type / Content-Length (ASGI: must be lowercased).

The reference solution of exercise 8.1 with this one bug; a graded test must fail on it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

BODY = b"Hello, ASGI!"


async def app(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"Content-Type", b"text/plain; charset=utf-8"),
                            (b"Content-Length", str(len(BODY)).encode())]})
    await send({"type": "http.response.body", "body": BODY, "more_body": False})
