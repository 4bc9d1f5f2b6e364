"""Exercise 2.2 -- body framing: Content-Length or chunked, and nothing ambiguous.

After the head, a server must know exactly where the body ends: the next bytes on the
connection may be the next request.  If two servers in a chain (nginx, then gunicorn) find
different ends, an attacker can hide a second request inside the first one's body -- request
smuggling.  So framing is decided strictly, or the request is refused.

The task
--------
1. ``body_framing(version, headers, max_body=1_000_000)`` looks at the header list of a
   parsed head (``[(name, value), ...]``, names in any case) and returns:

   * ``"chunked"`` if the request has ``Transfer-Encoding: chunked``;
   * otherwise the body length from ``Content-Length`` as an ``int``;
   * ``0`` when there is neither header.

   Raise ``BadRequest`` (400) when:

   * both Content-Length and Transfer-Encoding are present (RFC 9112 §6.1: chunked would
     win, but a request carrying both is the classic smuggling attempt -- refuse it);
   * Transfer-Encoding appears in an HTTP/1.0 request, appears more than once, or is
     anything but ``chunked`` (case-insensitive);
   * Content-Length appears more than once (even with equal values), or its value is not
     one or more ASCII digits ``0``-``9``: ``+5``, ``-1``, ``5_0``, ``0x10``, ``5, 5``,
     ``""`` are all refused.  Careful: ``int()`` accepts ``"+5"``, ``"5_0"`` and ``" 5"``.

   Raise ``BodyTooLarge`` (413) when the length is greater than ``max_body`` (even a
   number with 40 digits: don't let it crash anything).

2. ``ChunkedDecoder(max_body=1_000_000)`` decodes a chunked body fed in arbitrary pieces.
   ``decoder.feed(data)`` returns the body bytes decoded from this piece (possibly ``b""``).
   When the last chunk (size 0) and the trailer section (zero or more ``name: value``
   lines, then an empty line) have been read, ``decoder.done`` becomes ``True`` and any
   bytes after the body are kept in ``decoder.rest``.  The wire format (RFC 9112 §7.1)::

       <size in hex>[;extension]\\r\\n<size bytes>\\r\\n ... 0\\r\\n[trailer lines]\\r\\n

   Raise ``BadRequest`` when a size is empty or not plain hex digits (``0x5``, ``-1``,
   ``+5``, ``zz``), when chunk data is not followed by exactly CRLF, when a line ends in a
   bare LF, when a trailer line has no colon, when a trailer is a field that may not be a
   trailer (RFC 9110 §6.5.1: Content-Length, Transfer-Encoding, Host, Content-Type, ... --
   names in any case), and as soon as more than 4096 bytes of a chunk-size line or a
   trailer line have arrived without its line end (never buffer without a limit).  Raise
   ``BodyTooLarge`` when the decoded body would grow past ``max_body``, or when a size has
   more than 16 hex digits.

Check it: ``python -m course check 2``.
"""

from __future__ import annotations

__all__ = ["BadRequest", "BodyTooLarge", "ChunkedDecoder", "HttpError", "body_framing"]


# -- the error hierarchy (given; the same as in exercise 2.1) ----------------------------------
class HttpError(Exception):
    """A request the server must refuse; ``status`` is the response code to send."""

    status = 400

    def __init__(self, reason: str) -> None:
        super().__init__(f"{self.status}: {reason}")
        self.reason = reason


class BadRequest(HttpError):
    status = 400


class BodyTooLarge(HttpError):
    status = 413


class HeadTooLarge(HttpError):
    status = 431


# -- your part -------------------------------------------------------------------------------
def body_framing(version: str, headers: list[tuple[str, str]],
                 max_body: int = 1_000_000) -> int | str:
    raise NotImplementedError(
        "exercise 2.2: collect the Content-Length and Transfer-Encoding values, refuse "
        "ambiguity, return 'chunked', the length, or 0")


class ChunkedDecoder:
    """Decode a chunked body fed in arbitrary pieces (RFC 9112 §7.1)."""

    def __init__(self, max_body: int = 1_000_000) -> None:
        self.max_body = max_body
        self.done = False
        self.rest = b""

    def feed(self, data: bytes) -> bytes:
        raise NotImplementedError(
            "exercise 2.2: buffer the bytes and walk through size line, data, CRLF, ... "
            "until the 0-size chunk and the empty line after the trailers")
