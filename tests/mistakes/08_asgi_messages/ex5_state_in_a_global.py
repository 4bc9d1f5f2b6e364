"""Mistake: setup() fills a module-level dict instead of scope['state'].

The reference solution of exercise 8.5 with this one bug; a graded test must fail on it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def setup(state: dict) -> None:
    """Prepare what every request will need (here: a greeting and the start time)."""
    state["greeting"] = "Hello from lifespan!"
    state["started_at"] = time.time()


STATE: dict = {}


async def lifespan(scope: dict, receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                setup(STATE)
            except Exception as exc:  # noqa: BLE001 - any startup error is reported
                await send({"type": "lifespan.startup.failed", "message": str(exc)})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(scope, receive, send)
        return
    if scope["type"] != "http":
        return
    greeting = STATE.get("greeting")
    status, body = (200, greeting.encode()) if greeting else (503, b"not started")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body, "more_body": False})
