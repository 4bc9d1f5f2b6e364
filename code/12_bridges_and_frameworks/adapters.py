"""A WSGI app under an ASGI server: asgiref's ``WsgiToAsgi`` and a2wsgi's ``WSGIMiddleware``.

Run it (a one-shot script, in process: it plays the ASGI server itself):

    python code/12_bridges_and_frameworks/adapters.py

It wraps the same small WSGI apps in each adapter and prints one row per adapter:

* ``8 x 0.5 s``     -- eight concurrent requests to a WSGI view that blocks 0.5 s: total time.
  ``WsgiToAsgi`` runs ``run_wsgi_app`` through ``sync_to_async`` with its default
  ``thread_sensitive=True``: outside a ``ThreadSensitiveContext`` every call shares one
  thread, so the eight run one after another.  a2wsgi hands each call to its own
  ``ThreadPoolExecutor`` (``workers=10`` by default), so they overlap.
* ``body``          -- how many of the request's three ``http.request`` messages had been
  received when the WSGI app was called: all three means the adapter buffered the whole
  body first (asgiref writes it to a ``SpooledTemporaryFile``); none means ``wsgi.input``
  pulls it from ``receive`` as the app reads (a2wsgi's ``Body``).
* ``streams``       -- the app yields ``first``, then waits until ``send`` has carried it.
* ``close()``       -- how many times the response iterable's ``close()`` was called
  (PEP 3333 says: once, always).
* ``websocket``     -- what a ``websocket`` scope gets; ``lifespan`` -- the same for lifespan.

Nothing here listens on a port: the ASGI side is the small driver ``call`` below.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from a2wsgi import WSGIMiddleware
from asgiref.wsgi import WsgiToAsgi

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # find `course` from a clone

from course.asgi import http_scope

ADAPTERS: dict[str, Callable] = {
    "asgiref WsgiToAsgi": WsgiToAsgi,
    "a2wsgi WSGIMiddleware": WSGIMiddleware,
}
SLOW = 0.5          # seconds each blocking request takes
CONCURRENT = 8      # how many run at once


# ------------------------------------------------------------------ a tiny ASGI driver

async def call(asgi_app, scope: dict | None = None, chunks: tuple[bytes, ...] = (b"",),
               on_send: Callable[[dict], None] | None = None, log: list | None = None) -> list:
    """Play the server for one request: deliver ``chunks``, return every message sent."""
    scope = scope or http_scope("POST" if any(chunks) else "GET", "/")
    pending = [{"type": "http.request", "body": chunk, "more_body": n < len(chunks) - 1}
               for n, chunk in enumerate(chunks)]
    sent: list[dict] = []
    log = log if log is not None else []

    async def receive() -> dict:
        if pending:
            message = pending.pop(0)
        else:
            await asyncio.sleep(3600)       # nothing more until the client leaves
            message = {"type": "http.disconnect"}
        log.append(message)
        return message

    async def send(message: dict) -> None:
        sent.append(message)
        if on_send is not None:
            on_send(message)

    await asyncio.wait_for(asgi_app(scope, receive, send), timeout=30)
    return sent


def body_of(messages: list[dict]) -> bytes:
    return b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")


# ------------------------------------------------------------------ the WSGI apps

def slow_app(environ, start_response):
    time.sleep(SLOW)                         # a blocking call: a database, a file, an API
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [threading.current_thread().name.encode()]


async def concurrency(adapter: Callable) -> dict:
    """``CONCURRENT`` requests at once to ``slow_app``: total seconds and threads used."""
    app = adapter(slow_app)
    started = time.monotonic()
    results = await asyncio.gather(*(call(app) for _ in range(CONCURRENT)))
    elapsed = time.monotonic() - started
    threads = {body_of(messages).decode() for messages in results}
    return {"seconds": elapsed, "threads": len(threads)}


async def body_buffering(adapter: Callable) -> dict:
    """Call an app that notes how much of the body had arrived when it was called."""
    delivered: list[dict] = []
    seen: dict = {}

    def app(environ, start_response):
        seen["delivered_at_call"] = len(delivered)
        seen["body"] = environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    await call(adapter(app), chunks=(b"one ", b"two ", b"three"), log=delivered)
    return {"delivered_at_call": seen["delivered_at_call"], "messages": 3, "body": seen["body"]}


async def streaming(adapter: Callable) -> dict:
    """The app yields ``first`` and waits (at most 2 s) until ``send`` has carried it."""
    carried = threading.Event()

    def on_send(message: dict) -> None:
        if message.get("body") == b"first\n":
            carried.set()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"first\n"
        yield b"released\n" if carried.wait(timeout=2) else b"gave up\n"

    messages = await call(adapter(app), on_send=on_send)
    return {"streams": b"released" in body_of(messages)}


class CountingBody:
    """A response iterable whose ``close()`` counts its calls (where apps free resources)."""

    def __init__(self) -> None:
        self.closed = 0

    def __iter__(self):
        yield b"hello"

    def close(self) -> None:
        self.closed += 1


async def close_calls(adapter: Callable) -> dict:
    body = CountingBody()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    await call(adapter(app))
    return {"close_calls": body.closed}


async def other_scope(adapter: Callable, kind: str) -> str:
    """What a ``websocket`` or ``lifespan`` scope gets from the adapter."""
    app = adapter(slow_app)
    if kind == "websocket":
        scope = {"type": "websocket", "path": "/", "headers": [], "query_string": b""}
        inbox = [{"type": "websocket.connect"}]
    else:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        inbox = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict] = []

    async def receive() -> dict:
        return inbox.pop(0) if inbox else await asyncio.sleep(3600)

    async def send(message: dict) -> None:
        sent.append(message)

    try:
        await asyncio.wait_for(app(scope, receive, send), timeout=5)
    except ValueError as exc:
        return f"raises ValueError: {exc}"
    return ", ".join(m["type"] + (f" {m['code']}" if "code" in m else "") for m in sent)


async def compare() -> list[dict]:
    rows = []
    for name, adapter in ADAPTERS.items():
        row = {"adapter": name}
        row |= await concurrency(adapter)
        row |= await body_buffering(adapter)
        row |= await streaming(adapter)
        row |= await close_calls(adapter)
        row["websocket"] = await other_scope(adapter, "websocket")
        row["lifespan"] = await other_scope(adapter, "lifespan")
        rows.append(row)
    return rows


def render(rows: list[dict]) -> str:
    lines = [f"{'adapter':<23}{f'{CONCURRENT} x {SLOW} s':<11}{'threads':<9}"
             f"{'body at call':<14}{'streams':<9}{'close()':<8}"]
    for row in rows:
        body = f"{row['delivered_at_call']}/{row['messages']} msgs"
        lines.append(f"{row['adapter']:<23}{row['seconds']:<11.2f}{row['threads']:<9}"
                     f"{body:<14}{'yes' if row['streams'] else 'no':<9}{row['close_calls']:<8}")
    for row in rows:
        lines.append(f"{row['adapter']}: websocket scope -> {row['websocket']}")
        lines.append(f"{row['adapter']}: lifespan scope  -> {row['lifespan']}")
    return "\n".join(lines)


def main() -> None:
    print(render(asyncio.run(compare())))


if __name__ == "__main__":
    main()
