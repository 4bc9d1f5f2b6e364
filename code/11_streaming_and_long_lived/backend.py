"""The chapter's backend: a pure ASGI app for SSE, uploads and protected downloads.

Run it:

    python code/11_streaming_and_long_lived/backend.py          # uvicorn on 127.0.0.1:8000

Then try:

    curl -N 'http://127.0.0.1:8000/events?count=5&every=0.5'
        five SSE events, half a second apart (``id:`` and ``data:`` lines, a blank line
        after each); ``curl -i`` shows ``content-type: text/event-stream``.
    curl -N 'http://127.0.0.1:8000/events?count=5&every=0.5&accel=no'
        the same, plus the response header ``X-Accel-Buffering: no`` for nginx.
    curl -s 'http://127.0.0.1:8000/events?count=300&every=0&pad=100000' | (sleep 5; wc -c)
        big events (a 100 kB comment in each) to a client that reads nothing for 5 s: the
        terminal prints ``events: send waited at event N -- the client is not reading``
        (uvicorn's flow control pausing the app), and ``events: all 300 sent`` at the end.
    curl -i 'http://127.0.0.1:8000/download/report.pdf?token=letmein'
        200, no body, ``X-Accel-Redirect: /protected/report.pdf`` and a Content-Disposition: it only
        authorises; nginx (chapter 11's config) sends the bytes. A wrong token gives 403.
    curl -T big.bin http://127.0.0.1:8000/upload
        the upload read chunk by chunk (``more_body``): how many ``http.request`` events
        and bytes arrived, as JSON.
    curl http://127.0.0.1:8000/extensions
        the ASGI spec version and the extensions this server announces in the scope.
    curl -N http://127.0.0.1:8000/send-after-disconnect   (then Ctrl-C)
        the terminal says what ``send`` did once the client had gone: uvicorn returns
        None (the message is dropped); a server following ASGI spec 2.4 may raise OSError.

Each SSE event's data is JSON: the event number, the HTTP version the app was spoken to
with (``1.1`` or, behind ``proxy_http_version 1.0``, ``1.0``) and the server clock when it
was sent.  It is the backend of the chapter's nginx experiments and of exercise 11.5.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from course.servers import serve

TOKEN = "letmein"                        # the one valid download token (a demo, not security)
SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
SLOW_SEND = 1.0                          # a send() that waits this long: backpressure


def query_of(scope: dict) -> dict[str, str]:
    pairs = parse_qs(scope["query_string"].decode("latin-1"))
    return {name: values[-1] for name, values in pairs.items()}


async def answer(send, status: int, body: bytes, headers: list | None = None) -> None:
    head = [(b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status,
                "headers": head + (headers or [])})
    await send({"type": "http.response.body", "body": body})


async def wait_for_disconnect(receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def events(scope, receive, send) -> None:
    query = query_of(scope)
    count = int(query.get("count", "5"))
    every = float(query.get("every", "1"))
    heartbeat = float(query.get("heartbeat", "0"))
    headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
    if query.get("accel") == "no":
        headers.append((b"x-accel-buffering", b"no"))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    padding = b": " + b"x" * int(query.get("pad", "0")) + b"\n" if "pad" in query else b""
    gone = asyncio.create_task(wait_for_disconnect(receive))
    waited = False
    try:
        for number in range(1, count + 1):
            if number > 1:
                await pause(every, heartbeat, gone, send)
            if gone.done():
                return
            data = json.dumps({"n": number, "http_version": scope["http_version"],
                               "sent": time.time()})
            event = padding + f"id: {number}\ndata: {data}\n\n".encode()
            sending = asyncio.ensure_future(
                send({"type": "http.response.body", "body": event, "more_body": True}))
            finished, _ = await asyncio.wait({sending}, timeout=SLOW_SEND)
            if not finished and not waited:
                waited = True
                print(f"events: send waited at event {number} -- the client is not reading",
                      flush=True)
            await sending
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        print(f"events: all {count} sent", flush=True)
    finally:
        gone.cancel()


async def pause(seconds: float, heartbeat: float, gone: asyncio.Task, send) -> None:
    """Wait ``seconds``; every ``heartbeat`` seconds (0 = never) send an SSE comment."""
    deadline = time.monotonic() + seconds
    while not gone.done():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        step = min(left, heartbeat) if heartbeat > 0 else left
        await asyncio.wait({gone}, timeout=step)
        if heartbeat > 0 and not gone.done() and deadline - time.monotonic() > 0:
            await send({"type": "http.response.body", "body": b": heartbeat\n\n",
                        "more_body": True})


async def download(scope, receive, send) -> None:
    name = scope["path"].removeprefix("/download/")
    if not SAFE_NAME.match(name) or name.startswith("."):
        await answer(send, 404, b"no such file\n")
        return
    if query_of(scope).get("token") != TOKEN:
        await answer(send, 403, b"wrong or missing token\n")
        return
    print(f"download authorised: {name}", flush=True)
    headers = [(b"content-type", b"application/octet-stream"),
               (b"content-disposition", f'attachment; filename="{name}"'.encode()),
               (b"x-accel-redirect", f"/protected/{name}".encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def upload(scope, receive, send) -> None:
    events_seen = 0
    total = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        events_seen += 1
        total += len(message.get("body", b""))
        if events_seen == 1:
            print(f"upload: first http.request event, {total} bytes", flush=True)
        if not message.get("more_body", False):
            break
    report = {"http_request_events": events_seen, "bytes": total}
    await answer(send, 200, json.dumps(report).encode() + b"\n",
                 [(b"content-type", b"application/json")])


async def send_after_disconnect(scope, receive, send) -> None:
    """Send one event, wait for http.disconnect, then send again: what does the server do?"""
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/event-stream")]})
    await send({"type": "http.response.body", "body": b"data: one\n\n", "more_body": True})
    await wait_for_disconnect(receive)
    try:
        await send({"type": "http.response.body", "body": b"data: two\n\n", "more_body": True})
    except Exception as exc:  # noqa: BLE001 - reporting whatever the server does is the point
        outcome = f"raised {type(exc).__name__} (an OSError: {isinstance(exc, OSError)})"
    else:
        outcome = "returned None (dropped silently)"
    print(f"send after http.disconnect: {outcome}", flush=True)


async def extensions(scope, send) -> None:
    """Which ASGI extensions this server offers (e.g. ``http.response.pathsend``)."""
    report = {"spec_version": scope["asgi"].get("spec_version", "2.0"),
              "extensions": sorted(scope.get("extensions") or {})}
    await answer(send, 200, json.dumps(report).encode() + b"\n",
                 [(b"content-type", b"application/json")])


async def app(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/events":
        await events(scope, receive, send)
    elif path.startswith("/download/"):
        await download(scope, receive, send)
    elif path == "/upload":
        await upload(scope, receive, send)
    elif path == "/send-after-disconnect":
        await send_after_disconnect(scope, receive, send)
    elif path == "/extensions":
        await extensions(scope, send)
    else:
        await answer(send, 404, b"try /events, /download/NAME?token=..., /upload\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    serve(app, host=args.host, port=args.port, lifespan="off", log_level="warning")


if __name__ == "__main__":
    main()
