"""Mistake: await asyncio.sleep(0) before the call: it yields once, then blocks all the same"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs

REPORT_SECONDS = 0.5


def build_report(n: int) -> bytes:
    """A slow, blocking library call: do not change it."""
    time.sleep(REPORT_SECONDS)
    return f"report #{n}: all good\n".encode("ascii")


async def _text(send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain"),
                            (b"content-length", str(len(body)).encode("ascii"))]})
    await send({"type": "http.response.body", "body": body})


async def app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    if scope["path"] == "/ping":
        await _text(send, 200, b"pong\n")
    elif scope["path"] == "/report":
        query = parse_qs(scope["query_string"].decode("latin-1"))
        n = int(query.get("n", ["1"])[0])
        # A worker thread waits for the library; the loop serves other requests meanwhile.
        await asyncio.sleep(0)
        body = build_report(n)
        await _text(send, 200, body)
    else:
        await _text(send, 404, b"not found\n")
