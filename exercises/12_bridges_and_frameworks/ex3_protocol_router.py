"""Exercise 12.3 -- a protocol router: HTTP to one app, WebSocket to another, lifespan to both.

A common shape: a Django or Flask app (made ASGI) answers HTTP, a small async app answers
WebSockets, and one server runs both.  ``ProtocolRouter(http_app, websocket_app)`` is the
ASGI app that joins them.  The rules:

1. An ``http`` scope goes to ``http_app`` only; a ``websocket`` scope to ``websocket_app``
   only -- with the same ``scope``, ``receive`` and ``send``.
2. ``lifespan`` goes to *both* apps.  The server talks to the router only, so each app
   needs its own ``receive``/``send`` (run each as a task, with an ``asyncio.Queue`` each
   way).  Both get the server's lifespan ``scope`` -- the same ``scope["state"]`` dict, so
   what each stores there reaches the requests.
3. Startup: send ``lifespan.startup`` to each app and wait for its answer.  Send
   ``lifespan.startup.complete`` to the server only once *every* app that speaks lifespan
   has completed.  If one answers ``lifespan.startup.failed``, send
   ``lifespan.startup.failed`` with that app's ``message`` and return.
4. An app that does not speak lifespan -- it raises on the lifespan scope, or returns
   without answering (asgiref's ``WsgiToAsgi`` raises ``ValueError``) -- has nothing to
   start: skip it, quietly, and go on with the other.
5. Shutdown: on ``lifespan.shutdown`` from the server, send ``lifespan.shutdown`` to each
   app that completed startup, wait for each answer, then send
   ``lifespan.shutdown.complete`` and return.

Try it: ``python -m course check 12``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[dict, Receive, Send], Awaitable[None]]


class ProtocolRouter:
    """One ASGI app in front of two: HTTP and WebSocket apart, lifespan to both."""

    def __init__(self, http_app: ASGIApp, websocket_app: ASGIApp) -> None:
        self.http_app = http_app
        self.websocket_app = websocket_app

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        raise NotImplementedError("exercise 12.3: route http and websocket scopes; run the "
                                  "lifespan protocol with both apps")
