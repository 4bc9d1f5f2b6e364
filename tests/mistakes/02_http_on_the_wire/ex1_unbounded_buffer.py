"""Mistake: checks max_head only once the head is complete: an endless head grows without limit.

Exercise 2.1 -- parse an HTTP/1.1 request head, incrementally and strictly (reference solution).

See the stub in exercises/02_http_on_the_wire/ex1_request_head.py for the task and the rules.
"""

# no `from __future__ import annotations`: dataclasses would then need this module in
# sys.modules, and the grader loads it by path.
from dataclasses import dataclass, field

__all__ = ["BadRequest", "BodyTooLarge", "HeadParser", "HeadTooLarge", "HttpError",
           "RequestHead"]


# -- the error hierarchy (given) ------------------------------------------------------------
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


# -- the solution ------------------------------------------------------------------------------
TCHAR = frozenset(b"!#$%&'*+-.^_`|~0123456789"
                  b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# field-value: VCHAR, obs-text, SP and HTAB -- no other control characters (RFC 9110 §5.5)
VALUE_BYTE = frozenset([0x09, *range(0x20, 0x7F), *range(0x80, 0x100)])
TARGET_BYTE = frozenset(range(0x21, 0x7F))
VERSIONS = (b"HTTP/1.1", b"HTTP/1.0")
SINGLETONS = ("host", "content-type")       # fields that may appear once only


def _is_token(data: bytes) -> bool:
    return bool(data) and all(b in TCHAR for b in data)


class HeadParser:
    """Feed bytes as they arrive; ``feed`` returns the RequestHead once it is complete."""

    def __init__(self, max_head: int = 8192) -> None:
        self.max_head = max_head
        self.rest = b""
        self._buffer = bytearray()

    def feed(self, data: bytes) -> RequestHead | None:
        start = max(0, len(self._buffer) - 3)   # the end marker may straddle two chunks
        self._buffer += data
        end = self._buffer.find(b"\r\n\r\n", start)
        if end < 0:
            return None
        head_len = end + 4
        if head_len > self.max_head:
            raise HeadTooLarge(f"the head is {head_len} bytes; the limit is {self.max_head}")
        head = bytes(self._buffer[:end])
        self.rest = bytes(self._buffer[head_len:])
        self._buffer.clear()
        return _parse(head)


def _parse(head: bytes) -> RequestHead:
    lines = head.split(b"\r\n")
    for line in lines:
        if b"\r" in line or b"\n" in line:
            raise BadRequest("a bare CR or LF; lines must end with CRLF")
    method, target, version = _request_line(lines[0])
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t"):
            raise BadRequest("obsolete line folding (a line starting with whitespace)")
        name, colon, value = line.partition(b":")
        if not colon:
            raise BadRequest(f"a header line without a colon: {line[:40]!r}")
        if not _is_token(name):
            raise BadRequest(f"invalid header name {name[:40]!r} (whitespace before the colon?)")
        value = value.strip(b" \t")
        if any(b not in VALUE_BYTE for b in value):
            raise BadRequest(f"a control character in the value of {name.decode()}")
        headers.append((name.decode("ascii"), value.decode("latin-1")))
    hosts = [v for k, v in headers if k.lower() == "host"]
    for singleton in SINGLETONS:
        if sum(k.lower() == singleton for k, _ in headers) > 1:
            raise BadRequest(f"more than one {singleton} header")
    if version == "HTTP/1.1" and not hosts:
        raise BadRequest("an HTTP/1.1 request without Host")
    return RequestHead(method, target, version, headers)


def _request_line(line: bytes) -> tuple[str, str, str]:
    parts = line.split(b" ")
    if len(parts) != 3:
        raise BadRequest(f"request line must be 'METHOD SP target SP version': {line[:60]!r}")
    method, target, version = parts
    if not _is_token(method):
        raise BadRequest(f"invalid method {method[:20]!r}")
    if not target or any(b not in TARGET_BYTE for b in target):
        raise BadRequest(f"invalid request target {target[:60]!r}")
    if version not in VERSIONS:
        raise BadRequest(f"unsupported version {version[:20]!r}")
    _check_target_form(method, target)
    return method.decode("ascii"), target.decode("ascii"), version.decode("ascii")


def _check_target_form(method: bytes, target: bytes) -> None:
    """RFC 9112 §3.2: the form of the target must fit the method."""
    if target == b"*":
        if method != b"OPTIONS":
            raise BadRequest("the target * is allowed only with OPTIONS")
        return
    scheme, sep, _ = target.partition(b"://")
    is_absolute = bool(sep) and _is_scheme(scheme)
    if method == b"CONNECT":
        if target.startswith(b"/") or is_absolute or b":" not in target:
            raise BadRequest("CONNECT needs a host:port target (authority-form)")
        return
    if not target.startswith(b"/") and not is_absolute:
        raise BadRequest(f"the target must start with / or be an absolute URI: {target[:60]!r}")


def _is_scheme(scheme: bytes) -> bool:
    """scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )  (RFC 3986 §3.1)."""
    allowed = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-."
    return scheme[:1].isalpha() and all(b in allowed for b in scheme)
