"""Exercise 4.5 -- your own WSGI server, graded by real clients.

Put the pieces of exercises 4.1-4.4 together (copy your functions into this file) and write
the two functions at the bottom: ``handle_connection`` serves one client socket, ``serve``
listens and hands connections to a fixed pool of threads.  ``app`` and ``main`` are given.

Run it:    python exercises/04_wsgi_server_from_scratch/ex5_server.py --port 8000
Try:       curl -i http://127.0.0.1:8000/echo?x=1 -d 'hi'
           curl -i http://127.0.0.1:8000/stream
           python code/04_wsgi_server_from_scratch/malformed.py --port 8000

The graded tests start it exactly like that (``python ex5_server.py --host H --port P``), wait
until it accepts connections, and then talk to it with ``requests`` and raw sockets.

Rules (the chapter's server.py keeps all of them; read it after you try):

* ``serve`` prints ``Listening on http://HOST:PORT`` (flushed) once it listens, and serves
  connections from a fixed pool of ``threads`` threads -- no thread per request.
* Each request: a head of CRLF-terminated lines ending in an empty line, at most 8 KiB per
  line and 64 KiB in all; the body by Content-Length or ``Transfer-Encoding: chunked``; then
  the ``environ`` (4.1), ``start_response`` semantics (4.2), the response framed with
  Content-Length, chunked or close (4.3), and kept alive or closed (4.4).
* ``close()`` is called on the app's iterable on every path; an exception before anything
  was sent is answered ``500`` (and the connection is closed).
* Malformed input is answered ``400`` (a few cases allow another code: 413, 414, 431, 501,
  505) and the connection is **closed**: Content-Length together with Transfer-Encoding,
  several or non-decimal Content-Lengths, a transfer coding other than ``chunked``, bad
  chunk sizes, obs-fold (a field line starting with a space), a space before the colon,
  a field line without a colon, control characters, a missing Host in HTTP/1.1, a second
  Host or Content-Type field, a request line that is not ``METHOD SP target SP HTTP/1.x``,
  a target whose form the method does not allow (RFC 9112 §3.2: ``*`` only with OPTIONS,
  ``host:port`` only with CONNECT, otherwise ``/...`` or an absolute URI), a trailer field
  that may not be a trailer (Content-Length, Host, ... RFC 9110 §6.5.1), and a line longer
  than the limit even before its CRLF arrives (never buffer without a bound).
* Valid input is accepted: field names in any case (``content-length``), an absolute-form
  target (``GET http://host/path`` -- PATH_INFO is ``/path``), and a request that arrives in
  many small pieces (TCP is a stream: one ``recv`` may hold a few bytes or several requests).
* After an error answer, ``shutdown(SHUT_WR)`` and read what the client still sends before
  closing (a "lingering close"): closing a socket with unread bytes makes the kernel reset
  the connection, and the client may lose your 400 before it reads it.
* A client that has not sent a complete head within ``timeout`` seconds gets ``408`` and
  the connection is closed; an idle kept-alive connection is simply closed.
* One bad client never stops the server: the next request still gets its 200.
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import sys
from wsgiref.validate import validator


def _demo(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/stream":                       # a generator: no Content-Length known
        start_response("200 OK", [("Content-Type", "text/plain")])
        return (part for part in [b"one\n", b"", b"two\n", b"three\n"])
    if path == "/":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"Hello from exercise 4.5\n"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    data = json.dumps({"method": environ["REQUEST_METHOD"], "path": environ["PATH_INFO"],
                       "query": environ["QUERY_STRING"], "body": body.decode("latin-1"),
                       "protocol": environ["SERVER_PROTOCOL"]}).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(data)))])
    return [data]


app = validator(_demo)        # every PEP 3333 mistake of the server becomes a 500


def handle_connection(sock: socket.socket, client: tuple[str, int], app, *,
                      server: tuple[str, int] = ("127.0.0.1", 8000),
                      timeout: float = 5.0) -> None:
    """Serve every request that arrives on ``sock``, then close it (see the rules above).

    ``client`` is the peer's (address, port) and ``server`` ours -- for REMOTE_ADDR,
    SERVER_NAME and SERVER_PORT.  Returns when the connection is finished.
    """
    raise NotImplementedError("exercise 4.5: read requests from sock, run the app, "
                              "write the responses (rules in the docstring)")


def serve(app, host: str = "127.0.0.1", port: int = 8000, *, threads: int = 16,
          timeout: float = 5.0) -> None:
    """Listen on host:port, print 'Listening on http://HOST:PORT', serve forever."""
    raise NotImplementedError("exercise 4.5: listen, print 'Listening on …', and hand each "
                              "connection to a fixed pool of threads")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="exercise 4.5: a WSGI server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve(app, args.host, args.port, threads=args.threads, timeout=args.timeout)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
