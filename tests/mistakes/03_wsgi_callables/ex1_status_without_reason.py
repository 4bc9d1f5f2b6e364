"""Mistake: status '200' without a reason phrase (PEP 3333: '200 OK')"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    body = b"Hello, World!\n"
    start_response("200", [("Content-Type", "text/plain; charset=utf-8"),
                              ("Content-Length", str(len(body)))])
    return [body]
