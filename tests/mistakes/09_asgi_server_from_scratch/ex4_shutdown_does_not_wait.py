"""Mistake: shutdown() returns on shutdown.complete without awaiting the app's task.

The reference solution of exercise 9.4 with this one bug; a graded test must fail on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class LifespanDriver:
    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app
        self.state: dict = {}
        self.supported = True
        self._to_app: asyncio.Queue[dict] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    async def _main(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"},
                 "state": self.state}
        await self.app(scope, self._to_app.get, self._from_app.put)

    async def _exchange(self, phase: str) -> dict | None:
        """Deliver lifespan.<phase>; return the app's answer, or None if the app ended."""
        await self._to_app.put({"type": f"lifespan.{phase}"})
        answer = asyncio.ensure_future(self._from_app.get())
        done, _ = await asyncio.wait({answer, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if answer in done:
            return answer.result()
        answer.cancel()
        return None

    async def startup(self) -> None:
        self._task = asyncio.ensure_future(self._main())
        message = await self._exchange("startup")
        if message is None:                      # returned or raised: no lifespan support
            self.supported = False
            if not self._task.cancelled():
                self._task.exception()           # retrieved, so asyncio does not warn
            return
        if message["type"] == "lifespan.startup.failed":
            raise RuntimeError(f"lifespan startup failed: {message.get('message', '')}")
        if message["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"unexpected {message['type']!r} during startup")

    async def shutdown(self) -> None:
        if not self.supported or self._task is None:
            return
        message = await self._exchange("shutdown")
        if message is not None and message["type"] == "lifespan.shutdown.failed":
            raise RuntimeError(f"lifespan shutdown failed: {message.get('message', '')}")
