"""Exercise 9.5 -- the whole server: asyncio + h11, serving an ASGI app to real clients.

Run it:  ``python ex5_asgi_server.py --host 127.0.0.1 --port 8000``  -- it must print
``Listening on http://HOST:PORT`` (flush it) once it accepts connections.  Then
``curl -i http://127.0.0.1:8000/``, ``curl -N http://127.0.0.1:8000/stream``,
``curl -d hi http://127.0.0.1:8000/echo``.

Write ``async def serve(app, host, port)`` that serves ``app`` (below, given) forever:

* one coroutine per connection (``asyncio.start_server`` is the easy way), an
  ``h11.Connection(h11.SERVER)`` per connection to parse requests and frame responses;
* for each request: a scope (your 9.1), a ``receive`` that delivers the body as
  ``http.request`` messages and later ``http.disconnect`` (your 9.3, but fed from the
  socket), and a ``send`` that enforces the order (your 9.2) and writes
  ``conn.send(h11.Response / h11.Data / h11.EndOfMessage)`` to the socket, awaiting
  ``writer.drain()`` (backpressure);
* keep-alive: after a complete response, if ``conn.our_state`` and ``conn.their_state`` are
  both ``h11.DONE``, ``conn.start_next_cycle()`` and read the next request on the same
  connection; otherwise close it;
* a streamed response (no Content-Length from the app) goes out chunked -- h11 does that;
* pipelining: requests that arrive in one write are answered one after another, in order
  (h11 keeps the bytes of the next request until ``start_next_cycle()``);
* a malformed request (``h11.RemoteProtocolError``) gets a ``400`` response with a
  Content-Length and ``Connection: close``; close *that* connection -- the server keeps
  serving everyone else.  h11 0.16 lets three kinds of bad request through, so check them
  yourself and answer ``400`` too: a target whose form the method does not allow
  (RFC 9112 §3.2: ``*`` only with OPTIONS, ``host:port`` only with CONNECT, otherwise
  ``/...`` or an absolute URI such as ``http://host/path``, which is valid -- its path is
  the scope's ``path``), a second ``Content-Type`` field, and a trailer field that may not
  be a trailer (``EndOfMessage.headers``: Content-Length, Host, ... RFC 9110 §6.5.1);
* an app that raises before starting its response gets the client a ``500``.

You may copy your answers of 9.1-9.4 into this file.  Graded with real clients:
keep-alive, a streamed response, an echoed body, malformed requests and the framing of the
400, a 500 from an app that raises, pipelining, and backpressure (``send`` must wait while
the client does not read).
Check: ``python -m course check 9``.
"""

from __future__ import annotations

import argparse
import asyncio
from urllib.parse import unquote

import h11


# -- the app your server must serve (given; do not change it) ---------------------------------
async def app(scope, receive, send) -> None:
    """/ -> hello; /stream -> three chunks, no Content-Length; /echo -> the body back;
    /client -> the client's port (two requests on one kept-alive connection share it)."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/stream":
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain")]})
        for i in range(3):
            await send({"type": "http.response.body", "body": b"part %d\n" % i, "more_body": True})
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b""})
        return
    if path == "/echo":
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                break
        body = b"".join(chunks)
    elif path == "/client":
        body = str(scope["client"][1]).encode()
    elif path == "/":
        body = b"Hello from your server!\n"
    else:
        await send({"type": "http.response.start", "status": 404,
                    "headers": [(b"content-length", b"10")]})
        await send({"type": "http.response.body", "body": b"not found\n"})
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def serve(app, host: str, port: int) -> None:
    raise NotImplementedError("exercise 9.5: start the server and serve app forever")


def main() -> None:
    parser = argparse.ArgumentParser(description="exercise 9.5: an ASGI server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    try:
        asyncio.run(serve(app, args.host, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
