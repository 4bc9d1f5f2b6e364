"""Mistake: str() of the bytes query string gives "b'a=1'", not 'a=1' (decode it).

The reference solution of exercise 8.4 with this one bug; a graded test must fail on it.
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
    query_string = str(scope["query_string"])
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
