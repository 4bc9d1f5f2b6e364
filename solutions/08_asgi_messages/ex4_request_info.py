"""Exercise 8.4 -- the request, as the app sees it, in JSON.

Write ``async def app(scope, receive, send)`` that answers every HTTP request with status
200, ``content-type: application/json`` and a JSON object with exactly these keys:

* ``"method"`` -- ``scope["method"]`` (``"GET"``);
* ``"path"`` -- ``scope["path"]``, the *decoded* path (``/café`` for ``/caf%C3%A9``);
* ``"query_string"`` -- the raw query string as text (``"a=1&b=two%20words"``);
* ``"query"`` -- the parsed query: ``{"a": ["1"], "b": ["two words"]}``
  (``urllib.parse.parse_qs``; ``{}`` when there is none);
* ``"headers"`` -- ``{name: value}`` as text; a name that occurs more than once gets its
  values joined with ``", "`` in arrival order (RFC 9110 §5.3);
* ``"client"`` -- ``"host:port"`` from ``scope["client"]``, or ``null`` when it is None.

The rules (ASGI spec, HTTP): ``query_string``, header names and header values are
**bytes** (decode them as latin-1); header names are already lower case.  Read the request
body (``http.request`` messages until ``more_body`` is false) before answering.  Ignore
non-``http`` scopes.  The last graded test runs your app under real uvicorn.

Check: ``python -m course check 8``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def describe(scope: dict) -> dict:
    """The JSON-ready description of the request in ``scope`` (see the module docstring)."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    query_string = scope["query_string"].decode("latin-1")
    client = scope.get("client")
    return {
        "method": scope["method"],
        "path": scope["path"],
        "query_string": query_string,
        "query": parse_qs(query_string),
        "headers": headers,
        "client": f"{client[0]}:{client[1]}" if client else None,
    }


async def app(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    while True:  # read (and drop) the whole request body first
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        if not message.get("more_body", False):
            break
    body = json.dumps(describe(scope)).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body, "more_body": False})
