"""Exercise 9.3 -- ``receive``: the request body, chunk by chunk, then ``http.disconnect``.

``receive`` delivers events *to* the app.  For an HTTP request they are ``http.request``
messages carrying the body -- ``more_body`` True on every chunk but the last -- and, once
the body is all delivered, ``http.disconnect`` when the client goes away (or after the
response).  A server backs ``receive`` with a queue the connection fills as bytes arrive.

Write ``make_receive(chunks, disconnected)`` returning an ``async def receive()`` that:

* returns ``{"type": "http.request", "body": chunk, "more_body": True}`` for each chunk but
  the last, and ``more_body: False`` on the last; with no chunks at all, exactly one message
  ``{"type": "http.request", "body": b"", "more_body": False}``;
* then *waits* (without busy-looping) until the ``asyncio.Event`` ``disconnected`` is set,
  and returns ``{"type": "http.disconnect"}`` -- on that call and on every later one.

Each call of ``make_receive`` gives an independent ``receive``.
Check: ``python -m course check 9``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


def make_receive(chunks: list[bytes],
                 disconnected: asyncio.Event) -> Callable[[], Awaitable[dict]]:
    raise NotImplementedError("exercise 9.3: return an async receive() over the chunks")
