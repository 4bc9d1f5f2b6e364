"""Mistake: refuses "\r\n" in a header but lets a bare "\n" or NUL through.

Exercise 2.3 -- write a correct HTTP/1.1 response (reference solution).

See the stub in exercises/02_http_on_the_wire/ex3_response.py for the task and the rules.
"""

from __future__ import annotations

from http import HTTPStatus

__all__ = ["build_response"]

FORBIDDEN = ("\r", "\n", "\x00")


def _no_body(status: int, method: str) -> bool:
    return method == "HEAD" or 100 <= status < 200 or status in (204, 304)


def build_response(status: int, headers: list[tuple[str, str]], body: bytes = b"", *,
                   method: str = "GET") -> bytes:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        raise ValueError(f"unknown status code {status}") from None
    for name, value in headers:
        if "\r\n" in name or "\r\n" in value or ":" in name or not name:
            raise ValueError(f"header {name!r}: {value!r} would break the framing")
        if name.lower() in ("content-length", "transfer-encoding"):
            raise ValueError(f"{name} is computed by build_response; don't pass it")
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{n}: {v}" for n, v in headers)]
    if 100 <= status < 200 or status == 204:
        if body:
            raise ValueError(f"a {status} response has no body")
    elif status == 304:
        if body:
            raise ValueError("a 304 response has no body")
    else:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if _no_body(status, method) else head + body
