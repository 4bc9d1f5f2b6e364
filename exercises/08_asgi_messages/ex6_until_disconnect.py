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

from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

TICK = 0.05  # seconds between two lines


async def app(scope: dict, receive: Receive, send: Send) -> None:
    raise NotImplementedError("exercise 8.6: stream ticks, and stop when receive() says disconnect")
