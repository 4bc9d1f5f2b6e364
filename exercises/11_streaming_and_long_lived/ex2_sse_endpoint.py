"""Exercise 11.2 -- an SSE endpoint that resumes, keeps the line alive and stops on disconnect.

Write ``async def app(scope, receive, send)`` answering ``GET /events`` (any path will do)
with a stream of Server-Sent Events.  The query string sets three numbers:
``count`` (events in all, default 5), ``every`` (seconds between two events, default 1.0)
and ``heartbeat`` (seconds between two heartbeats, default 15.0).

The rules:

1. Status 200 and these headers: ``content-type: text/event-stream``,
   ``cache-control: no-cache`` and ``x-accel-buffering: no`` (so nginx passes every event on
   at once); no ``content-length`` -- the length is not known in advance.
2. Event *K* is exactly ``id: K\\ndata: tick K\\n\\n``, sent as one ``http.response.body``
   message with ``more_body=True``.  Events are numbered 1 to ``count``; the first goes out
   at once, the next ones ``every`` seconds apart.  After event ``count``, end the response
   with an empty body and ``more_body=False``.
3. Resuming: a reconnecting ``EventSource`` sends the request header ``last-event-id`` with the
   last id it saw.  When that header is all ASCII digits, start right after it (``3`` -> the
   first event sent is 4; nothing before it is repeated).  Otherwise (missing, empty, ``abc``)
   start at 1.
4. Heartbeats: while waiting for the next event, send the comment ``: heartbeat\\n\\n`` (one
   body message) every ``heartbeat`` seconds, so that proxies and browsers see a live
   connection (nginx's ``proxy_read_timeout`` is 60 s by default).
5. Disconnects: when ``receive()`` returns ``http.disconnect``, stop at once -- even in the
   middle of a long wait -- and return normally.  (uvicorn drops what you send to a gone
   client silently, so only ``receive`` tells you.  A server implementing ASGI spec 2.4 may
   instead raise ``OSError`` from ``send``: treat that as a disconnect too, and return.)

Try it: ``uvicorn ex2_sse_endpoint:app --app-dir exercises/11_streaming_and_long_lived``, then
``curl -N 'http://127.0.0.1:8000/events?count=5&every=1&heartbeat=0.3'`` and
``curl -N -H 'Last-Event-ID: 3' 'http://127.0.0.1:8000/events?count=5&every=1'``.

Check: ``python -m course check 11``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


async def app(scope: dict, receive: Receive, send: Send) -> None:
    raise NotImplementedError("exercise 11.2: stream SSE events with ids and heartbeats")
