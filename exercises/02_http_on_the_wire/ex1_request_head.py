"""Exercise 2.1 -- parse an HTTP/1.1 request head, incrementally and strictly.

A server never receives "a request": it receives bytes, in whatever pieces TCP hands over.
The head may arrive one byte at a time, or in one piece together with the body and the
next pipelined request.  Write ``HeadParser.feed`` so that it copes with both, and refuses
anything that is not well-formed HTTP/1.1 -- a lenient parser is how request smuggling
starts.

The task
--------
``HeadParser(max_head=8192)``; call ``parser.feed(data)`` with each piece of bytes:

* it returns ``None`` while the head is incomplete (no empty line yet);
* once the head is complete (it ends with ``\\r\\n\\r\\n``) it returns a ``RequestHead``
  with ``method``, ``target``, ``version`` (``"HTTP/1.1"``) and ``headers``: a list of
  ``(name, value)`` pairs in the order received, duplicates kept, names exactly as sent,
  values with leading/trailing spaces and tabs removed, all decoded as latin-1;
* the bytes that arrived after the head (the start of the body, or the next request)
  are left in ``parser.rest``.

The rules (RFC 9112 §2-5, RFC 9110 §5).  Raise ``BadRequest`` (400) when:

* a line ends with a bare ``\\n`` or contains a bare ``\\r`` (lines end with CRLF);
* the request line is not exactly ``METHOD SP target SP version`` with single spaces;
  the method is not a token; the target is empty or holds bytes outside ``!`` .. ``~``;
  the version is not exactly ``HTTP/1.1`` or ``HTTP/1.0``;
* a header line starts with a space or tab (obsolete line folding);
* a header line has no colon, or its name is not a token (so ``Host : x`` -- a space
  before the colon -- is refused, as RFC 9112 §5.1 demands);
* a value holds a control character other than tab (``\\x00``, ``\\x7f``, ...);
* the target has a form its method does not allow (RFC 9112 §3.2): ``*`` only with
  ``OPTIONS``; ``host:port`` (authority-form) only with -- and always with -- ``CONNECT``;
  any other target starts with ``/`` (origin-form) or is an absolute URI such as
  ``http://example.test/path`` (absolute-form, which is valid: keep it as sent);
* an HTTP/1.1 request has no ``Host``, or any request has more than one ``Host`` or more
  than one ``Content-Type`` (field names are case-insensitive: ``host`` is a Host).

Raise ``HeadTooLarge`` (431) as soon as more than ``max_head`` bytes have arrived without the
end of the head, or when a complete head (including its final CRLFCRLF) is longer than
``max_head`` -- never buffer without a limit.

A token is one or more of ``!#$%&'*+-.^_`|~``, digits and ASCII letters.  Body framing
(Content-Length, chunked) is exercise 2.2, not this one.

Check it: ``python -m course check 2``.
"""

# no `from __future__ import annotations`: dataclasses would then need this module in
# sys.modules, and the grader loads it by path.
from dataclasses import dataclass, field

__all__ = ["BadRequest", "BodyTooLarge", "HeadParser", "HeadTooLarge", "HttpError",
           "RequestHead"]


# -- the error hierarchy (given: use it, don't change it) --------------------------------
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


@dataclass
class RequestHead:
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]] = field(default_factory=list)

    def get_all(self, name: str) -> list[str]:
        """Every value of header ``name`` (case-insensitive), in the order received."""
        return [v for k, v in self.headers if k.lower() == name.lower()]


# -- your part -------------------------------------------------------------------------------
class HeadParser:
    """Feed bytes as they arrive; ``feed`` returns the RequestHead once it is complete."""

    def __init__(self, max_head: int = 8192) -> None:
        self.max_head = max_head
        self.rest = b""

    def feed(self, data: bytes) -> RequestHead | None:
        raise NotImplementedError(
            "exercise 2.1: buffer the bytes, find the end of the head, then parse and "
            "check the request line and the header lines")
