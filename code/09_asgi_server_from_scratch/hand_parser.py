"""A hand-written HTTP/1.1 request parser and response writer, for asgi_server.py.

Run it on its own to watch it parse good requests and reject bad ones:

    python code/09_asgi_server_from_scratch/hand_parser.py

It prints one line per sample request: the event the parser produced, or the status code
(400, 413, 431, 501, 505) and the rule it broke.  Then try your own bytes in Python:

    >>> p = RequestParser(); p.feed(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"); p.next_event()

What it is: the same job h11 does for ``--parser h11``, written to be short and fast in pure
Python -- a few ``bytes.find`` calls and precompiled regular expressions per request, no
per-byte loop.  What it is NOT: a complete HTTP/1.1 implementation.  It does not speak
HTTP/1.0 keep-alive (1.0 connections close after one response, as with h11), ``Expect:
100-continue``, or absolute-form targets beyond taking their path.  It is strict where
leniency is dangerous: anything RFC 9112 calls invalid is rejected with a 4xx, never guessed --
including a target whose form the method does not allow (RFC 9112 §3.2), a second Host or
Content-Type field, and a trailer field that may not be a trailer (RFC 9110 §6.5.1).

Theory of operation (the rules that affect the state machine all live in this file):

    the parser's Stage (simplified: BODY stands for BODY_LENGTH or the CHUNK_* stages)

    HEAD ──(head parsed)──► BODY ──(body done)──► DONE ──(start_next_cycle)──► HEAD
     │                       │                      │
     └─── a rule broken ─────┴──► ERROR             └─ bytes that arrive now wait
                                                       (PAUSED): pipelining

``feed(data)`` appends bytes; ``next_event()`` returns one of: a :class:`RequestHead`, a
``bytes`` chunk of body, ``END`` (the request is complete), ``NEED_DATA`` or ``PAUSED``; or
raises :class:`ParseError` with the status code to answer.  The response side
(:class:`ResponseWriter`) turns the app's status, headers and body chunks into bytes and
chooses the framing: Content-Length when the app gave one, else chunked.
"""

from __future__ import annotations

import enum
import re
from http import HTTPStatus
from typing import NamedTuple

__all__ = ["END", "NEED_DATA", "PAUSED", "REASONS", "ParseError", "RequestHead",
           "RequestParser", "ResponseWriter", "Sentinel", "Stage"]


class Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


NEED_DATA = Sentinel("NEED_DATA")   # feed me more bytes
PAUSED = Sentinel("PAUSED")         # a request is complete; call start_next_cycle() first
END = Sentinel("END")               # the current request's body is complete


