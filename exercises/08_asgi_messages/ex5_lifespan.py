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

Call ``setup`` by its name at startup (the tests replace it with a failing one).

Why send ``lifespan.startup.failed`` instead of letting the exception out?  The ASGI
lifespan spec reads an exception from the lifespan call as "this app does not do
lifespan", and tells the server to carry on without it.  So under uvicorn's default
``--lifespan auto`` an escaped startup error is *silent*: uvicorn logs one INFO line,
``ASGI 'lifespan' protocol appears unsupported.`` -- no traceback, not even your message --
and then serves every request with whatever ``state`` holds (with the tests' failing
``setup``: nothing, so every request gets 503).  Only ``--lifespan on`` logs the
traceback and exits.  The honest answer is ``lifespan.startup.failed``: uvicorn logs its
``message`` and exits without serving.  The last graded test starts your app under real
uvicorn with a failing ``setup``.

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


async def app(scope: dict, receive: Receive, send: Send) -> None:
    raise NotImplementedError("exercise 8.5: answer lifespan.startup/shutdown, then serve http")
