"""The chapter 08 app suite: four small ASGI apps behind one dispatcher, plus lifespan.

Run it under uvicorn (this script) or any ASGI server (the module's ``app``):

    python code/08_asgi_messages/app_suite.py            # Listening on http://127.0.0.1:8000
    uvicorn app_suite:app --app-dir code/08_asgi_messages
    python -m gunicorn -k asgi --chdir code/08_asgi_messages app_suite:app
    cd code/08_asgi_messages && python -m hypercorn app_suite:app --bind 127.0.0.1:8000

Then try:

    curl -i http://127.0.0.1:8000/hello                  # 200, Content-Length, "Hello, ASGI!"
    curl -i --data-binary @README.md http://127.0.0.1:8000/echo   # your body, back
    curl -N 'http://127.0.0.1:8000/countdown?from=5&delay=0.5'    # lines arrive one by one
    curl -s 'http://127.0.0.1:8000/info/caf%C3%A9?a=1' -H 'X-Demo: Yes'   # the scope, as JSON

Every route is an ordinary ASGI app -- ``async def app(scope, receive, send)`` -- where
``receive`` delivers events *to* the app (``http.request``, ``http.disconnect``) and ``send``
emits the app's events (``http.response.start``, ``http.response.body``).  ``course.asgi.
check_server(url)`` sends real HTTP requests to a server running this suite and lists what
went wrong; chapter 09 checks its hand-written server with it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from urllib.parse import parse_qs

__all__ = ["app", "countdown", "echo", "hello", "info", "lifespan", "ROUTES"]


async def read_body(receive) -> bytes:
    """Every ``http.request`` message until ``more_body`` is false, joined."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionAbortedError("the client went away before sending its whole body")
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def send_whole(send, status: int, body: bytes, content_type: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def hello(scope, receive, send) -> None:
    """GET /hello -> 200 text/plain ``Hello, ASGI!``, with a Content-Length."""
    await send_whole(send, 200, b"Hello, ASGI!\n", b"text/plain; charset=utf-8")


async def echo(scope, receive, send) -> None:
    """POST /echo -> the request body, read from *every* ``http.request`` message."""
    body = await read_body(receive)
    content_type = dict(scope["headers"]).get(b"content-type", b"application/octet-stream")
    await send_whole(send, 200, body, content_type)


async def countdown(scope, receive, send) -> None:
    """GET /countdown?from=N&delay=S -> N lines, one body message each, then ``liftoff!``.

    No Content-Length: the length is unknown when the headers go out, so an HTTP/1.1
    server frames the body with ``Transfer-Encoding: chunked``.
    """
    query = parse_qs(scope["query_string"].decode("latin-1"))
    start = min(int(query.get("from", ["3"])[0]), 1000)
    delay = min(float(query.get("delay", ["0"])[0]), 2.0)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    for n in range(start, 0, -1):
        await send({"type": "http.response.body", "body": f"{n}\n".encode(), "more_body": True})
        if delay:
            await asyncio.sleep(delay)
    await send({"type": "http.response.body", "body": b"liftoff!\n", "more_body": False})


def _text(value: bytes) -> str:
    return value.decode("latin-1")


async def info(scope, receive, send) -> None:
    """GET /info... -> the request's scope as JSON (bytes decoded as latin-1)."""
    await read_body(receive)
    seen = {
        "type": scope["type"],
        "asgi_version": scope.get("asgi", {}).get("version"),
        "spec_version": scope.get("asgi", {}).get("spec_version"),
        "http_version": scope.get("http_version"),
        "method": scope["method"],
        "scheme": scope.get("scheme"),
        "path": scope["path"],
        "raw_path": _text(scope["raw_path"]) if scope.get("raw_path") is not None else None,
        "query_string": _text(scope["query_string"]),
        "root_path": scope.get("root_path", ""),
        "headers": [[_text(name), _text(value)] for name, value in scope["headers"]],
        "client": list(scope["client"]) if scope.get("client") else None,
        "server": list(scope["server"]) if scope.get("server") else None,
        "state": {k: v for k, v in scope.get("state", {}).items()
                  if isinstance(v, (str, int, float, bool))} if "state" in scope else None,
        "extensions": sorted(scope["extensions"]) if "extensions" in scope else None,
        "pid": os.getpid(),
    }
    body = json.dumps(seen, indent=1).encode()
    await send_whole(send, 200, body, b"application/json")


async def not_found(scope, receive, send) -> None:
    await send_whole(send, 404, b"Not found\n", b"text/plain; charset=utf-8")


async def index(scope, receive, send) -> None:
    lines = ["The chapter 08 app suite:"] + [f"  {path}" for path in ROUTES]
    await send_whole(send, 200, ("\n".join(lines) + "\n").encode(), b"text/plain; charset=utf-8")


async def lifespan(scope, receive, send) -> None:
    """Startup puts a marker in the server's ``state``; each request gets a copy of it."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if "state" in scope:
                scope["state"]["lifespan"] = "started"
                scope["state"]["worker_pid"] = os.getpid()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


ROUTES = {"/": index, "/hello": hello, "/echo": echo, "/countdown": countdown, "/info": info}


async def app(scope, receive, send) -> None:
    """The dispatcher: lifespan, then one route per path (``/info/...`` matches ``/info``)."""
    if scope["type"] == "lifespan":
        await lifespan(scope, receive, send)
        return
    if scope["type"] != "http":
        raise RuntimeError(f"the app suite speaks http and lifespan, not {scope['type']!r}")
    path = scope["path"]
    route = ROUTES.get(path) or (info if path.startswith("/info/") else not_found)
    await route(scope, receive, send)


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # find `course` from a clone
    from course.servers import serve

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    serve(app, args.host, args.port)
