"""Mistake: does not pass exc_info on to the server's start_response (PEP 3333).

The task and its rules are in the stub:
exercises/05_wsgi_middleware_and_frameworks/ex1_server_timing.py.
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
            return start_response(status, headers)

        return _PassThrough(app(environ, timed_start_response))

    return middleware
