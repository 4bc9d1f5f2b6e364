"""Mistake: hard-codes Content-Length 13, forgetting the newline byte"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    body = b"Hello, World!\n"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"),
                              ("Content-Length", "13")])
    return [body]
