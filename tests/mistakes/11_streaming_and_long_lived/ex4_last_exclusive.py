"""Mistake: treats LAST as exclusive (Python slicing habit): bytes=0-9 sends 9 bytes, not 10."""


from __future__ import annotations

import re
from collections.abc import Callable, Iterable

ONE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
UNSATISFIABLE = "unsatisfiable"


def parse_range(value: str, length: int) -> tuple[int, int] | str | None:
    """(first, last) for one satisfiable range, UNSATISFIABLE, or None (ignore the header)."""
    match = ONE_RANGE.fullmatch(value.strip())
    if match is None:
        return None                       # another unit, several ranges, or a syntax error
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:                    # bytes=-N: the last N bytes
        suffix = int(last_text)
        if suffix == 0 or length == 0:
            return UNSATISFIABLE
        return max(0, length - suffix), length - 1
    first = int(first_text)
    if last_text and int(last_text) < first:
        return None                       # bytes=5-2 is invalid (RFC 9110 §14.1.1)
    if first >= length:
        return UNSATISFIABLE
    last = int(last_text) if last_text else length - 1
    return first, min(last, length - 1)


def make_app(content: bytes, *, etag: str, last_modified: str) -> Callable[..., Iterable[bytes]]:
    length = len(content)

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD"):
            body = b"only GET and HEAD\n"
            start_response("405 Method Not Allowed", [
                ("Allow", "GET, HEAD"), ("Content-Type", "text/plain"),
                ("Content-Length", str(len(body)))])
            return [body]
        wanted = environ.get("HTTP_RANGE")
        if_range = environ.get("HTTP_IF_RANGE")
        if if_range is not None and if_range not in (etag, last_modified):
            wanted = None                 # the client's copy is outdated: send it all
        chosen = parse_range(wanted, length) if wanted is not None else None
        headers = [("Accept-Ranges", "bytes"), ("ETag", etag),
                   ("Last-Modified", last_modified)]
        if chosen == UNSATISFIABLE:
            body = b"range not satisfiable\n"
            start_response("416 Range Not Satisfiable", [
                ("Content-Range", f"bytes */{length}"), ("Content-Type", "text/plain"),
                ("Content-Length", str(len(body)))])
            return [body] if method == "GET" else []
        headers.append(("Content-Type", "application/octet-stream"))
        if chosen is None:
            status = "200 OK"
            body = content
        else:
            first, last = chosen
            status = "206 Partial Content"
            body = content[first:last]
            headers.append(("Content-Range", f"bytes {first}-{last}/{length}"))
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body] if method == "GET" else []
    return app
