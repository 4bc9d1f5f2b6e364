"""Mistake: reads ?n= with query['n']: KeyError when it is missing (default 100).

The reference solution of exercise 8.6 with this one bug; a graded test must fail on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

TICK = 0.05  # seconds between two lines


async def wait_for_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def app(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    while True:  # the request body first
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        if not message.get("more_body", False):
            break
    count = int(parse_qs(scope["query_string"].decode("latin-1"))["n"][0])
    gone = asyncio.create_task(wait_for_disconnect(receive))
    try:  # (an OSError from send() also means the client is gone: let it end the stream)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
        for n in range(1, count + 1):
            if gone.done():
                return
            await send({"type": "http.response.body", "body": f"tick {n}\n".encode(),
                        "more_body": True})
            await asyncio.wait({gone}, timeout=TICK)  # a sleep that wakes on disconnect
        if not gone.done():
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:
        return
    finally:
        gone.cancel()
