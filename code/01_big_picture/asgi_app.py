"""An ASGI app that reports the request exactly as it reached the application.

Run it alone:

    python code/01_big_picture/asgi_app.py            # Listening on http://127.0.0.1:8000
    curl -s http://127.0.0.1:8000/hello?x=1

or the way stack.py runs it behind nginx:

    uvicorn --app-dir code/01_big_picture asgi_app:app --port 8002

The app is ``async def app(scope, receive, send)``.  It *receives* the request body as
``http.request`` events (``await receive()``) and *emits* its answer with two ``send`` calls:
``http.response.start`` (status and headers), then ``http.response.body``.  The answer is
JSON: the interface (ASGI), the process id, the path and query, and the headers, which ASGI
hands over as a list of lower-case ``(name, value)`` byte pairs, in the order they arrived.
"""

from __future__ import annotations

import argparse
import json
import os


async def read_body(receive) -> bytes:
    """Collect every http.request event until more_body is False."""
    body = b""
    while True:
        event = await receive()
        if event["type"] == "http.disconnect":
            return body
        body += event.get("body", b"")
        if not event.get("more_body", False):
            return body


async def app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":  # nothing to set up; say so and wait for shutdown
        while True:
            event = await receive()
            await send({"type": event["type"] + ".complete"})
            if event["type"] == "lifespan.shutdown":
                return
    body = await read_body(receive)
    seen = {
        "interface": "ASGI",
        "asgi": scope.get("asgi", {}),
        "http_version": scope["http_version"],
        "pid": os.getpid(),
        "method": scope["method"],
        "root_path": scope.get("root_path", ""),
        "path": scope["path"],
        "query": scope["query_string"].decode("latin-1"),
        "client": list(scope["client"]) if scope.get("client") else None,
        "scheme": scope["scheme"],
        "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
        "body_bytes": len(body),
    }
    payload = json.dumps(seen, indent=2).encode() + b"\n"
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


if __name__ == "__main__":
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    print(f"Listening on http://{args.host}:{args.port} (uvicorn)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
