"""The small app behind chapter 14's stack: the same routes as a WSGI and as an ASGI callable.

It is what ``gunicorn.conf.py`` (``app:wsgi_app``) and the uvicorn / ``gunicorn -k asgi``
command lines (``app:asgi_app``) serve behind ``nginx/site.conf``.  Run one by hand:

    gunicorn -c code/14_deployment/gunicorn.conf.py --chdir code/14_deployment app:wsgi_app
    uvicorn --app-dir code/14_deployment app:asgi_app --port 8001
    curl -s -H 'X-Request-ID: abc' http://127.0.0.1:8001/whoami

Routes (both callables):

* ``/``        -- ``hello from COLOR (wsgi|asgi)``: ``APP_COLOR`` (default ``blue``) tells a
  blue deployment from a green one (``APP_STARTUP_SECONDS``, default 0.1: how long the ASGI
  app's lifespan startup takes -- a slow start, for the blue-green exercise);
* ``/health``  -- liveness: ``200 ok`` while the process runs;
* ``/ready``   -- readiness: ``200`` once the app is ready to serve.  The ASGI app becomes ready
  when its lifespan ``startup`` has run (``503 starting`` before); a WSGI app has no lifespan,
  so it is ready as soon as it is imported;
* ``/whoami``  -- JSON: the scheme, client and HTTP version *as the app sees them* (after the
  server's proxy-header handling), the ``X-Request-ID`` it was given, its pid and colour;
* ``/news``    -- cacheable: ``Cache-Control: public, max-age=MAX_AGE`` (``?max_age=``, default
  2) and a body naming the backend call that made it; ``?delay=0.3`` makes it slow;
* ``/private`` -- a per-user answer: it sets a cookie and says ``Cache-Control: private``;
* ``/slow?seconds=0.5`` -- answers after a wait (``time.sleep`` in WSGI, ``asyncio.sleep`` in
  ASGI);
* ``/upload``  -- POST: answers the number of body bytes received;
* ``/ws``      -- (ASGI only) a WebSocket echo that prefixes each message with the pid.

Every request is logged by the app as one JSON line on stdout with the ``X-Request-ID`` nginx
sent, so a request can be followed from nginx's access log into the app's log.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

COLOR = os.environ.get("APP_COLOR", "blue")
STARTUP_SECONDS = float(os.environ.get("APP_STARTUP_SECONDS", "0.1"))
_calls = itertools.count(1)


def log_request(kind: str, method: str, path: str, request_id: str, status: int) -> None:
    """One JSON line per request on stdout: what nginx's log says, seen from inside."""
    line = {"app": kind, "pid": os.getpid(), "request_id": request_id, "method": method,
            "path": path, "status": status}
    print(json.dumps(line), file=sys.stdout, flush=True)


def query_number(query: str, name: str, default: float) -> float:
    values = parse_qs(query).get(name)
    if not values:
        return default
    try:
        return float(values[0])
    except ValueError:
        return default


