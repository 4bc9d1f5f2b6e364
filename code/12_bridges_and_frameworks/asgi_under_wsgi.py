"""An ASGI app under a WSGI server: a2wsgi's ``ASGIMiddleware`` under gunicorn sync.

Run it (a one-shot script; it starts and stops gunicorn itself on free ports):

    python code/12_bridges_and_frameworks/asgi_under_wsgi.py

Or serve it yourself:

    gunicorn asgi_under_wsgi:application --chdir code/12_bridges_and_frameworks
    curl localhost:8000/   localhost:8000/slow

``ASGIMiddleware(asgi_app)`` is a WSGI callable.  Read ``a2wsgi/asgi.py``: it starts one
event loop in a daemon thread (``loop.run_forever``) and, for each WSGI call, builds an
``http`` scope from ``environ``, runs the ASGI app as a task on that loop and *blocks the
WSGI worker thread* on each message (``SyncEvent.wait``) until the app finishes.  What
that costs, measured here:

* concurrency is the WSGI server's: one sync worker answers four ``/slow`` requests (an
  ``await asyncio.sleep``) one after another; ``gthread`` with four threads overlaps them;
* no ``lifespan``: the middleware never sends ``lifespan.startup``, so the app's startup
  code never runs (``/`` says so);
* no WebSocket: WSGI has no way to hand over the socket; the upgrade request reaches the
  app as a plain ``http`` GET.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from a2wsgi import ASGIMiddleware

HERE = Path(__file__).resolve().parent
SLOW = 0.5
STARTED = {"lifespan": False}


async def asgi_app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                STARTED["lifespan"] = True
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1000})
        return
    if scope["path"] == "/slow":
        await asyncio.sleep(SLOW)
    body = json.dumps({"scope_type": scope["type"], "path": scope["path"],
                       "lifespan_ran": STARTED["lifespan"]}).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


application = ASGIMiddleware(asgi_app)


async def _four(url: str) -> float:
    import httpx
    async with httpx.AsyncClient(timeout=30) as client:
        started = time.monotonic()
        await asyncio.gather(*(client.get(url + "/slow") for _ in range(4)))
        return time.monotonic() - started


def _websocket(port: int) -> str:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect
    try:
        with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=5):
            return "accepted"
    except InvalidStatus as exc:
        return f"refused: HTTP {exc.response.status_code} (the app saw a plain GET)"


def main() -> None:
    sys.path.insert(0, str(HERE.parents[1]))  # find `course` from a clone
    import httpx

    from course import servers
    for label, kind, threads in (("gunicorn sync, 1 worker", "sync", 1),
                                 ("gunicorn gthread, 4 threads", "gthread", 4)):
        with servers.gunicorn("asgi_under_wsgi:application", chdir=HERE, worker_class=kind,
                              threads=threads) as server:
            seconds = asyncio.run(_four(server.url))
            seen = httpx.get(server.url + "/", timeout=5).json()
            websocket = _websocket(server.port)
        print(f"{label}: 4 concurrent /slow ({SLOW} s each) took {seconds:.2f} s")
    print(f"the app saw scope type {seen['scope_type']!r}; lifespan startup ran: "
          f"{seen['lifespan_ran']}")
    print(f"WebSocket handshake: {websocket}")


if __name__ == "__main__":
    main()
