"""Exercise 8.3 -- a streamed countdown.

Write ``async def app(scope, receive, send)`` that answers ``GET /?from=N`` with status 200,
``content-type: text/plain; charset=utf-8`` and the body::

    N
    N-1
    ...
    1
    liftoff!

streamed: each line (with its ``\\n``) is its own ``http.response.body`` message with
``"more_body": True``, and ``liftoff!\\n`` is the last message, with ``"more_body": False``.
``from`` defaults to 3 when it is missing; ``from=0`` sends only ``liftoff!``.

The rules (ASGI spec, HTTP): the query string arrives as **bytes** in
``scope["query_string"]`` (``b"from=5"``, without the ``?``) -- decode it, then parse it
(``urllib.parse.parse_qs``).  Send *no* ``content-length``: the length is unknown when the
headers go out, so an HTTP/1.1 server frames the body with ``Transfer-Encoding: chunked``.
Every body message must be sent after ``http.response.start`` and nothing after the one
with ``more_body`` false.

Check: ``python -m course check 8``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


async def app(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    query = parse_qs(scope["query_string"].decode("latin-1"))
    start = int(query.get("from", ["3"])[0])
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    for n in range(start, 0, -1):
        await send({"type": "http.response.body", "body": f"{n}\n".encode(), "more_body": True})
    await send({"type": "http.response.body", "body": b"liftoff!\n", "more_body": False})
