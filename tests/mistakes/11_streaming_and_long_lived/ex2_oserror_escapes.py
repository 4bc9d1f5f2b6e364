"""Mistake: lets the OSError from send() escape instead of treating it as a disconnect."""


from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

HEARTBEAT = b": heartbeat\n\n"


def settings(scope: dict) -> tuple[int, float, float]:
    query = parse_qs(scope["query_string"].decode("latin-1"))
    count = int(query.get("count", ["5"])[0])
    every = float(query.get("every", ["1.0"])[0])
    heartbeat = float(query.get("heartbeat", ["15.0"])[0])
    return count, every, heartbeat


def first_event(scope: dict) -> int:
    last_seen = dict(scope["headers"]).get(b"last-event-id", b"")
    if last_seen.isdigit():
        return int(last_seen) + 1
    return 1


async def wait_for_disconnect(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def stream(scope: dict, send: Send, gone: asyncio.Task) -> None:
    count, every, heartbeat = settings(scope)
    headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache"),
               (b"x-accel-buffering", b"no")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    due = time.monotonic()
    for number in range(first_event(scope), count + 1):
        while time.monotonic() < due:
            wait = min(heartbeat, due - time.monotonic())
            await asyncio.wait({gone}, timeout=max(wait, 0))
            if gone.done():
                return
            if time.monotonic() < due:
                await send({"type": "http.response.body", "body": HEARTBEAT, "more_body": True})
        if gone.done():
            return
        event = f"id: {number}\ndata: tick {number}\n\n".encode()
        await send({"type": "http.response.body", "body": event, "more_body": True})
        due = time.monotonic() + every
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def app(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    gone = asyncio.create_task(wait_for_disconnect(receive))
    try:
        await stream(scope, send, gone)
    finally:
        gone.cancel()
