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

from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def describe(scope: dict) -> dict:
    """The JSON-ready description of the request in ``scope`` (see the module docstring)."""
    raise NotImplementedError("exercise 8.4: decode method, path, query and headers from scope")


async def app(scope: dict, receive: Receive, send: Send) -> None:
    raise NotImplementedError("exercise 8.4: read the body, then send describe(scope) as JSON")
