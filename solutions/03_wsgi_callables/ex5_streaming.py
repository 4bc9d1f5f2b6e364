"""Exercise 3.5 -- a streaming app that always releases its resource (reference solution)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import parse_qs


# -- given: the resource ------------------------------------------------------------------------
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


# -- the solution -------------------------------------------------------------------------------
def _bad_request(start_response: Callable, message: str) -> list[bytes]:
    body = (message + "\n").encode()
    start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"),
                                       ("Content-Length", str(len(body)))])
    return [body]


class TickStream:
    """The response body: iterates the ticker lazily; close() releases it on every path."""

    def __init__(self, count: int, delay: float) -> None:
        self.ticker = Ticker(count, delay)

    def __iter__(self) -> Iterator[bytes]:
        while (tick := self.ticker.read()) is not None:
            yield tick

    def close(self) -> None:
        self.ticker.close()


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    params = parse_qs(environ.get("QUERY_STRING", ""))
    try:
        count = int(params.get("n", ["5"])[-1])
        delay = float(params.get("delay", ["0"])[-1])
    except ValueError:
        return _bad_request(start_response, "n must be an integer and delay a number")
    if not 1 <= count <= 1000 or not 0 <= delay <= 1:
        return _bad_request(start_response, "need 1 <= n <= 1000 and 0 <= delay <= 1")
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return TickStream(count, delay)
