"""Exercise 15.4 -- the live service: every vote, pushed at once over WebSocket and SSE.

The ASGI half of the capstone.  The pages app (stage 15.3) POSTs each poll after a vote to
``/live/publish``; this service fans it out to every browser watching that poll.  It runs as
ONE uvicorn process: who listens to what lives in memory, in a ``Hub``.  The graded tests run
``uvicorn ex4_live:app`` with real WebSocket and SSE clients, and test your ``Hub`` in process.

A poll is the dict the whole app speaks (JSON everywhere):
``{"id": 1, "question": "Tabs or spaces?", "choices": [{"id": 1, "text": "Tabs", "votes": 3}, …]}``

**The hub** (a plain class, no framework; the module-level ``hub = Hub()`` is the one ``app``
uses):

1. ``subscribe(poll_id)`` returns a new ``asyncio.Queue(maxsize=QUEUE_SIZE)`` for one client.
   If a poll was already published for ``poll_id``, the queue already holds the last one (the
   *snapshot*: a client that joins late sees the current counts at once).
2. ``publish(poll)`` is a plain ``def``, never ``async``: it remembers ``poll`` as the last
   one of ``poll["id"]``, puts it in the queue of every client of **that poll only** with
   ``put_nowait``, and returns how many clients it was delivered to.  It never waits for a
   client: a client whose queue is full has stopped reading, and is *dropped* --
   unsubscribed, not counted in the return value, its queue emptied and ``None`` put in it
   (``None`` tells its endpoint to hang up).
3. ``unsubscribe(poll_id, queue)`` forgets that client; calling it twice is harmless.
4. ``stats()`` returns ``{"clients": <total>, "polls": {"<poll id>": <clients>, …}}`` -- the
   poll ids as strings (JSON keys); a poll with no client left is not listed.

**The routes** (``app``, e.g. Starlette, already imported below):

5. ``WS /live/ws/{poll_id:int}`` -- accept, subscribe, then send each poll from the queue as a
   JSON text frame (so the snapshot, if any, comes first).  What the client sends is ignored.
   When the queue gives ``None``, close with code 1013 ("try again later").
6. ``GET /live/sse/{poll_id:int}`` -- status 200, ``Content-Type: text/event-stream``,
   ``Cache-Control: no-cache``, ``X-Accel-Buffering: no`` (nginx passes each event on at once).
   Each poll is one event ``id: <n>\\ndata: <the poll as one line of JSON>\\n\\n`` where n
   counts this stream's events, 1, 2, 3 … (the snapshot, if any, is 1).  After
   ``HEARTBEAT_SECONDS`` with nothing to send, send the comment ``: ping\\n\\n`` (again and
   again while the silence lasts).  When the queue gives ``None``, end the response.
7. ``POST /live/publish`` -- body: a poll as JSON.  Answer ``202`` and ``{"delivered": n}``
   (what ``hub.publish`` returned).  A body that is not JSON, not an object, or has no integer
   ``"id"``, no string ``"question"`` or no list ``"choices"``: ``400`` and
   ``{"error": "<why>"}`` (JSON), and nothing is published.
8. ``GET /live/stats`` -- ``hub.stats()`` as JSON.  ``GET /live/healthz`` -- ``200``, ``ok``.
9. Clean-up, whichever way a client leaves: a WebSocket client that closes (or whose TCP
   connection drops) and an SSE client that goes away (``http.disconnect``) are unsubscribed
   at once, and vanish from ``/live/stats`` -- even when no poll is being published.  An
   endpoint that only waits on its queue never hears the client go: wait for both at once.

``QUEUE_SIZE`` and ``HEARTBEAT_SECONDS`` are given below; read them where you use them (the
tests start uvicorn with ``LIVE_HEARTBEAT_SECONDS=0.3``).

Try it: ``python -m uvicorn ex4_live:app --app-dir exercises/15_capstone_workshop``, then
``curl -N http://127.0.0.1:8000/live/sse/1`` in one terminal,
``python -m websockets ws://127.0.0.1:8000/live/ws/1`` in another, and publish:
``curl -i -d '{"id": 1, "question": "Tabs?", "choices": []}' http://127.0.0.1:8000/live/publish``.
Check: ``python -m course check 15``.   Hints: ``python -m course hint 15.4``.
"""

from __future__ import annotations

import asyncio
import json  # noqa: F401  (for the polls you send and receive)
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (  # noqa: F401  (the responses you will need)
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

QUEUE_SIZE = 32
HEARTBEAT_SECONDS = float(os.environ.get("LIVE_HEARTBEAT_SECONDS", "15"))

Poll = dict


class Hub:
    """Who listens to which poll, and the last poll published for each (in memory)."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self.queues: dict[int, set[asyncio.Queue[Poll | None]]] = {}   # poll id -> clients
        self.last: dict[int, Poll] = {}                                # poll id -> snapshot

    def subscribe(self, poll_id: int) -> asyncio.Queue[Poll | None]:
        raise NotImplementedError("exercise 15.4: a new bounded queue, snapshot first")

    def unsubscribe(self, poll_id: int, queue: asyncio.Queue[Poll | None]) -> None:
        raise NotImplementedError("exercise 15.4: forget this client (twice is harmless)")

    def publish(self, poll: Poll) -> int:
        raise NotImplementedError("exercise 15.4: put_nowait to its clients, drop full ones")

    def stats(self) -> dict:
        raise NotImplementedError("exercise 15.4: {'clients': n, 'polls': {'<id>': n}}")


hub = Hub()


# TODO(exercise 15.4): the endpoints below, on top of `hub`.

async def live_ws(websocket: WebSocket) -> None:
    raise NotImplementedError("exercise 15.4: snapshot, then each poll; unsubscribe on close")


async def live_sse(request: Request) -> Response:
    raise NotImplementedError("exercise 15.4: an event stream of polls, with heartbeats")


async def publish(request: Request) -> Response:
    raise NotImplementedError("exercise 15.4: validate the poll, 202 {'delivered': n}")


async def stats(request: Request) -> Response:
    raise NotImplementedError("exercise 15.4: hub.stats() as JSON")


async def healthz(request: Request) -> Response:
    raise NotImplementedError("exercise 15.4: 200 ok")


app = Starlette(routes=[
    WebSocketRoute("/live/ws/{poll_id:int}", live_ws),
    Route("/live/sse/{poll_id:int}", live_sse),
    Route("/live/publish", publish, methods=["POST"]),
    Route("/live/stats", stats),
    Route("/live/healthz", healthz),
])
