"""Small ASGI apps that exercise a server: serve them with ours, or with uvicorn.

    python code/09_asgi_server_from_scratch/asgi_server.py apps:demo
    python -m uvicorn apps:demo --app-dir code/09_asgi_server_from_scratch

``hello`` is the benchmark app (the smallest possible response).  ``demo`` routes by path:

    /            hello, world (Content-Length)
    /stream      five chunks, no Content-Length: the server frames it (chunked)
    /echo        the request body, read chunk by chunk with receive(), sent back
    /scope       the scope the server built, as JSON
    /slow?s=0.5  answers after s seconds (for graceful-shutdown and concurrency tests);
                 with &announce=1 it first prints "slow request started"
    /big?kb=N    N KiB in 64 KiB chunks (for backpressure: a slow reader fills the buffer)
    /wait-disconnect   prints "waiting for disconnect", sends nothing, and prints
                       "disconnect seen" when receive() says so
    /lifespan    what the lifespan startup put into scope["state"]
    /bad/…       apps that break the rules of send(): body-first, after-final, raise

It supports lifespan: on startup it records the time in ``scope["state"]``; on shutdown it
prints ``lifespan shutdown``.
"""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import parse_qs

__all__ = ["demo", "hello"]

TEXT = [(b"content-type", b"text/plain; charset=utf-8")]


async def hello(scope, receive, send) -> None:
    """The benchmark app: a fixed 13-byte body."""
    if scope["type"] != "http":
        return  # no lifespan: the server carries on without it
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"13")]})
    await send({"type": "http.response.body", "body": b"Hello, world!"})


async def _text(send, body: bytes, status: int = 200) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*TEXT, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive) -> tuple[bytes, int]:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), len(chunks)


async def _lifespan(receive, send, state: dict) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            state["started_at"] = time.time()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            print("lifespan shutdown", flush=True)
            await send({"type": "lifespan.shutdown.complete"})
            return


async def demo(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send, scope.setdefault("state", {}))
        return
    path = scope["path"]
    query = {k: v[0] for k, v in parse_qs(scope["query_string"].decode()).items()}
    if path == "/":
        await _text(send, b"Hello, world!\n")
    elif path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": TEXT})
        for i in range(5):
            await send({"type": "http.response.body", "body": f"chunk {i}\n".encode(),
                        "more_body": True})
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b""})
    elif path == "/echo":
        body, chunks = await _read_body(receive)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/octet-stream"),
                                (b"content-length", str(len(body)).encode()),
                                (b"x-chunks-received", str(chunks).encode())]})
        await send({"type": "http.response.body", "body": body})
    elif path == "/scope":
        shown = {k: v for k, v in scope.items() if k not in ("state",)}
        shown["headers"] = [[n.decode("latin-1"), v.decode("latin-1")]
                            for n, v in scope["headers"]]
        shown["raw_path"] = scope["raw_path"].decode("latin-1")
        shown["query_string"] = scope["query_string"].decode("latin-1")
        body = json.dumps(shown, default=list).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
    elif path == "/slow":
        if "announce" in query:                 # a test waits for this line, not a guess
            print("slow request started", flush=True)
        await asyncio.sleep(float(query.get("s", "0.5")))
        await _text(send, b"slow but done\n")
    elif path == "/big":
        kb = int(query.get("kb", "1024"))
        await send({"type": "http.response.start", "status": 200,
                    "headers": [*TEXT, (b"content-length", str(kb * 1024).encode())]})
        block = b"x" * (64 * 1024)
        sent = 0
        while sent < kb * 1024:
            piece = block[:kb * 1024 - sent]
            sent += len(piece)
            await send({"type": "http.response.body", "body": piece,
                        "more_body": sent < kb * 1024})
    elif path == "/wait-disconnect":
        print("waiting for disconnect", flush=True)
        while (await receive())["type"] != "http.disconnect":
            pass
        print("disconnect seen", flush=True)
    elif path == "/lifespan":
        started = scope.get("state", {}).get("started_at")
        await _text(send, b"started_at=%s\n" % str(started).encode())
    elif path == "/bad/body-first":
        await send({"type": "http.response.body", "body": b"no start"})
    elif path == "/bad/after-final":
        await _text(send, b"complete\n")
        try:
            await send({"type": "http.response.body", "body": b"one more"})
        except RuntimeError as exc:
            print(f"send after final body raised: {exc}", flush=True)
    elif path == "/bad/raise":
        raise ValueError("the app crashed before responding")
    else:
        await _text(send, b"not found\n", 404)
