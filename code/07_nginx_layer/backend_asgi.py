"""A tiny ASGI backend that tells you who answered and what it was told.

Run it (under uvicorn) and ask it something:

    python code/07_nginx_layer/backend_asgi.py --port 8001 --name b1
    curl -s http://127.0.0.1:8001/hello?x=1
    curl -s -H 'X-Forwarded-For: 203.0.113.7' -H 'X-Forwarded-Proto: https' http://127.0.0.1:8001/

Every answer is JSON: ``backend`` (the ``--name``, so behind a load balancer you can see which
one answered), ``pid``, ``method``, ``path``, ``query``, ``http_version``, ``client`` and
``scheme`` *as the app sees them* (after uvicorn's proxy-headers handling), ``headers`` (what
arrived on the wire, lower-case names) and ``body_bytes`` (the size of the request body).

* ``/slow?seconds=2`` waits before answering (an ``asyncio.sleep``: other requests go on);
* ``/ping`` answers ``200`` with an empty body (the ``X-Backend`` header still names the
  backend): status line and headers leave in *one* write.  A JSON answer leaves in two (the
  headers, then the body), and a backend killed between the two leaves the client a cut-off
  response that no proxy can retry -- the failover experiments use ``/ping`` so that every
  kill lands either before an answer (nginx retries it) or after it (nothing lost);
* ``--delay 0.05`` makes *every* answer of this backend that much slower (a "slow" replica);
* ``--forwarded-allow-ips`` says whose X-Forwarded-For / X-Forwarded-Proto uvicorn believes
  (default ``127.0.0.1``: only a proxy on this machine). Try the curl above with
  ``--forwarded-allow-ips '*'`` and watch ``client`` become 203.0.113.7 -- spoofed.

The chapter's notebook and graded tests run several copies behind nginx, named b1, b2, b3.
The environment variables ``BACKEND_NAME`` and ``BACKEND_DELAY`` do what the options do,
for ``uvicorn backend_asgi:app`` started directly.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
from urllib.parse import parse_qs

NAME = os.environ.get("BACKEND_NAME", "asgi")
DELAY = float(os.environ.get("BACKEND_DELAY", "0") or 0)


def describe(scope: dict, body_bytes: int) -> dict:
    """What this request looked like from inside the app."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    client = scope.get("client")
    return {
        "backend": NAME,
        "pid": os.getpid(),
        "method": scope["method"],
        "path": scope["path"],
        "query": scope["query_string"].decode("latin-1"),
        "http_version": scope["http_version"],
        "client": list(client) if client else None,
        "scheme": scope["scheme"],
        "headers": headers,
        "body_bytes": body_bytes,
    }


async def app(scope: dict, receive, send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    body_bytes = 0
    more_body = True
    while more_body:                       # read (and count) the whole request body
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        body_bytes += len(message.get("body", b""))
        more_body = message.get("more_body", False)
    if scope["path"] == "/slow":
        seconds = float(parse_qs(scope["query_string"].decode()).get("seconds", ["1"])[0])
        await asyncio.sleep(min(seconds, 30))
    if DELAY:
        await asyncio.sleep(DELAY)
    if scope["path"] == "/ping":            # headers only: the whole answer is one write
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"0"), (b"x-backend", NAME.encode())]})
        await send({"type": "http.response.body", "body": b""})
        return
    payload = json.dumps(describe(scope, body_bytes), indent=1).encode() + b"\n"
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode()),
                            (b"x-backend", NAME.encode())]})
    await send({"type": "http.response.body", "body": payload})


def main() -> None:
    global NAME, DELAY
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--name", default=NAME, help="reported as 'backend' in every answer")
    parser.add_argument("--delay", type=float, default=DELAY, help="seconds added to each answer")
    parser.add_argument("--forwarded-allow-ips", default="127.0.0.1",
                        help="addresses whose X-Forwarded-* headers uvicorn believes")
    args = parser.parse_args()
    NAME, DELAY = args.name, args.delay
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(128)          # listening now: connections wait in the queue until uvicorn runs
    config = uvicorn.Config(app, proxy_headers=True, log_level="warning",
                            forwarded_allow_ips=args.forwarded_allow_ips)
    print(f"Listening on http://{args.host}:{args.port} (backend {NAME}, uvicorn)", flush=True)
    try:
        uvicorn.Server(config).run(sockets=[sock])   # stops on Ctrl-C and SIGTERM
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
