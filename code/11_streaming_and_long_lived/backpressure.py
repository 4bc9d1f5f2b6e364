"""Backpressure: a client that stops reading, a naive producer and a bounded one (ASGI).

Run it:

    python code/11_streaming_and_long_lived/backpressure.py

Both routes stream ``mb`` megabytes in 64 KiB chunks.  A producer task makes the chunks (a
fast source: a database cursor, a file, a feed) and the response loop ``await send(...)``s
them.  Against a client that reads nothing, ``send`` soon blocks: once the transport's
write buffer passes the event loop's high-water mark (64 KiB by default, in asyncio and
uvloop alike) the loop calls uvicorn's ``pause_writing``, and ``send`` waits in
``flow.drain()`` until the client reads again (``uvicorn/protocols/http/flow_control.py``).
What the producer does then is the point:

* ``/naive?mb=100``   -- an unbounded ``asyncio.Queue``: the producer runs on and the whole
  body piles up in the server's memory;
* ``/bounded?mb=100`` -- ``asyncio.Queue(maxsize=4)``: the producer waits too, memory stays
  flat.

Try it: ``curl -s 'http://127.0.0.1:8000/naive?mb=100' | (sleep 5; wc -c)`` and meanwhile
``curl -s http://127.0.0.1:8000/stats``: ``produced`` races ahead of ``sent`` and ``rss_mb``
(this process's resident memory, from psutil) grows by about ``mb``.  The same with
``/bounded`` keeps ``produced - sent`` at most ``QUEUE_SIZE`` + 1 and the memory flat.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from urllib.parse import parse_qs

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from course.servers import serve

CHUNK = 64 * 1024
QUEUE_SIZE = 4
PROCESS = psutil.Process(os.getpid())
stats = {"route": None, "chunks": 0, "produced": 0, "sent": 0, "producer_waiting": False}


async def produce(queue: asyncio.Queue, chunks: int) -> None:
    for number in range(chunks):
        chunk = bytes([65 + number % 26]) * CHUNK        # a fresh 64 KiB object each time
        stats["producer_waiting"] = queue.full()
        await queue.put(chunk)
        stats["producer_waiting"] = False
        stats["produced"] += 1
        await asyncio.sleep(0)                           # let others run, like real I/O does
    await queue.put(None)


async def stream(scope, receive, send, queue: asyncio.Queue) -> None:
    mb = float(parse_qs(scope["query_string"].decode()).get("mb", ["100"])[0])
    chunks = int(mb * 1024 * 1024 // CHUNK)
    stats.update(route=scope["path"], chunks=chunks, produced=0, sent=0, producer_waiting=False)
    producer = asyncio.create_task(produce(queue, chunks))
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/octet-stream"),
                            (b"content-length", str(chunks * CHUNK).encode())]})
    try:
        while True:
            chunk = await queue.get()
            if chunk is None:
                break
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            stats["sent"] += 1
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        producer.cancel()


async def report(send) -> None:
    body = dict(stats, rss_mb=round(PROCESS.memory_info().rss / 1e6, 1))
    data = json.dumps(body).encode() + b"\n"
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": data})


async def app(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    if scope["path"] == "/naive":
        await stream(scope, receive, send, asyncio.Queue())
    elif scope["path"] == "/bounded":
        await stream(scope, receive, send, asyncio.Queue(maxsize=QUEUE_SIZE))
    elif scope["path"] == "/stats":
        await report(send)
    else:
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"try /naive, /bounded, /stats\n"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    serve(app, host=args.host, port=args.port, lifespan="off", log_level="warning")


if __name__ == "__main__":
    main()
