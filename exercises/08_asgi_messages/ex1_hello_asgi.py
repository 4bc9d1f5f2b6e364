"""Exercise 8.1 -- hello, ASGI, one message at a time.

Write ``async def app(scope, receive, send)`` that answers every HTTP request with:

* status 200,
* headers ``content-type: text/plain; charset=utf-8`` and a correct ``content-length``,
* the body ``Hello, ASGI!`` (12 bytes, no newline).

The rules (ASGI spec, HTTP): the app *emits* its response through ``send`` -- the server
never reads a return value.  Exactly two messages, in this order:

1. ``{"type": "http.response.start", "status": 200, "headers": [(name, value), ...]}`` --
   ``status`` is an int; header names (lower case) and values are **bytes**;
2. ``{"type": "http.response.body", "body": b"...", "more_body": False}`` -- ``body`` is bytes.

Ignore scopes whose ``type`` is not ``"http"`` (just return).  ``receive`` is not needed.

Check: ``python -m course check 8``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


async def app(scope: dict, receive: Receive, send: Send) -> None:
    raise NotImplementedError("exercise 8.1: send http.response.start, then http.response.body")
