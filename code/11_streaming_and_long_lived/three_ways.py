"""One live feed, three ways to deliver it: long polling, SSE and a WebSocket (pure ASGI).

Run it:

    python code/11_streaming_and_long_lived/three_ways.py

A publisher task makes one update every ``--every`` seconds (default 0.5): a JSON object
with its number ``n`` and the server clock ``sent``.  Three routes deliver the same updates:

* ``GET /poll?after=N`` -- long polling: answers as soon as an update newer than N exists
  (at once if there is one already), else holds the request up to 20 s and answers 204.
  The client asks again with the last ``n`` it got.  ``curl 'http://127.0.0.1:8000/poll?after=0'``
* ``GET /sse`` -- one response that never ends, one SSE event per update.
  ``curl -N http://127.0.0.1:8000/sse``
* ``/ws`` -- a WebSocket: one text message per update.
  ``python -m websockets ws://127.0.0.1:8000/ws``

``measure(port, updates)`` below is the client side used by the chapter's notebook: it
receives the same number of updates each way over raw sockets and counts requests, bytes
on the wire (both directions) and the delay from ``sent`` to arrival.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from course.servers import serve

POLL_HOLD = 20.0


class Feed:
    """The updates so far and a way to wait for the next one."""

    def __init__(self) -> None:
        self.updates: list[bytes] = []
        self.changed = asyncio.Event()

    def publish(self) -> None:
        number = len(self.updates) + 1
        update = {"n": number, "sent": time.time(), "price": 100 + number % 7}
        self.updates.append(json.dumps(update).encode())
        self.changed.set()
        self.changed = asyncio.Event()

    def after(self, n: int) -> list[bytes]:
        return self.updates[n:]


feed = Feed()
settings = {"every": 0.5}     # seconds between two updates (--every)


async def publisher() -> None:
    while True:
        await asyncio.sleep(settings["every"])
        feed.publish()


async def lifespan(receive, send) -> None:
    task = None
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            task = asyncio.create_task(publisher())
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if task:
                task.cancel()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def poll(scope, receive, send) -> None:
    query = parse_qs(scope["query_string"].decode())
    after = int(query.get("after", ["0"])[0])
    if not feed.after(after):
        try:
            await asyncio.wait_for(feed.changed.wait(), POLL_HOLD)
        except TimeoutError:
            pass
    news = feed.after(after)
    if not news:
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    body = b"[" + b",".join(news) + b"]"
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def sse(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/event-stream"),
                            (b"cache-control", b"no-cache")]})
    gone = asyncio.create_task(receive_until_disconnect(receive))
    seen = len(feed.updates)
    try:
        while not gone.done():
            waiter = asyncio.create_task(feed.changed.wait())
            await asyncio.wait({gone, waiter}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            for update in feed.after(seen):
                seen += 1
                event = b"id: %d\ndata: %s\n\n" % (seen, update)
                await send({"type": "http.response.body", "body": event, "more_body": True})
    finally:
        gone.cancel()


async def receive_until_disconnect(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def websocket(scope, receive, send) -> None:
    await receive()                                   # websocket.connect
    await send({"type": "websocket.accept"})
    seen = len(feed.updates)
    closed = asyncio.create_task(receive_until_closed(receive))
    try:
        while not closed.done():
            waiter = asyncio.create_task(feed.changed.wait())
            await asyncio.wait({closed, waiter}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            for update in feed.after(seen):
                seen += 1
                await send({"type": "websocket.send", "text": update.decode()})
    finally:
        closed.cancel()


async def receive_until_closed(receive) -> None:
    while (await receive())["type"] != "websocket.disconnect":
        pass


async def app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
    elif scope["type"] == "websocket":
        await websocket(scope, receive, send)
    elif scope["path"] == "/poll":
        await poll(scope, receive, send)
    elif scope["path"] == "/sse":
        await sse(scope, receive, send)
    else:
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"try /poll?after=0, /sse, /ws\n"})


# ------------------------------------------------------------------ the measuring client

@dataclass
class Delivery:
    way: str
    updates: int = 0
    requests: int = 0            # HTTP requests (or handshakes) the client made
    bytes_up: int = 0            # client -> server, on the wire
    bytes_down: int = 0          # server -> client, on the wire
    delays: list[float] | None = None

    def row(self) -> str:
        delays = sorted(self.delays or [0.0])
        median = delays[len(delays) // 2] * 1000
        return (f"{self.way:<13}{self.updates:>8}{self.requests:>10}{self.bytes_up:>10}"
                f"{self.bytes_down:>12}{self.bytes_down / max(self.updates, 1):>12.0f}"
                f"{median:>11.1f}")


HEADER = (f"{'way':<13}{'updates':>8}{'requests':>10}{'bytes up':>10}{'bytes down':>12}"
          f"{'down/update':>12}{'median ms':>11}")


class Wire:
    """A socket that counts the bytes it moves."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.up = 0
        self.down = 0
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)
        self.up += len(data)

    def fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.down += len(chunk)
        self.buffer += chunk

    def read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self.fill()
        part, self.buffer = self.buffer.split(marker, 1)
        return part

    def read_exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self.fill()
        part, self.buffer = self.buffer[:size], self.buffer[size:]
        return part

    def close(self) -> None:
        self.sock.close()


