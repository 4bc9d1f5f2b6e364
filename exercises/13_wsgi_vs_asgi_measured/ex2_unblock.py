"""Exercise 13.2 -- a blocked event loop: make a slow report stop freezing every other request.

This ASGI app answers two paths:

* ``GET /report?n=3`` -- ``build_report(n)``'s bytes, ``200``, ``text/plain``.
  ``build_report`` stands for a library you cannot change (a PDF renderer, a sync database
  driver): it *blocks* for about half a second.
* ``GET /ping`` -- ``b"pong\n"`` at once.  A load balancer calls it every second to check
  that the server is alive.
* anything else -- ``404``.

As written, ``/report`` calls ``build_report`` straight inside ``async def``.  Predict: while
one client waits for a report, how long does a ``/ping`` take?  Then see it:

    uvicorn ex2_unblock:app --app-dir exercises/13_wsgi_vs_asgi_measured
    curl -s localhost:8000/report?n=1 & time curl -s localhost:8000/ping

Every request on this process shares one event loop, and ``time.sleep`` never gives it back:
the ping waits for the report.  (Under a sync WSGI worker the same call would hold one
thread; here it holds *everything*.)

The task: keep ``build_report`` as it is, and make ``/report`` wait for it without blocking the
loop, so that ``/ping`` answers while reports are being built.

Rules (the graded tests check each one, in-process and under a real uvicorn):

* ``/report`` answers exactly ``build_report(n)``'s bytes with a correct ``Content-Length``;
  ``n`` comes from the query string (default 1);
* a ``/ping`` sent while a report is being built is answered within 0.3 s, and before the
  report is done;
* standard library only (``asyncio``).
"""

from __future__ import annotations

import asyncio  # noqa: F401 -- you will need it
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
        body = build_report(n)  # TODO(exercise 13.2): this blocks the event loop
        await _text(send, 200, body)
    else:
        await _text(send, 404, b"not found\n")
