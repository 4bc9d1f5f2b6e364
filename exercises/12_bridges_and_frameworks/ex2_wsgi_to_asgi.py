"""Exercise 12.2 -- your own WSGI-to-ASGI adapter: threads, streaming, close().

``WsgiToAsgi(wsgi_app, workers=8)`` is an ASGI app that runs a WSGI app.  asgiref's adapter
of the same name runs one request at a time (``sync_to_async`` with
``thread_sensitive=True``) and never calls ``close()``; yours does better.  The rules:

1. ``http``: read the *whole* request body first (``http.request`` messages until
   ``more_body`` is false) and give it to the app as ``wsgi.input``; ``build_environ``
   below does the rest of the environ.  If ``receive`` says ``http.disconnect`` before the
   body is complete, return without calling the app.
2. The WSGI app blocks, so it never runs on the event loop: run it (the call *and* the
   iteration over its body) in a ``concurrent.futures.ThreadPoolExecutor`` of
   ``workers`` threads made in ``__init__``.  Several requests run at once, at most
   ``workers`` of them.
3. ``start_response(status, headers)``: send ``http.response.start`` with the status as an
   int (``"404 Not Found"`` -> 404) and the headers as ``(name, value)`` bytes pairs with
   lower-case names -- just before the first non-empty body chunk, or at the end for an
   empty body.
4. Stream: each non-empty chunk the iterable yields becomes its own ``http.response.body``
   with ``more_body=True``, sent before the next chunk is asked for; then one final
   ``http.response.body`` with ``more_body=False``.  From the worker thread, hand a coroutine
   to the loop with ``asyncio.run_coroutine_threadsafe(send(message), loop).result()``.
5. ``close()``: if the iterable has one, call it exactly once -- also when iterating raised
   (then let the exception propagate: the server answers 500 or cuts the connection).
6. ``lifespan``: a WSGI app has nothing to start: answer ``lifespan.startup.complete`` and
   ``lifespan.shutdown.complete``.  ``websocket``: refuse with ``{"type": "websocket.close"}``.

Try it: ``python -m course check 12``.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def build_environ(scope: dict, body: bytes) -> dict:
    """A PEP 3333 environ for an ASGI ``http`` scope and the whole request body (given)."""
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf-8").decode("latin-1"),
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": (scope.get("server") or ("localhost", 80))[0],
        "SERVER_PORT": str((scope.get("server") or ("localhost", 80))[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": (scope.get("client") or ("", 0))[0],
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in scope.get("headers", []):
        key = name.decode("latin-1").upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value.decode("latin-1")
            continue
        key = "HTTP_" + key
        if key in environ:
            environ[key] += "," + value.decode("latin-1")
        else:
            environ[key] = value.decode("latin-1")
    return environ


class WsgiToAsgi:
    """An ASGI app that runs ``wsgi_app`` in a pool of ``workers`` threads."""

    def __init__(self, wsgi_app: WSGIApp, workers: int = 8) -> None:
        self.wsgi_app = wsgi_app
        self.workers = workers
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wsgi")

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        raise NotImplementedError("exercise 12.2: read the body, run the WSGI app in "
                                  "self.executor, stream its chunks, always call close()")
