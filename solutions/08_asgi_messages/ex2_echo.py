"""Exercise 8.2 -- echo the request body, every chunk of it.

Write ``async def app(scope, receive, send)`` that answers each HTTP request with status
200 and the request body, byte for byte.  The response's ``content-type`` is the request's
``content-type`` header (``application/octet-stream`` when there is none); set a correct
``content-length``.

The rules (ASGI spec, HTTP): ``receive`` delivers events *to* the app.  A request body may
arrive in several ``http.request`` messages::

    {"type": "http.request", "body": b"first part", "more_body": True}
    {"type": "http.request", "body": b"second part", "more_body": True}
    {"type": "http.request", "body": b"last part", "more_body": False}

Keep calling ``await receive()`` until ``more_body`` is false (missing means false) and join
the bodies.  If ``receive`` says ``{"type": "http.disconnect"}`` instead, the client is gone:
return without sending anything.  Request headers are ``(name, value)`` byte pairs with
lower-case names, in ``scope["headers"]``.

Check: ``python -m course check 8``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


async def read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None if the client disconnected first."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def app(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    body = await read_body(receive)
    if body is None:
        return
    content_type = dict(scope["headers"]).get(b"content-type", b"application/octet-stream")
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", content_type),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body, "more_body": False})
