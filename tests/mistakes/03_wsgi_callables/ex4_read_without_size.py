"""Mistake: calls wsgi.input.read() without a size (reads past CONTENT_LENGTH, can block)"""

from __future__ import annotations

from collections.abc import Callable, Iterable

MAX_BODY = 1_000_000


def _error(start_response: Callable, status: str, message: str,
           extra: list[tuple[str, str]] = ()) -> list[bytes]:
    body = (message + "\n").encode("utf-8")
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body))), *extra])
    return [body]


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    if environ["REQUEST_METHOD"] != "POST":
        return _error(start_response, "405 Method Not Allowed", "POST only", [("Allow", "POST")])
    raw = environ.get("CONTENT_LENGTH", "")
    if raw == "":
        return _error(start_response, "411 Length Required", "send a Content-Length")
    if not raw.isascii() or not raw.isdigit():
        return _error(start_response, "400 Bad Request", f"bad Content-Length {raw!r}")
    length = int(raw)
    if length > MAX_BODY:
        return _error(start_response, "413 Content Too Large",
                      f"at most {MAX_BODY} bytes, please")
    stream = environ["wsgi.input"]
    body = stream.read()[:length]
    if len(body) < length:
        return _error(start_response, "400 Bad Request",
                      f"the body ended after {len(body)} of {length} bytes")
    content_type = environ.get("CONTENT_TYPE") or "application/octet-stream"
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(length))])
    return [body]
