"""The apps chapter 13 measures: the same few endpoints written once for WSGI and once for ASGI.

Not run on its own: the experiment scripts start real servers on these, e.g.

    python -m gunicorn apps:wsgi_io --chdir code/13_wsgi_vs_asgi_measured -k gthread --threads 8
    python -m uvicorn apps:asgi_io --app-dir code/13_wsgi_vs_asgi_measured
    curl 'http://127.0.0.1:8000/?ms=100'          # answers after 100 ms of waiting

WSGI (a callable per request, run by the server's workers and threads):
    wsgi_hello      a 14-byte "Hello, world!\\n"
    wsgi_io         waits ``?ms=`` milliseconds (default 100) like a database call, then answers
    wsgi_blocking   /fast answers at once; /block sleeps ``?ms=`` in the request's own thread

ASGI (a coroutine per request, all on one event loop per process):
    asgi_hello      the same 14 bytes
    asgi_io         ``await asyncio.sleep`` -- waiting that frees the loop
    asgi_blocking   /fast; /block calls ``time.sleep`` inside ``async def`` (the bug: the whole
                    loop stops); /fixed runs the same sleep with ``asyncio.to_thread``; /lag
                    reports the worst loop lag a monitor task saw since the last /lag
    ws_hub          a WebSocket endpoint: idle clients wait; a client that sends
                    ``broadcast <anything>`` has that text sent to every connected client
"""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import parse_qs

HELLO = b"Hello, world!\n"
DEFAULT_MS = 100


def _milliseconds(query: str) -> float:
    values = parse_qs(query).get("ms", [str(DEFAULT_MS)])
    return max(0.0, min(float(values[0]), 10_000.0))


# ------------------------------------------------------------------ WSGI

def _wsgi_text(start_response, body: bytes) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]


def wsgi_hello(environ, start_response):
    return _wsgi_text(start_response, HELLO)


def wsgi_io(environ, start_response):
    time.sleep(_milliseconds(environ.get("QUERY_STRING", "")) / 1000)
    return _wsgi_text(start_response, b"waited\n")


def wsgi_blocking(environ, start_response):
    if environ.get("PATH_INFO") == "/block":
        time.sleep(_milliseconds(environ.get("QUERY_STRING", "")) / 1000)
        return _wsgi_text(start_response, b"blocked one thread\n")
    return _wsgi_text(start_response, b"fast\n")


# ------------------------------------------------------------------ ASGI

async def _asgi_text(send, body: bytes, status: int = 200) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _no_lifespan(receive, send) -> None:
    """Answer lifespan events so that every server starts us the same way."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def asgi_hello(scope, receive, send):
    if scope["type"] == "lifespan":
        return await _no_lifespan(receive, send)
    await _asgi_text(send, HELLO)


async def asgi_io(scope, receive, send):
    if scope["type"] == "lifespan":
        return await _no_lifespan(receive, send)
    await asyncio.sleep(_milliseconds(scope["query_string"].decode("latin-1")) / 1000)
    await _asgi_text(send, b"waited\n")


class LoopLagMonitor:
    """A task that sleeps ``interval`` s again and again and records how late it wakes up.

    On a healthy loop it wakes within a millisecond or so.  Any code that holds the loop
    (``time.sleep``, CPU work) delays it by that long: the lag is what every other request
    on the loop waited too.
    """

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.worst_ms = 0.0
        self.task: asyncio.Task | None = None

    def ensure_started(self) -> None:
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.interval)
            late_ms = (time.perf_counter() - before - self.interval) * 1000
            self.worst_ms = max(self.worst_ms, late_ms)

    def take_worst(self) -> float:
        worst, self.worst_ms = self.worst_ms, 0.0
        return worst


monitor = LoopLagMonitor()


async def asgi_blocking(scope, receive, send):
    if scope["type"] == "lifespan":
        return await _no_lifespan(receive, send)
    monitor.ensure_started()
    seconds = _milliseconds(scope["query_string"].decode("latin-1")) / 1000
    if scope["path"] == "/block":
        time.sleep(seconds)  # noqa: ASYNC251 -- the bug on purpose: the loop runs nothing else
        await _asgi_text(send, b"blocked the whole loop\n")
    elif scope["path"] == "/fixed":
        await asyncio.to_thread(time.sleep, seconds)   # waits in a thread; the loop runs on
        await _asgi_text(send, b"waited in a thread\n")
    elif scope["path"] == "/lag":
        body = json.dumps({"worst_lag_ms": round(monitor.take_worst(), 2)}).encode()
        await _asgi_text(send, body)
    else:
        await _asgi_text(send, b"fast\n")


hub_clients: set = set()


async def ws_hub(scope, receive, send):
    if scope["type"] == "lifespan":
        return await _no_lifespan(receive, send)
    if scope["type"] != "websocket":
        return await _asgi_text(send, b"ws_hub speaks WebSocket only\n", status=400)
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    hub_clients.add(send)
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text") or ""
            if text.startswith("broadcast "):
                for client_send in list(hub_clients):
                    try:
                        await client_send({"type": "websocket.send", "text": text})
                    except OSError:          # ASGI 2.4: send after the client left
                        hub_clients.discard(client_send)
    finally:
        hub_clients.discard(send)