def route(kind: str, method: str, path: str, query: str, ready: bool,
          facts: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """The answer to one request, shared by both callables: (status, headers, body)."""
    if path == "/":
        return 200, [("Content-Type", "text/plain")], f"hello from {COLOR} ({kind})\n".encode()
    if path == "/health":
        return 200, [("Content-Type", "text/plain")], b"ok\n"
    if path == "/ready":
        if ready:
            return 200, [("Content-Type", "text/plain")], b"ready\n"
        return 503, [("Content-Type", "text/plain"), ("Retry-After", "1")], b"starting\n"
    if path == "/whoami":
        body = json.dumps({"app": kind, "color": COLOR, "pid": os.getpid(), **facts})
        return 200, [("Content-Type", "application/json")], body.encode()
    if path == "/news":
        max_age = int(query_number(query, "max_age", 2))
        call = next(_calls)
        body = f"news from {kind} pid {os.getpid()}, backend call {call}\n".encode()
        headers = [("Content-Type", "text/plain"), ("Cache-Control", f"public, max-age={max_age}")]
        return 200, headers, body
    if path == "/private":
        headers = [("Content-Type", "text/plain"), ("Cache-Control", "private"),
                   ("Set-Cookie", f"session={os.getpid()}-{next(_calls)}; HttpOnly; Secure")]
        return 200, headers, b"your own page\n"
    if path == "/slow":
        return 200, [("Content-Type", "text/plain")], b"done\n"
    if path == "/upload" and method == "POST":
        return 200, [("Content-Type", "text/plain")], f"{facts['body_bytes']} bytes\n".encode()
    return 404, [("Content-Type", "text/plain")], b"not found\n"


def delay_of(path: str, query: str) -> float:
    """How long this request should take: /slow?seconds=, /news?delay= (capped at 30 s)."""
    if path == "/slow":
        return min(query_number(query, "seconds", 0.5), 30.0)
    if path == "/news":
        return min(query_number(query, "delay", 0.0), 30.0)
    return 0.0


# ------------------------------------------------------------------------------ WSGI

StartResponse = Callable[..., Any]


def wsgi_app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """The WSGI callable (PEP 3333): gunicorn runs this one."""
    method = environ["REQUEST_METHOD"]
    path = environ.get("PATH_INFO", "") or "/"
    query = environ.get("QUERY_STRING", "")
    body = b""
    if method == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
    pause = delay_of(path, query)
    if pause:
        time.sleep(pause)
    request_id = environ.get("HTTP_X_REQUEST_ID", "-")
    facts = {"scheme": environ["wsgi.url_scheme"], "client": environ.get("REMOTE_ADDR"),
             "http_version": environ.get("SERVER_PROTOCOL"), "request_id": request_id,
             "body_bytes": len(body)}
    status, headers, payload = route("wsgi", method, path, query, True, facts)
    log_request("wsgi", method, path, request_id, status)
    reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[status]
    start_response(f"{status} {reason}", [*headers, ("Content-Length", str(len(payload)))])
    return [payload]


# ------------------------------------------------------------------------------ ASGI

class AsgiApp:
    """The ASGI callable (HTTP, WebSocket and lifespan): uvicorn and gunicorn -k asgi run this."""

    def __init__(self) -> None:
        self.ready = False

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
        elif scope["type"] == "websocket":
            await self.websocket(receive, send)
        else:
            await self.http(scope, receive, send)

    async def lifespan(self, receive: Callable, send: Callable) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await asyncio.sleep(STARTUP_SECONDS)      # e.g. open a database pool
                self.ready = True
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.ready = False
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def http(self, scope: dict, receive: Callable, send: Callable) -> None:
        body = b""
        more_body = True
        while more_body:
            message = await receive()
            body += message.get("body", b"")
            more_body = message.get("more_body", False)
        headers = {name.decode("latin-1"): value.decode("latin-1")
                   for name, value in scope["headers"]}
        path = scope["path"]
        query = scope["query_string"].decode("latin-1")
        pause = delay_of(path, query)
        if pause:
            await asyncio.sleep(pause)
        request_id = headers.get("x-request-id", "-")
        client = scope.get("client")
        facts = {"scheme": scope["scheme"], "client": client[0] if client else None,
                 "http_version": scope["http_version"], "request_id": request_id,
                 "body_bytes": len(body)}
        status, response_headers, payload = route("asgi", scope["method"], path, query,
                                                  self.ready, facts)
        log_request("asgi", scope["method"], path, request_id, status)
        raw_headers = [(k.lower().encode(), v.encode()) for k, v in response_headers]
        raw_headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": payload})

    async def websocket(self, receive: Callable, send: Callable) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text") or (message.get("bytes") or b"").decode("utf-8", "replace")
            await send({"type": "websocket.send", "text": f"{os.getpid()}: {text}"})


asgi_app = AsgiApp()
