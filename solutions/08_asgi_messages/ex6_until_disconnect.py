"""Exercise 8.6 -- a long response that stops as soon as the client goes away.

Write ``async def app(scope, receive, send)`` that answers ``GET /?n=N`` (default 100) with
status 200, ``content-type: text/plain; charset=utf-8`` and, streamed, the lines
``tick 1\\n``, ``tick 2\\n``, ... ``tick N\\n`` -- one ``http.response.body`` message each
(``more_body=True``), ``TICK`` seconds apart -- then a final empty body with
``more_body=False``.

The catch: if the client disconnects, stop at once and return (normally, no exception).
``receive`` tells you: after the request body, the next ``await receive()`` blocks until the
client goes away and then returns ``{"type": "http.disconnect"}``.  Nothing else tells you:
uvicorn silently drops what you send to a gone client, so an app that only sends would tick
on for the full N * TICK seconds, for nobody.  (Servers that follow spec 2.4 may instead
raise an ``OSError`` from ``send()`` on a closed connection: treat that as a disconnect too.)

Hint of a shape: read the request body first; then watch ``receive`` in a separate task
(``asyncio.create_task``) while the loop ticks, and check it between ticks -- or wait on it
instead of sleeping (``asyncio.wait({task}, timeout=TICK)``).  Cancel the watcher when done.

Check: ``python -m course check 8``.
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
    count = int(parse_qs(scope["query_string"].decode("latin-1")).get("n", ["100"])[0])
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
