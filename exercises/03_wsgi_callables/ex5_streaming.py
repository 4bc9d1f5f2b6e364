"""Exercise 3.5 -- a streaming app that always releases its resource.

A WSGI body can be a generator or any iterable: the server sends each piece as it comes, so
the client sees the first tick before the last one exists.  The catch: the server stops
iterating early when the client goes away (or something fails), and then the only thing it
does is call the body's ``close()`` -- PEP 3333 says it *must* call it, on every path.  A
resource opened by the app is released there, or never.

The task
--------
``GET /?n=5&delay=0.1`` streams ``n`` ticks (``b"tick 1\\n"``, ``b"tick 2\\n"``, ...), read one
at a time from a ``Ticker(n, delay)`` (given below; it sleeps ``delay`` seconds per tick).

The rules:

* ``n`` defaults to 5 and must be an integer from 1 to 1000; ``delay`` defaults to 0 and
  must be a number from 0 to 1; anything else is ``400 Bad Request`` (no Ticker opened);
* ``200 OK``, ``Content-Type: text/plain; charset=utf-8``, and no Content-Length (the
  server streams; under HTTP/1.1 it will use chunked encoding);
* stream: one body item per tick, and never read a tick before the server asks for the
  next item (no list, no read-ahead);
* **every Ticker you open is closed**: after the last tick, when the server calls
  ``close()`` on your body after a few ticks (the client went away), and when it calls
  ``close()`` before iterating at all.

Hint at the shape: either a generator with ``try/finally`` (but think about what happens
when ``close()`` is called on a generator that never started), or a small class with
``__iter__`` and ``close``.  Check it: ``python -m course check 3``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable


# -- given: the resource (use it, don't change it) -----------------------------------------
class Ticker:
    """A resource that must be closed (think: a database cursor, an open file, a lock)."""

    opened: list[Ticker] = []          # every Ticker ever created, for the tests to inspect

    def __init__(self, count: int, delay: float = 0.0) -> None:
        self.count = count
        self.delay = delay
        self.reads = 0
        self.closed = False
        Ticker.opened.append(self)

    def read(self) -> bytes | None:
        """The next tick as bytes, or None when all ``count`` ticks were read."""
        if self.closed:
            raise RuntimeError("read() on a closed Ticker")
        if self.reads >= self.count:
            return None
        if self.delay:
            time.sleep(self.delay)
        self.reads += 1
        return b"tick %d\n" % self.reads

    def close(self) -> None:
        self.closed = True


# -- your part -------------------------------------------------------------------------------
def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    raise NotImplementedError(
        "exercise 3.5: validate n and delay, start_response, return a body that reads the "
        "Ticker lazily and closes it in close()")
