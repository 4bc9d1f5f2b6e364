"""Exercise 4.3 -- frame a response body: the chunked encoder and the framing decision.

A client must be able to tell where a response body ends (RFC 9112 §6.3).  A server has
three ways to tell it: a ``Content-Length`` header, ``Transfer-Encoding: chunked`` (HTTP/1.1
only), or closing the connection after the body.  Some responses have no body at all.

``encode_chunk(data)``: one chunk of the chunked coding (RFC 9112 §7.1): the size in
hexadecimal, CRLF, the data, CRLF -- ``b"5\\r\\nhello\\r\\n"``.  An empty ``data`` must give
``b""``: a zero-size chunk is the *last-chunk* and would end the body early.

``chunked_body(chunks)``: a generator of the encoded chunks of an iterable of bytes, ending
with the last-chunk and the empty trailer, ``LAST_CHUNK = b"0\\r\\n\\r\\n"``.

``choose_framing(status, method, version, headers, known_length=None)`` returns one of:

* ``"none"``: a HEAD request, or status 1xx, 204 or 304 -- these responses have no body;
* ``"content-length"``: the app set a Content-Length header (any case), or the server knows
  the body's length (``known_length`` is not None, e.g. the app returned a list);
* ``"chunked"``: otherwise, when the request was ``HTTP/1.1``;
* ``"close"``: otherwise (an HTTP/1.0 client does not understand chunked: the body ends
  when the server closes the connection).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

LAST_CHUNK = b"0\r\n\r\n"


def encode_chunk(data: bytes) -> bytes:
    raise NotImplementedError("exercise 4.3: encode one chunk (hex size, CRLF, data, CRLF)")


def chunked_body(chunks: Iterable[bytes]) -> Iterator[bytes]:
    raise NotImplementedError("exercise 4.3: yield the encoded chunks, then LAST_CHUNK")


def choose_framing(status: int, method: str, version: str, headers: list[tuple[str, str]],
                   known_length: int | None = None) -> str:
    raise NotImplementedError("exercise 4.3: return none, content-length, chunked or close")
