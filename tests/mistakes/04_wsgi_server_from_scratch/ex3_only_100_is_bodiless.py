"""Mistake: treats only 100 as a bodiless 1xx (every 1xx has no body)"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

LAST_CHUNK = b"0\r\n\r\n"


def encode_chunk(data: bytes) -> bytes:
    if not data:
        return b""
    return b"%X\r\n%b\r\n" % (len(data), data)


def chunked_body(chunks: Iterable[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        if chunk:
            yield encode_chunk(chunk)
    yield LAST_CHUNK


def choose_framing(status: int, method: str, version: str, headers: list[tuple[str, str]],
                   known_length: int | None = None) -> str:
    if method == "HEAD" or status in (100, 204, 304):
        return "none"
    if any(name.lower() == "content-length" for name, _ in headers):
        return "content-length"
    if known_length is not None:
        return "content-length"
    if version == "HTTP/1.1":
        return "chunked"
    return "close"
