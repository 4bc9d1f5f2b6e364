"""Mistake: creates a new Lock on every call, so no two threads ever wait for each other.

    gunicorn -k gthread --threads 8 --chdir solutions/06_gunicorn_and_concurrency \
        ex2_shared_counter:app

One lock per process guards the read-save-write sequence, so threads take turns through it.
With several *worker processes* each has its own counter; sharing across processes needs
storage outside them (a database, Redis).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

count = 0
_lock = threading.Lock()


def _save(value: int) -> None:
    """Stand-in for a slow write to storage (a database, a file): about a millisecond."""
    time.sleep(0.001)


def hit() -> int:
    """Add one to the counter and return the new value (atomically, for this process)."""
    global count
    with threading.Lock():   # a fresh lock each time: it guards nothing
        current = count
        _save(current + 1)
        count = current + 1
        return count


def _text(start_response: Callable, status: str, text: str) -> list[bytes]:
    body = text.encode("ascii")
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "/")
    if path == "/hit":
        return _text(start_response, "200 OK", str(hit()))
    if path == "/count":
        with _lock:
            value = count
        return _text(start_response, "200 OK", str(value))
    return _text(start_response, "404 Not Found", "not found")
