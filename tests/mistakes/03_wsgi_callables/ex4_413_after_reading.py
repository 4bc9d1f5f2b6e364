"""Mistake: reads the body, then checks its size against MAX_BODY (413 from the header first)"""

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
    stream = environ["wsgi.input"]
    body = b""
    while len(body) < length:
        chunk = stream.read(length - len(body))
        if not chunk:
            return _error(start_response, "400 Bad Request",
                          f"the body ended after {len(body)} of {length} bytes")
        body += chunk
    if len(body) > MAX_BODY:
        return _error(start_response, "413 Content Too Large",
                      f"at most {MAX_BODY} bytes, please")
    content_type = environ.get("CONTENT_TYPE") or "application/octet-stream"
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(length))])
    return [body]