def arrived(update: bytes, delays: list[float]) -> None:
    delays.append(time.time() - json.loads(update)["sent"])


def by_long_polling(port: int, updates: int) -> Delivery:
    result = Delivery("long polling", delays=[])
    wire = Wire(port)
    last = current_n(port)
    while result.updates < updates:
        wire.send(f"GET /poll?after={last} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        result.requests += 1
        head = wire.read_until(b"\r\n\r\n").decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
        body = wire.read_exactly(length)
        for update in json.loads(body or b"[]"):
            arrived(json.dumps(update).encode(), result.delays)
            result.updates += 1
            last = update["n"]
    wire.close()
    result.bytes_up, result.bytes_down = wire.up, wire.down
    return result


def by_sse(port: int, updates: int) -> Delivery:
    result = Delivery("SSE", requests=1, delays=[])
    wire = Wire(port)
    wire.send(b"GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    wire.read_until(b"\r\n\r\n")
    while result.updates < updates:
        wire.read_until(b"\r\n")                      # the chunk-size line
        event = wire.read_until(b"\n\n")
        wire.read_until(b"\r\n")                      # the chunk's closing CRLF
        data = event.split(b"data: ", 1)[1]
        arrived(data, result.delays)
        result.updates += 1
    wire.close()
    result.bytes_up, result.bytes_down = wire.up, wire.down
    return result


def by_websocket(port: int, updates: int) -> Delivery:
    result = Delivery("WebSocket", requests=1, delays=[])
    wire = Wire(port)
    key = base64.b64encode(os.urandom(16)).decode()
    wire.send((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    wire.read_until(b"\r\n\r\n")
    while result.updates < updates:
        header = wire.read_exactly(2)
        length = header[1] & 0x7F                     # server frames are not masked
        if length == 126:
            length = int.from_bytes(wire.read_exactly(2), "big")
        payload = wire.read_exactly(length)
        if header[0] & 0x0F == 0x1:                   # a text frame
            arrived(payload, result.delays)
            result.updates += 1
    wire.close()
    result.bytes_up, result.bytes_down = wire.up, wire.down
    return result


def current_n(port: int) -> int:
    wire = Wire(port)
    wire.send(b"GET /poll?after=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    while True:
        try:
            wire.fill()
        except ConnectionError:
            break
    wire.close()
    body = wire.buffer.split(b"\r\n\r\n", 1)[1]
    return json.loads(body)[-1]["n"]


def measure(port: int, updates: int = 10) -> list[Delivery]:
    return [way(port, updates) for way in (by_long_polling, by_sse, by_websocket)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--every", type=float, default=settings["every"])
    args = parser.parse_args()
    settings["every"] = args.every
    serve(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
