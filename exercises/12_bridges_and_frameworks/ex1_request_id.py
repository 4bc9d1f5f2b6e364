"""Exercise 12.1 -- a request-id middleware in pure ASGI.

Write the class ``RequestId``: ``RequestId(app)`` is an ASGI app that wraps ``app`` and
gives every HTTP request an id.  Pure ASGI middleware touches only messages -- it wraps
``receive`` and/or ``send`` and calls ``await self.app(scope, receive, send)`` -- so unlike
``BaseHTTPMiddleware`` it adds no task, no queue and no buffer.

The rules:

1. Every ``http`` response gets the header ``x-request-id`` (added to the app's
   ``http.response.start`` message; keep every header the app sent).
2. The id: if the request carries an ``x-request-id`` header whose value matches
   ``SAFE_ID`` (a proxy such as nginx may have set it), reuse it; otherwise make a fresh
   one with ``uuid.uuid4().hex``.  Never echo an unsafe value back.
3. The app is called with a *copy* of the scope that has ``scope["request_id"]`` set to
   the id.  The dict the server passed in must not change (the server may reuse it).
4. Streaming survives: forward each message the app sends at once, one for one, in
   order -- never collect the body first.
5. ``receive`` is not yours: the app must still see ``http.disconnect`` when the client
   leaves.  Pass it through (or wrap it without changing what it returns).
6. Other scope types (``lifespan``, ``websocket``) go to the app unchanged: the same scope,
   ``receive`` and ``send``.

Try it: ``python -m course check 12``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[dict, Receive, Send], Awaitable[None]]

SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestId:
    """Pure ASGI middleware: an ``x-request-id`` on every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        raise NotImplementedError("exercise 12.1: pass non-http scopes through; for http, "
                                  "call the app with a copied scope and a send that adds "
                                  "x-request-id to http.response.start")
