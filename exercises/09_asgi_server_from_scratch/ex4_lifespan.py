"""Exercise 9.4 -- a lifespan driver: the server's half of the lifespan protocol.

Before it serves the first request, a server calls the app once with a ``lifespan`` scope
``{"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {...}}``
and keeps that call running for the server's whole life.  Through ``receive`` it delivers
``lifespan.startup`` (and later ``lifespan.shutdown``); the app answers through ``send``
with ``lifespan.startup.complete`` or ``lifespan.startup.failed`` (with a ``message``), and
``lifespan.shutdown.complete`` or ``.failed``.  An app that does not do lifespan raises an
exception (or returns) instead -- then the server carries on without it.

Write the class ``LifespanDriver(app)`` with:

* ``state`` -- the dict passed in the scope (the app fills it during startup);
* ``supported`` -- True until the app shows it does not do lifespan;
* ``async startup()`` -- start the app as a task, deliver ``lifespan.startup``, wait for
  the answer: ``complete`` -> return; ``failed`` -> raise ``RuntimeError`` with the app's
  message; the app raising or returning before it answered -> ``supported = False``, return
  quietly (no exception);
* ``async shutdown()`` -- if supported: deliver ``lifespan.shutdown`` and wait for
  ``lifespan.shutdown.complete`` (``failed`` -> ``RuntimeError``); then make sure the task
  is finished (await it).  If not supported: do nothing.

Never wait forever on a queue the app will not fill: wait for *either* the app's message
*or* its task ending.  Check: ``python -m course check 9``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class LifespanDriver:
    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app
        self.state: dict = {}
        self.supported = True

    async def startup(self) -> None:
        raise NotImplementedError("exercise 9.4: run the app's lifespan startup")

    async def shutdown(self) -> None:
        raise NotImplementedError("exercise 9.4: run the app's lifespan shutdown")
