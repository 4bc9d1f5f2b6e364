"""Mistake: forwards lifespan to the http app only.

See the stub in ``exercises/12_bridges_and_frameworks/ex3_protocol_router.py`` for the rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[dict, Receive, Send], Awaitable[None]]


class LifespanChild:
    """One app's side of the lifespan protocol, driven through two queues."""

    def __init__(self, app: ASGIApp, scope: dict) -> None:
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.outbox: asyncio.Queue[Message] = asyncio.Queue()
        self.task = asyncio.ensure_future(app(scope, self.inbox.get, self.outbox.put))
        self.speaks_lifespan = True

    async def ask(self, message_type: str) -> Message | None:
        """Send one message; return the app's answer, or None if the app ended instead."""
        await self.inbox.put({"type": message_type})
        answer = asyncio.ensure_future(self.outbox.get())
        await asyncio.wait({answer, self.task}, return_when=asyncio.FIRST_COMPLETED)
        if answer.done():
            return answer.result()
        answer.cancel()
        if not self.task.cancelled():
            self.task.exception()             # retrieved: an unsupported lifespan is no error
        self.speaks_lifespan = False
        return None

    def stop(self) -> None:
        if not self.task.done():
            self.task.cancel()


class ProtocolRouter:
    """One ASGI app in front of two: HTTP and WebSocket apart, lifespan to both."""

    def __init__(self, http_app: ASGIApp, websocket_app: ASGIApp) -> None:
        self.http_app = http_app
        self.websocket_app = websocket_app

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http_app(scope, receive, send)
        elif scope["type"] == "websocket":
            await self.websocket_app(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self.http_app(scope, receive, send)

    async def lifespan(self, scope: dict, receive: Receive, send: Send) -> None:
        children = [LifespanChild(app, scope) for app in (self.http_app, self.websocket_app)]
        try:
            await receive()                                        # lifespan.startup
            for child in children:
                answer = await child.ask("lifespan.startup")
                if answer and answer["type"] == "lifespan.startup.failed":
                    await send({"type": "lifespan.startup.failed",
                                "message": answer.get("message", "")})
                    return
            await send({"type": "lifespan.startup.complete"})
            await receive()                                        # lifespan.shutdown
            for child in children:
                if child.speaks_lifespan:
                    await child.ask("lifespan.shutdown")
            await send({"type": "lifespan.shutdown.complete"})
        finally:
            for child in children:
                child.stop()
