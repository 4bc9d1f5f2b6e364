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

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


async def app(scope: dict, receive: Receive, send: Send) -> None:
    raise NotImplementedError("exercise 8.3: stream one body message per line (more_body=True)")
