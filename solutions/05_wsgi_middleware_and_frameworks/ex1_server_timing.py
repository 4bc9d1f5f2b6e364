"""Exercise 5.1 -- a ``Server-Timing`` middleware that plays by PEP 3333's middleware rules.

Write ``server_timing(app, metric="app")``: it returns a new WSGI app that calls ``app`` and
adds one response header,

    Server-Timing: app;dur=12.345

where ``dur`` is the number of **milliseconds** from the moment your middleware was called
until ``app`` called ``start_response`` -- the time the app needed to decide on its status
and headers.  (Browsers show it in the developer tools' network timing panel.  A header can
only report what happened *before* the headers were sent; the body comes later.)

The rules (PEP 3333, "Middleware: Components that Play Both Sides" and "Middleware Handling
of Block Boundaries"):

1. Keep every header the app sent; add yours at the end.  Pass ``exc_info`` on to the
   server's ``start_response`` unchanged.
2. Return an iterable as soon as ``app`` returns one: do not read the body first.  The app
   may even call ``start_response`` lazily, on the first iteration of a generator.
3. Yield one value for each value the app yields (the same bytes, in the same order,
   empty ones included): never join, split or buffer chunks.
4. If the app's iterable has a ``close()`` method, it must be called when the server calls
   ``close()`` on yours -- also when the server stops early (the client went away).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class _PassThrough:
    """Hand the app's chunks out one at a time; close the app's iterable when we are closed."""

    def __init__(self, iterable: Iterable[bytes]) -> None:
        self._iterable = iterable
        self._iterator = iter(iterable)

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        return next(self._iterator)

    def close(self) -> None:
        if hasattr(self._iterable, "close"):
            self._iterable.close()


def server_timing(app: WSGIApp, metric: str = "app") -> WSGIApp:
    def middleware(environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()

        def timed_start_response(status: str, headers: list, exc_info=None):
            took_ms = (time.perf_counter() - started) * 1000
            headers = [*headers, ("Server-Timing", f"{metric};dur={took_ms:.3f}")]
            return start_response(status, headers, exc_info)

        return _PassThrough(app(environ, timed_start_response))

    return middleware