class ParseError(Exception):
    """The request broke a rule; answer ``status`` and close the connection."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


class RequestHead(NamedTuple):
    method: bytes                       # b"GET"
    target: bytes                       # b"/path?query" as sent
    http_version: str                   # "1.1" or "1.0"
    headers: list[tuple[bytes, bytes]]  # names lower-cased, values stripped of OWS
    keep_alive: bool                    # may the connection carry another request?


# RFC 9110 §5.6.2: token = 1*tchar.  RFC 9112 §3: request-line = method SP target SP version.
_TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_REQUEST_LINE = re.compile(rb"(%s) ([\x21-\x7e]+) HTTP/([0-9])\.([0-9])" % _TOKEN)
# RFC 9112 §5: field-line = field-name ":" OWS field-value OWS.  No space before the colon,
# no CR/LF/NUL or other control characters in the value; obs-fold (a line starting with
# whitespace) fails the name pattern and is rejected.
_HEADER_LINE = re.compile(rb"(%s):([\t\x20-\x7e\x80-\xff]*)" % _TOKEN)
_DIGITS = re.compile(rb"[0-9]{1,18}")
# RFC 9112 §3.2: the four forms of a request target.  origin-form "/path?q" for most requests,
# absolute-form "http://host/path?q" (sent to proxies, valid for every server), authority-form
# "host:port" for CONNECT only, asterisk-form "*" for OPTIONS only.
_ABSOLUTE_FORM = re.compile(rb"(?i:https?)://[^/?#]*[^#]*")
_AUTHORITY_FORM = re.compile(rb"[^/?#@]+:[0-9]+")
# Fields that may come once only: a second value could not be combined with the first.
SINGLETON_FIELDS = (b"host", b"content-type")
# RFC 9110 §6.5.1: fields that must not be sent as trailers -- framing, routing, request
# modifiers, authentication, and how to process the content.
FORBIDDEN_TRAILERS = frozenset({
    b"transfer-encoding", b"content-length", b"host", b"trailer", b"te", b"connection",
    b"keep-alive", b"upgrade", b"expect", b"max-forwards", b"cache-control", b"pragma",
    b"range", b"if-match", b"if-none-match", b"if-modified-since", b"if-unmodified-since",
    b"if-range", b"authorization", b"proxy-authorization", b"cookie", b"content-type",
    b"content-encoding", b"content-range",
})
# RFC 9112 §7.1: chunk-size = 1*HEXDIG, then optional chunk-ext.  int(x, 16) alone would
# also take "0x1a", "+1a", " 1a" and "1_a" -- exactly the leniency smuggling attacks use.
_CHUNK_LINE = re.compile(rb"([0-9A-Fa-f]{1,16})((?:[ \t]*;[\x20-\x7e\t]*)?)")



class Stage(enum.Enum):
    """Where the parser is in the current request: what it expects next."""
    HEAD = "the request line and header fields, up to the empty line"
    BODY_LENGTH = "body bytes, counted down from Content-Length"
    CHUNK_SIZE = "a chunk-size line"
    CHUNK_DATA = "the data of the current chunk"
    CHUNK_CRLF = "the CRLF after a chunk's data"
    TRAILERS = "trailer field lines, up to the empty line"
    END_NEXT = "nothing: the body is complete and END is the next event"
    DONE = "nothing: the request is complete; start_next_cycle() moves on to the next"
    ERROR = "nothing ever again: a rule was broken"



def check_target(method: bytes, target: bytes) -> None:
    """Raise ParseError unless the target has a form this method allows (RFC 9112 §3.2)."""
    if target == b"*":
        if method != b"OPTIONS":
            raise ParseError("the target * is allowed only with OPTIONS")
        return
    if method == b"CONNECT":
        if _AUTHORITY_FORM.fullmatch(target) is None:
            raise ParseError("CONNECT needs a host:port target")
        raise ParseError("CONNECT (a tunnel through a proxy) is not implemented here", 501)
    if target.startswith(b"/"):
        return
    if _ABSOLUTE_FORM.fullmatch(target) is None:
        raise ParseError("the target must start with / or be an absolute http(s) URI")


def check_singletons(headers: list[tuple[bytes, bytes]]) -> None:
    """Raise ParseError if a field that may come once (Host, Content-Type) comes twice."""
    for singleton in SINGLETON_FIELDS:
        count = 0
        for name, _ in headers:
            if name == singleton:
                count += 1
        if count > 1:
            raise ParseError(f"the {singleton.decode()} field may appear only once")


def check_trailer(name: bytes) -> None:
    """Raise ParseError if ``name`` (lower case) may not be a trailer (RFC 9110 §6.5.1)."""
    if name in FORBIDDEN_TRAILERS:
        raise ParseError(f"{name.decode()} may not be sent as a trailer (RFC 9110 §6.5.1)")


class RequestParser:
    """Parse requests from a byte stream, one at a time (see the module docstring)."""

    def __init__(self, max_head: int = 16 * 1024, max_headers: int = 100) -> None:
        self.max_head = max_head
        self.max_headers = max_headers
        self.buffer = bytearray()
        self.stage = Stage.HEAD
        self.remaining = 0          # body bytes still expected (length or current chunk)
        self.trailers = 0           # trailer lines read so far (at most max_headers)
        self.keep_alive = True

    def feed(self, data: bytes) -> None:
        self.buffer += data

    def start_next_cycle(self) -> None:
        if self.stage is not Stage.DONE:
            raise RuntimeError(f"start_next_cycle() while the request is not done "
                               f"(stage {self.stage.name})")
        self.stage = Stage.HEAD

    @property
    def request_done(self) -> bool:
        return self.stage is Stage.DONE

    def next_event(self):
        try:
            return self._next_event()
        except ParseError:
            self.stage = Stage.ERROR
            raise

    def _next_event(self):
        stage = self.stage
        if stage is Stage.HEAD:
            return self._head()
        if stage is Stage.BODY_LENGTH:
            return self._body_length()
        if stage is Stage.END_NEXT:
            self.stage = Stage.DONE
            return END
        if stage is Stage.DONE:
            return PAUSED
        if stage is Stage.ERROR:
            raise ParseError("the connection is already in an error state")
        return self._chunked()

    # -- the head --------------------------------------------------------------------------
    def _head(self):
        buf = self.buffer
        while buf[:2] == b"\r\n":          # RFC 9112 §2.2: ignore empty lines before a request
            del buf[:2]
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            if len(buf) > self.max_head:
                raise ParseError("request head larger than the limit", 431)
            return NEED_DATA
        if end > self.max_head:
            raise ParseError("request head larger than the limit", 431)
        lines = bytes(buf[:end]).split(b"\r\n")
        del buf[:end + 4]

        match = _REQUEST_LINE.fullmatch(lines[0])
        if match is None:
            raise ParseError("malformed request line (method SP target SP HTTP/x.y)")
        method, target, major, minor = match.groups()
        if major != b"1" or minor not in (b"0", b"1"):
            raise ParseError("only HTTP/1.0 and HTTP/1.1 are spoken here", 505)
        check_target(method, target)
        version = "1.1" if minor == b"1" else "1.0"
        if len(lines) - 1 > self.max_headers:
            raise ParseError("too many header fields", 431)

        headers = []
        content_length = None
        chunked = False
        hosts = 0
        keep_alive = version == "1.1"
        for line in lines[1:]:
            m = _HEADER_LINE.fullmatch(line)
            if m is None:
                raise ParseError(f"malformed header line {line[:40]!r}")
            name = m.group(1).lower()
            value = m.group(2).strip(b" \t")
            headers.append((name, value))
            if name == b"content-length":
                if _DIGITS.fullmatch(value) is None:
                    raise ParseError("Content-Length must be digits only")
                if content_length is not None and int(value) != content_length:
                    raise ParseError("conflicting Content-Length headers")
                content_length = int(value)
            elif name == b"transfer-encoding":
                if chunked or value.lower() != b"chunked":
                    codings = value.lower().replace(b" ", b"").split(b",")
                    if codings[-1] != b"chunked":
                        raise ParseError("Transfer-Encoding must end with chunked")
                    raise ParseError("only Transfer-Encoding: chunked is supported", 501)
                chunked = True
            elif name == b"host":
                hosts += 1
            elif name == b"connection":
                if b"close" in [t.strip() for t in value.lower().split(b",")]:
                    keep_alive = False
        if version == "1.1" and hosts != 1:
            raise ParseError("HTTP/1.1 needs exactly one Host header (RFC 9112 §3.2)")
        check_singletons(headers)
        if chunked and (content_length is not None or version == "1.0"):
            # RFC 9112 §6.1-6.3: both framings at once is how requests get smuggled.
            raise ParseError("Transfer-Encoding with Content-Length (or in HTTP/1.0)")
        if version == "1.0":
            keep_alive = False
        self.keep_alive = keep_alive
        if chunked:
            self.stage = Stage.CHUNK_SIZE
        elif content_length:
            self.stage = Stage.BODY_LENGTH
            self.remaining = content_length
        else:
            self.stage = Stage.END_NEXT
        return RequestHead(method, target, version, headers, keep_alive)

    # -- the body ----------------------------------------------------------------------------
    def _body_length(self):
        buf = self.buffer
        if not buf:
            return NEED_DATA
        take = min(self.remaining, len(buf))
        data = bytes(buf[:take])
        del buf[:take]
        self.remaining -= take
        if self.remaining == 0:
            self.stage = Stage.END_NEXT
        return data

    def _chunked(self):
        buf = self.buffer
        while True:
            stage = self.stage
            if stage is Stage.CHUNK_SIZE:
                end = buf.find(b"\r\n")
                if end < 0:
                    if len(buf) > 1024:
                        raise ParseError("chunk-size line too long")
                    return NEED_DATA
                m = _CHUNK_LINE.fullmatch(bytes(buf[:end]))
                if m is None:
                    raise ParseError("malformed chunk-size line")
                del buf[:end + 2]
                self.remaining = int(m.group(1), 16)
                self.stage = Stage.CHUNK_DATA if self.remaining else Stage.TRAILERS
            elif stage is Stage.CHUNK_DATA:
                if not buf:
                    return NEED_DATA
                take = min(self.remaining, len(buf))
                data = bytes(buf[:take])
                del buf[:take]
                self.remaining -= take
                if self.remaining == 0:
                    self.stage = Stage.CHUNK_CRLF
                return data
            elif stage is Stage.CHUNK_CRLF:
                if len(buf) < 2:
                    return NEED_DATA
                if buf[:2] != b"\r\n":
                    raise ParseError("chunk data not followed by CRLF")
                del buf[:2]
                self.stage = Stage.CHUNK_SIZE
            elif stage is Stage.TRAILERS:
                # trailer fields are read and dropped: ASGI has no place for them here
                end = buf.find(b"\r\n")
                if end < 0:
                    if len(buf) > self.max_head:
                        raise ParseError("trailers larger than the limit", 431)
                    return NEED_DATA
                line = bytes(buf[:end])
                del buf[:end + 2]
                if not line:
                    self.stage = Stage.DONE
                    self.trailers = 0
                    return END
                match = _HEADER_LINE.fullmatch(line)
                if match is None:
                    raise ParseError("malformed trailer line")
                check_trailer(match.group(1).lower())
                self.trailers += 1
                if self.trailers > self.max_headers:
                    raise ParseError("too many trailer fields", 431)


# -- the response side ------------------------------------------------------------------------
REASONS = {s.value: s.phrase.encode() for s in HTTPStatus}
_VALUE_OK = re.compile(rb"[\t\x20-\x7e\x80-\xff]*")
_NAME_OK = re.compile(_TOKEN)


class ResponseWriter:
    """Serialise one response at a time: ``head()``, ``body()``…, ``end()``, each to bytes."""

    def __init__(self) -> None:
        self.keep_alive = True
        self.chunked = False
        self.remaining: int | None = None   # Content-Length bytes still owed
        self.no_body = False

    def head(self, status: int, headers, *, request_keep_alive: bool, head_request: bool,
             extra: list[tuple[bytes, bytes]]) -> bytes:
        lines = [b"HTTP/1.1 %d %s\r\n" % (status, REASONS.get(status, b""))]
        content_length = None
        keep_alive = request_keep_alive
        app_says_close = False
        chunked_by_app = False
        for name, value in extra:
            lines.append(b"%s: %s\r\n" % (name, value))
        for name, value in headers:
            if _NAME_OK.fullmatch(name) is None or _VALUE_OK.fullmatch(value) is None:
                raise RuntimeError(f"invalid response header {name!r}: {value!r} "
                                   "(names are tokens; values may not hold CR, LF or NUL)")
            lname = name.lower()
            if lname == b"content-length":
                content_length = int(value)
            elif lname == b"connection" and b"close" in [
                    t.strip() for t in value.lower().split(b",")]:
                keep_alive = False
                app_says_close = True
            elif lname == b"transfer-encoding":
                chunked_by_app = True
            lines.append(b"%s: %s\r\n" % (name, value))
        bodiless_status = status in (204, 304) or status < 200
        self.no_body = head_request or bodiless_status
        self.chunked = False
        self.remaining = None
        if bodiless_status:
            pass
        elif content_length is not None:
            self.remaining = content_length
        else:
            # HEAD gets the headers a GET would get (RFC 9110 §9.3.2), but no body bytes
            self.chunked = not head_request
            if not chunked_by_app:
                lines.append(b"transfer-encoding: chunked\r\n")
        if not keep_alive and not app_says_close:
            lines.append(b"connection: close\r\n")
        self.keep_alive = keep_alive
        lines.append(b"\r\n")
        return b"".join(lines)

    def body(self, data: bytes) -> bytes:
        if self.no_body or not data:
            return b""
        if self.chunked:
            return b"%x\r\n%s\r\n" % (len(data), data)
        self.remaining -= len(data)
        if self.remaining < 0:
            raise RuntimeError("the response body is longer than its Content-Length")
        return data

    def end(self) -> bytes:
        if self.no_body:
            return b""
        if self.chunked:
            return b"0\r\n\r\n"
        if self.remaining:
            raise RuntimeError(f"the response body ended {self.remaining} bytes short of "
                               "its Content-Length")
        return b""


def _demo() -> None:
    samples = [
        b"GET /hello?x=1 HTTP/1.1\r\nHost: example\r\n\r\n",
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
        b"POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0x5\r\nhello\r\n0\r\n\r\n",
        b"GET / HTTP/2.0\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n",
    ]
    for raw in samples:
        parser = RequestParser()
        parser.feed(raw)
        events = []
        try:
            while True:
                event = parser.next_event()
                if event is NEED_DATA or event is PAUSED:
                    break
                events.append(event if not isinstance(event, RequestHead)
                              else f"{event.method.decode()} {event.target.decode()}")
                if event is END:
                    break
            shown = raw[:50] + (b"..." if len(raw) > 50 else b"")
            print(f"ok   {shown!r}\n       -> {events}")
        except ParseError as exc:
            shown = raw[:50] + (b"..." if len(raw) > 50 else b"")
            print(f"{exc.status}  {shown!r}\n       -> {exc}")


if __name__ == "__main__":
    _demo()
