"""Pure ASGI middleware next to Starlette's ``BaseHTTPMiddleware``, measured in process.

Run it (a one-shot script; it plays the ASGI server itself, no port):

    python code/12_bridges_and_frameworks/middleware.py

``Timing`` is pure ASGI middleware: an ASGI app that wraps another one and touches only the
messages.  It wraps ``send`` to add a ``server-timing`` header to ``http.response.start``
(the time the app took to start answering) and to log one line when the last body message
passes; it hands the app a *copy* of the scope with ``request_started`` added, so the
server's dict is never changed under it.  ``BaseTiming`` does the same job the
``BaseHTTPMiddleware`` way (``dispatch(request, call_next)``).

The script puts each around the same three apps and prints what it measured:

* streams      -- the app sends ``first`` and waits until it has left the middleware;
* disconnect   -- the client leaves after three ticks: did the app hear ``http.disconnect``
  and stop?
* contextvar   -- the app sets a ``ContextVar``; does the middleware see it afterwards?
  ``BaseHTTPMiddleware`` runs the app in a new task of an anyio task group
  (``task_group.start_soon(coro)`` in ``starlette/middleware/base.py``), and a task runs in
  a *copy* of the context: what the app sets stays in that copy.
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import time
from pathlib import Path

from starlette.middleware.base import BaseHTTPMiddleware

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # find `course` from a clone

from course.asgi import http_scope

current_user: contextvars.ContextVar[str] = contextvars.ContextVar("current_user",
                                                                   default="(unset)")
LOG: list[str] = []


class Timing:
    """Pure ASGI middleware: a ``server-timing`` header and one log line per request."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)          # lifespan, websocket: untouched
            return
        started = time.perf_counter()
        scope = {**scope, "request_started": started}     # a copy: the server's dict stays
        status = None

        async def timed_send(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                took = (time.perf_counter() - started) * 1000
                headers = [*message.get("headers", []),
                           (b"server-timing", f"app;dur={took:.1f}".encode())]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                took = (time.perf_counter() - started) * 1000
                LOG.append(f"{scope['method']} {scope['path']} {status} {took:.1f} ms "
                           f"user={current_user.get()}")
            await send(message)

        await self.app(scope, receive, timed_send)
        LOG.append(f"after the app: user={current_user.get()}")


class BaseTiming(BaseHTTPMiddleware):
    """The same job with Starlette's ``BaseHTTPMiddleware``."""

    async def dispatch(self, request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        took = (time.perf_counter() - started) * 1000
        response.headers["server-timing"] = f"app;dur={took:.1f}"
        LOG.append(f"after the app: user={current_user.get()}")
        return response


MIDDLEWARE = {"pure ASGI (Timing)": Timing, "BaseHTTPMiddleware": BaseTiming}


# ------------------------------------------------------------------ a driver with a client

async def call(app, *, leave_after: int | None = None, on_send=None) -> list[dict]:
    """One GET.  With ``leave_after=N`` the client leaves once N body messages arrived."""
    sent: list[dict] = []
    gone = asyncio.Event()
    request_given = False

    async def receive() -> dict:
        nonlocal request_given
        if not request_given:
            request_given = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if gone.is_set():
            return                              # like uvicorn: dropped, the client is gone
        sent.append(message)
        if on_send is not None:
            on_send(message)
        bodies = [m for m in sent if m["type"] == "http.response.body"]
        if leave_after is not None and len(bodies) >= leave_after:
            gone.set()
        if message["type"] == "http.response.body" and not message.get("more_body"):
            gone.set()

    await asyncio.wait_for(app(http_scope("GET", "/"), receive, send), timeout=5)
    return sent


# ------------------------------------------------------------------ three apps, three probes

async def streaming(wrap) -> bool:
    carried = asyncio.Event()

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"first", "more_body": True})
        try:
            await asyncio.wait_for(carried.wait(), timeout=1)
            last = b"released"
        except TimeoutError:
            last = b"gave up"
        await send({"type": "http.response.body", "body": last})

    def on_send(message: dict) -> None:
        if message.get("body") == b"first":
            carried.set()

    sent = await call(wrap(app), on_send=on_send)
    return any(m.get("body") == b"released" for m in sent)


async def disconnect(wrap) -> dict:
    """Ticks every 20 ms until ``receive`` says the client left; the client leaves after 3."""
    seen = {"ticks": 0, "heard_disconnect": False}

    async def app(scope, receive, send):
        await receive()                                     # the (empty) request body
        listener = asyncio.ensure_future(receive())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        while seen["ticks"] < 50:
            if listener.done():
                seen["heard_disconnect"] = listener.result()["type"] == "http.disconnect"
                break
            seen["ticks"] += 1
            await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
            await asyncio.sleep(0.02)
        listener.cancel()
        await send({"type": "http.response.body", "body": b""})

    await call(wrap(app), leave_after=3)
    return seen


async def contextvar(wrap) -> str:
    async def app(scope, receive, send):
        current_user.set("alice")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"hi"})

    LOG.clear()
    sent = await call(wrap(app))
    header = dict(sent[0]["headers"]).get(b"server-timing", b"").decode()
    after = [line for line in LOG if line.startswith("after the app")][-1]
    return f"{after.split(': ')[1]} (server-timing: {header.split(';')[0]};…)"


def run_in_fresh_context(coro):
    """Each probe in its own context, so a variable one sets cannot leak into the next."""
    return contextvars.Context().run(asyncio.run, coro)


def compare() -> list[dict]:
    rows = []
    for name, wrap in MIDDLEWARE.items():
        ticks = run_in_fresh_context(disconnect(wrap))
        rows.append({"middleware": name,
                     "streams": run_in_fresh_context(streaming(wrap)),
                     "ticks": ticks["ticks"], "heard_disconnect": ticks["heard_disconnect"],
                     "contextvar": run_in_fresh_context(contextvar(wrap))})
    return rows


def render(rows: list[dict]) -> str:
    lines = [f"{'middleware':<21}{'streams':<9}{'ticks sent':<12}{'heard disconnect':<18}"
             "after the app, the middleware sees"]
    for row in rows:
        lines.append(f"{row['middleware']:<21}{'yes' if row['streams'] else 'no':<9}"
                     f"{row['ticks']:<12}{'yes' if row['heard_disconnect'] else 'no':<18}"
                     f"{row['contextvar']}")
    return "\n".join(lines)


def main() -> None:
    print(render(compare()))


if __name__ == "__main__":
    main()
