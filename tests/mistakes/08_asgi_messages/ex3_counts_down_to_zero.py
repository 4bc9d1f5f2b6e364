"""Mistake: range(start, -1, -1): sends a '0' line before liftoff!.

The reference solution of exercise 8.3 with this one bug; a graded test must fail on it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


async def app(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    query = parse_qs(scope["query_string"].decode("latin-1"))
    start = int(query.get("from", ["3"])[0])
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    for n in range(start, -1, -1):
        await send({"type": "http.response.body", "body": f"{n}\n".encode(), "more_body": True})
    await send({"type": "http.response.body", "body": b"liftoff!\n", "more_body": False})
