"""Mistake: passes Content-Length as an int (PEP 3333: header values are str)"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    body = b"Hello, World!\n"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"),
                              ("Content-Length", len(body))])
    return [body]
