"""Mistake: a dropped client is unsubscribed but never told: its endpoint keeps the connection open.

See the stub in exercises/15_capstone_workshop/ex4_live.py for the task.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

QUEUE_SIZE = 32
HEARTBEAT_SECONDS = float(os.environ.get("LIVE_HEARTBEAT_SECONDS", "15"))

Poll = dict


class Hub:
    """Who listens to which poll, and the last poll published for each (in memory)."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self.queues: dict[int, set[asyncio.Queue[Poll | None]]] = {}
        self.last: dict[int, Poll] = {}

    def subscribe(self, poll_id: int) -> asyncio.Queue[Poll | None]:
        queue: asyncio.Queue[Poll | None] = asyncio.Queue(self.queue_size)
        if poll_id in self.last:
            queue.put_nowait(self.last[poll_id])        # the snapshot comes first
        self.queues.setdefault(poll_id, set()).add(queue)
        return queue

    def unsubscribe(self, poll_id: int, queue: asyncio.Queue[Poll | None]) -> None:
        queues = self.queues.get(poll_id)
        if queues is None:
            return
        queues.discard(queue)
        if not queues:
            del self.queues[poll_id]

    def publish(self, poll: Poll) -> int:
        poll_id = poll["id"]
        self.last[poll_id] = poll
        delivered = 0
        for queue in list(self.queues.get(poll_id, ())):    # a copy: drops change the set
            try:
                queue.put_nowait(poll)
            except asyncio.QueueFull:
                self.drop(poll_id, queue)
            else:
                delivered += 1
        return delivered

    def drop(self, poll_id: int, queue: asyncio.Queue[Poll | None]) -> None:
        """A client that stopped reading: forget it, and tell its endpoint to hang up."""
        self.unsubscribe(poll_id, queue)

    def stats(self) -> dict:
        polls = {str(poll_id): len(queues) for poll_id, queues in self.queues.items()}
        return {"clients": sum(polls.values()), "polls": polls}


hub = Hub()


async def wait_for_close(websocket: WebSocket) -> None:
    """Read (and ignore) what the client sends until it leaves."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return


async def live_ws(websocket: WebSocket) -> None:
    poll_id: int = websocket.path_params["poll_id"]
    await websocket.accept()
    queue = hub.subscribe(poll_id)
    closed = asyncio.ensure_future(wait_for_close(websocket))
    getter: asyncio.Future | None = None
    try:
        while True:
            getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait({getter, closed},
                                         return_when=asyncio.FIRST_COMPLETED)
            if closed in done:
                return
            poll = getter.result()
            if poll is None:                            # dropped by the hub: too slow
                await websocket.close(code=1013)
                return
            await websocket.send_text(json.dumps(poll))
    except WebSocketDisconnect:                         # it left while we were sending
        return
    finally:
        hub.unsubscribe(poll_id, queue)
        for task in (getter, closed):
            if task is not None:
                task.cancel()


async def sse_events(poll_id: int) -> AsyncIterator[str]:
    queue = hub.subscribe(poll_id)
    getter: asyncio.Future | None = None
    event_id = 0
    try:
        while True:
            if getter is None:
                getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait({getter}, timeout=HEARTBEAT_SECONDS)
            if not done:
                yield ": ping\n\n"
                continue
            poll, getter = getter.result(), None
            if poll is None:                            # dropped by the hub: end the stream
                return
            event_id += 1
            yield f"id: {event_id}\ndata: {json.dumps(poll)}\n\n"
    finally:                                            # http.disconnect cancels us here
        hub.unsubscribe(poll_id, queue)
        if getter is not None:
            getter.cancel()


async def live_sse(request: Request) -> Response:
    return StreamingResponse(sse_events(request.path_params["poll_id"]),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def bad_poll(poll: object) -> str | None:
    """Why ``poll`` is not a poll dict, or None when it is one."""
    if not isinstance(poll, dict):
        return "the body must be a JSON object (a poll)"
    if not isinstance(poll.get("id"), int) or isinstance(poll.get("id"), bool):
        return "the poll needs an integer 'id'"
    if not isinstance(poll.get("question"), str):
        return "the poll needs a string 'question'"
    if not isinstance(poll.get("choices"), list):
        return "the poll needs a list 'choices'"
    return None


async def publish(request: Request) -> Response:
    try:
        poll = json.loads(await request.body())
    except ValueError:
        return JSONResponse({"error": "the body is not JSON"}, status_code=400)
    problem = bad_poll(poll)
    if problem:
        return JSONResponse({"error": problem}, status_code=400)
    return JSONResponse({"delivered": hub.publish(poll)}, status_code=202)


async def stats(request: Request) -> Response:
    return JSONResponse(hub.stats())


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


app = Starlette(routes=[
    WebSocketRoute("/live/ws/{poll_id:int}", live_ws),
    Route("/live/sse/{poll_id:int}", live_sse),
    Route("/live/publish", publish, methods=["POST"]),
    Route("/live/stats", stats),
    Route("/live/healthz", healthz),
])
