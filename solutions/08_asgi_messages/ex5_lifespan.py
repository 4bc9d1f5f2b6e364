"""Exercise 8.5 -- lifespan: prepare ``state`` once, report failure honestly.

A server runs the lifespan protocol once per worker process, before the first request:
it calls the app with ``scope["type"] == "lifespan"`` and sends ``lifespan.startup``;
later, on shutdown, ``lifespan.shutdown``.  Whatever the app puts into ``scope["state"]``
during startup, the server copies into the ``scope["state"]`` of every request.

Write ``async def app(scope, receive, send)`` that:

* for a ``lifespan`` scope, loops on ``await receive()``:
  - on ``lifespan.startup``: calls ``setup(scope["state"])`` (below); if it worked, sends
    ``{"type": "lifespan.startup.complete"}``; if it raised, sends
    ``{"type": "lifespan.startup.failed", "message": str(the_exception)}`` and returns;
  - on ``lifespan.shutdown``: sends ``{"type": "lifespan.shutdown.complete"}`` and returns;
* for an ``http`` scope, answers 200 ``text/plain; charset=utf-8`` with the body
  ``scope["state"]["greeting"]`` encoded as UTF-8 (it was put there by ``setup``), or 503
  with the body ``not started`` when the scope has no state or no greeting.

Call ``setup`` by its name at startup (the tests replace it with a failing one).  Don't
let a startup error escape as an exception: the server would only log a traceback.

Check: ``python -m course check 8``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def setup(state: dict) -> None:
    """Prepare what every request will need (here: a greeting and the start time)."""
    state["greeting"] = "Hello from lifespan!"
    state["started_at"] = time.time()


async def lifespan(scope: dict, receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                setup(scope["state"])
            except Exception as exc:  # noqa: BLE001 - any startup error is reported
                await send({"type": "lifespan.startup.failed", "message": str(exc)})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(scope, receive, send)
        return
    if scope["type"] != "http":
        return
    greeting = scope.get("state", {}).get("greeting")
    status, body = (200, greeting.encode()) if greeting else (503, b"not started")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body, "more_body": False})
