"""The two apps ``servers_table.py`` runs under every server: one ASGI, one WSGI.

A library module, not a server: ``servers_table.py`` points each server at
``table_apps:asgi_app`` or ``table_apps:wsgi_app`` (mod_wsgi at ``wsgi_app`` too).  It uses
the standard library only, so that mod_wsgi's embedded Python can import it even when
that Python is not the one the course runs in.

Both apps answer the same three paths:

* ``/``        -- JSON: what the app saw (the spec version the server announced, the HTTP
  version, whether lifespan startup ran in this process, the server's own name);
* ``/stream``  -- a streamed body with a handshake that makes "does it stream?" a yes/no
  question instead of a timing guess: the app sends ``first\\n``, then waits (at most
  ``WAIT`` seconds) until the file named in ``?flag=`` exists.  The client creates that file
  only after it has *received* ``first``.  A server that streams delivers ``first`` at once,
  the client creates the flag, and the last line says ``released``; a server that buffers
  the whole body delivers nothing until the app gives up, and the last line says ``gave up``.
* ``/ws``      -- (ASGI only) a WebSocket echo: accept, echo one text message, close.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import urllib.parse

__all__ = ["asgi_app", "wsgi_app", "WAIT"]

WAIT = 3.0                  # seconds the app waits for the client's flag before giving up
POLL = 0.02                 # how often it looks for the flag file
LIFESPAN = {"startup": False}


def _flag_path(query_string: str) -> str:
    query = urllib.parse.parse_qs(query_string)
    return query.get("flag", [""])[0]


# ------------------------------------------------------------------ ASGI

async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            LIFESPAN["startup"] = True
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _websocket_echo(receive, send) -> None:
    connect = await receive()
    if connect["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    message = await receive()
    if message["type"] == "websocket.receive":
        await send({"type": "websocket.send", "text": message.get("text") or ""})
    await send({"type": "websocket.close", "code": 1000})


async def _stream(scope, send) -> None:
    flag = _flag_path(scope["query_string"].decode("latin-1"))
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"first\n", "more_body": True})
    deadline = time.monotonic() + WAIT
    while flag and not os.path.exists(flag) and time.monotonic() < deadline:
        await asyncio.sleep(POLL)
    verdict = b"released\n" if flag and os.path.exists(flag) else b"gave up\n"
    await send({"type": "http.response.body", "body": verdict})


async def asgi_app(scope, receive, send) -> None:
    """The ASGI app of the table: ``/``, ``/stream``, ``/ws`` and lifespan."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] == "websocket":
        await _websocket_echo(receive, send)
        return
    if scope["path"] == "/stream":
        await _stream(scope, send)
        return
    seen = {
        "interface": "asgi",
        "spec_version": scope.get("asgi", {}).get("spec_version", "(not given)"),
        "asgi_version": scope.get("asgi", {}).get("version"),
        "http_version": scope.get("http_version"),
        "lifespan": LIFESPAN["startup"],
    }
    body = json.dumps(seen).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# ------------------------------------------------------------------ WSGI

def _wsgi_stream(flag: str):
    yield b"first\n"
    deadline = time.monotonic() + WAIT
    while flag and not os.path.exists(flag) and time.monotonic() < deadline:
        time.sleep(POLL)
    yield b"released\n" if flag and os.path.exists(flag) else b"gave up\n"


def wsgi_app(environ, start_response):
    """The WSGI app of the table: ``/`` and ``/stream`` (WSGI has no WebSocket, no lifespan)."""
    if environ.get("PATH_INFO") == "/stream":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return _wsgi_stream(_flag_path(environ.get("QUERY_STRING", "")))
    seen = {
        "interface": "wsgi",
        "spec_version": "PEP 3333, wsgi.version " + ".".join(map(str, environ["wsgi.version"])),
        "http_version": environ.get("SERVER_PROTOCOL"),
        "server_software": environ.get("SERVER_SOFTWARE", "(not given)"),
        "multithread": environ.get("wsgi.multithread"),
        "multiprocess": environ.get("wsgi.multiprocess"),
    }
    body = json.dumps(seen).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]


# mod_wsgi looks for `application` by default
application = wsgi_app
