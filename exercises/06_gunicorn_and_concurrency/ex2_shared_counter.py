"""Exercise 6.2 -- a hit counter that stays right when many threads run the app at once.

The app below counts hits.  Under gunicorn's ``gthread`` worker, several threads of the same
process call it at the same time, and they all share the module-level ``count``.  As written
it *loses updates*: two threads read the same value, both save ``value + 1``, and one hit
vanishes.  Run it and see:

    gunicorn -k gthread --threads 8 --chdir exercises/06_gunicorn_and_concurrency \
        ex2_shared_counter:app
    # in another shell: 400 hits from 8 clients at once, then read the count
    python -c "import concurrent.futures as f, urllib.request as u; \
      hit = lambda _: u.urlopen('http://127.0.0.1:8000/hit').read(); \
      list(f.ThreadPoolExecutor(8).map(hit, range(400)))"
    curl http://127.0.0.1:8000/count        # fewer than 400

The task: make it correct under concurrent requests.

* ``GET /hit`` adds one to the counter and answers ``200 OK``, ``text/plain``, with the new
  value as ASCII digits (e.g. ``b"42"``).  Two hits never get the same number.
* ``GET /count`` answers the current value the same way, without changing it.
* Any other path: ``404 Not Found``.

Rules: keep ``_save()`` between the read and the write -- it stands for a slow write to
storage, and real code has such gaps.  Use the standard library (``threading``).  A lock makes
the counter right *inside one process*: with ``--workers 2`` each worker has its own count
(the tests run 1 worker with 8 threads); a count shared by processes belongs in a database.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

count = 0


def _save(value: int) -> None:
    """Stand-in for a slow write to storage (a database, a file): about a millisecond."""
    time.sleep(0.001)


def hit() -> int:
    """Add one to the counter and return the new value."""
    global count
    # TODO(exercise 6.2): this read-modify-write races when threads run it at the same time.
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
        return _text(start_response, "200 OK", str(count))
    return _text(start_response, "404 Not Found", "not found")
