"""A small, strict, threaded WSGI server for teaching (not production: no TLS, HTTP/2, reload).

Run it:  python code/04_wsgi_server_from_scratch/server.py [--app apps:suite]  (default: demo_app)
Try:     curl -i http://127.0.0.1:8000/hello?name=you -d 'some body'
         printf 'GET / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\n'\\
'Transfer-Encoding: chunked\\r\\n\\r\\n' | nc 127.0.0.1 8000    (400: a smuggling attempt)

It serves one WSGI application (PEP 3333) over HTTP/1.1 (RFC 9112).  To deploy a real app, use
gunicorn (chapter 06).  These are the eight rules it keeps; the comments in the code point back
to them by number.

Rule 1, reading.  The head is read line by line.  The request line may be at most MAX_LINE
bytes long (else 414); the head may have at most MAX_HEADERS field lines, each at most MAX_LINE
bytes, and at most MAX_HEAD bytes in all (else 431).  Each limit is checked as the bytes arrive,
so the server never buffers more than the limit plus one recv.  One empty line (CRLF) before the
request line is skipped (RFC 9112 §2.2); any other bytes there, a bare LF included, make the
request line malformed (400).  The body may be at most MAX_BODY bytes (else 413).  A request
must arrive whole within ``--timeout`` seconds of its first byte, or the server answers 408.

Rule 2, refusing.  A request that could be read in two ways is refused with a 400: a
Transfer-Encoding field (even an empty one) together with a Content-Length, a Content-Length
that is not one decimal number or that is repeated, a folded field line (obs-fold), a malformed
field line, chunk or request line, more than one Host field, and an HTTP/1.1 request without a
Host field -- checked on the fields as they came, before an absolute-form target replaces Host.
A second Content-Type field is refused too, and so is a trailer field that may not be a trailer
(Content-Length, Host, ..., RFC 9110 §6.5.1).  The request target must have the form its
method allows (RFC 9112 §3.2): "*" only with OPTIONS, "host:port" only with CONNECT (which
this server does not implement: 501), and otherwise a path starting with "/" or an absolute
URI ("http://host/path", whose path is used and whose host replaces the Host field).
Transfer-Encoding: the final coding must be chunked (else 400, RFC 9112 §6.3); another coding
before it gets a 501 (not implemented); in an HTTP/1.0 request it is a 400 (RFC 9112 §6.1).
An HTTP version other than 1.x gets a 505; a minor version above 1 (HTTP/1.2) is served as
HTTP/1.1 (RFC 9110 §2.5).  After a refusal the connection is closed, so that no leftover bytes
can be read as a second, smuggled request.

Rule 3, the environ.  The body is read whole before the app is called, and ``wsgi.input`` is a
BytesIO holding it.  PATH_INFO is the percent-decoded path, as latin-1 text (PEP 3333).  Header
fields whose names contain "_" are dropped, because "X_User" and "X-User" would both become
HTTP_X_USER.  A repeated field's values are joined by ", " (RFC 9110 §5.3), Cookie's by "; ".

Rule 4, start_response.  It checks that the status is three digits, a space and a reason, that
header names are tokens, that status and headers are native strings of latin-1 characters
without CR or LF, that a Content-Length is one decimal number, and that there is no hop-by-hop
field (Connection, Keep-Alive, Transfer-Encoding, Upgrade, ...: PEP 3333 forbids them to apps)
except ``Connection: close``, which asks the server to close after this response.  A failed
check raises ValueError in the app, and the client gets a 500.  Otherwise it records the status
and headers and sends nothing.  A second call is allowed only with ``exc_info``.  The head goes
out together with the first non-empty body chunk.

Rule 5, framing.  The client must know where the body ends.  If the app gave a Content-Length,
it is used, and the server never sends more bytes than it says (if the app sends fewer, the
connection is closed).  Otherwise, if the app returned a list, the server computes the length.
Otherwise an HTTP/1.1 client gets a chunked body, and an HTTP/1.0 client gets a body that ends
when the connection closes.  Responses to HEAD and with status 1xx, 204 or 304 have no body; a
HEAD response carries the app's own Content-Length if it gave one, and none of the server's
(the server cannot know what GET would have sent, and RFC 9110 §8.6 lets it leave the field
out).  The head and the first chunk go out in one send.

Rule 6, keep-alive.  An HTTP/1.1 connection stays open unless the client says
"Connection: close"; an HTTP/1.0 connection stays open only if the client says
"Connection: keep-alive".  It is closed after the response if the app said "Connection: close",
if the body ends by closing, and after any error.

Rule 7, always.  The app's iterable is closed (``close()``) on every path.  If the app raises,
returns a body that is not bytes, or never calls start_response, and no byte of the head is on
the wire yet, the client gets a 500; after that, the connection is cut.

Rule 8, the pool.  A fixed set of ``--threads`` threads serves the connections; each thread
keeps its connection until it closes.  A connection that sends nothing for ``--timeout``
seconds (before a request's first byte) is closed without an answer.  While new connections
wait for a thread, a thread whose connection has already been answered at least once and has
then been idle for IDLE_POLL seconds closes it and takes a waiting one.  A new connection is
never closed this way before its first request: it gets the full ``--timeout``.
"""

import argparse
import enum
import importlib
import io
import queue
import re
import select
import signal
import socket
import sys
import threading
import time
import traceback
from http import HTTPStatus
from urllib.parse import unquote
from wsgiref.handlers import format_date_time

# Limits (rule 1).
MAX_LINE = 8190             # bytes in the request line, in a field line, in a chunk-size line
MAX_HEADERS = 100           # field lines in a head
MAX_HEAD = 65536            # bytes in a whole head, counting each line's CRLF
MAX_BODY = 1 << 20          # bytes in a body
DRAIN_LIMIT = 1 << 20       # bytes read (and thrown away) after a refusal, before closing

# Patterns for bytes straight from the socket: they are matched before anything is decoded.
# A token (RFC 9110 §5.6.2) is what a method or a field name is made of.
TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
# method SP request-target SP HTTP-version (RFC 9112 §3): no space inside the target.
REQUEST_LINE = re.compile(rb"(%s) ([\x21-\x7e]+) HTTP/(\d)\.(\d)" % TOKEN)
# field-name ":" field-value (RFC 9112 §5): no space before the colon, no control characters
# in the value except HTAB.
FIELD_LINE = re.compile(rb"(%s):([^\x00-\x08\x0a-\x1f\x7f]*)" % TOKEN)
# chunk-size [chunk-ext] (RFC 9112 §7.1): hex digits only, at most 8 of them.
CHUNK_SIZE_LINE = re.compile(rb"([0-9A-Fa-f]{1,8})[ \t]*(;[^\x00-\x08\x0a-\x1f\x7f]*)?")

# Patterns for text: field values, the target and the app's status and headers, once decoded.
CONTENT_LENGTH_VALUE = re.compile(r"[0-9]{1,15}")
# The four forms of a request target (RFC 9112 §3.2).  origin-form is "/path?query";
# absolute-form is what a client sends to a proxy: "http://host/path?query".
ABSOLUTE_FORM = re.compile(r"(?i:https?)://([^/?#]*)([^#]*)")
AUTHORITY_FORM = re.compile(r"[^/?#@\s]+:[0-9]+")            # host:port, for CONNECT only
# PEP 3333: "999 Message here" -- three digits, a space, a reason phrase.
STATUS = re.compile(r"[1-9][0-9][0-9] [^\x00-\x1f\x7f]*")
FIELD_NAME = re.compile(TOKEN.decode())

# Fields that must not arrive as trailers, after a chunked body (RFC 9110 §6.5.1): framing,
# routing, request modifiers, authentication, and how to process the content.
FORBIDDEN_TRAILERS = frozenset({
    "transfer-encoding", "content-length", "host", "trailer", "te", "connection", "keep-alive",
    "upgrade", "expect", "max-forwards", "cache-control", "pragma", "range", "if-match",
    "if-none-match", "if-modified-since", "if-unmodified-since", "if-range", "authorization",
    "proxy-authorization", "cookie", "content-type", "content-encoding", "content-range",
})

# Hop-by-hop fields describe one connection, the server's business: an app may not send them
# (PEP 3333, "Other HTTP Features"; the list is wsgiref.util.is_hop_by_hop's).
HOP_BY_HOP_FIELDS = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
    "trailer", "transfer-encoding", "upgrade",
})

# Responses with these statuses never have a body (rule 5).
NO_BODY_STATUSES = set(range(100, 200)) | {204, 304}

# How long an idle kept-alive connection may hold a thread while others wait (rule 8).
IDLE_POLL = 0.1


class HTTPError(Exception):
    """A request we refuse.  ``answer`` is the complete response to send before closing."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status
        status_line = f"{status} {HTTPStatus(status).phrase}"
        body = f"{status_line}: {why}\n".encode()
        head = (
            f"HTTP/1.1 {status_line}\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"Connection: close\r\n"
            f"\r\n"
        )
        self.answer = head.encode() + body


# -- Reading the head (rules 1 and 2) -----------------------------------------------------------

def parse_request_line(line: bytes) -> tuple[str, str, str]:
    """``GET /path HTTP/1.1`` -> ("GET", "/path", "HTTP/1.1"), or an HTTPError."""
    if len(line) > MAX_LINE:
        raise HTTPError(414, "request line too long")
    match = REQUEST_LINE.fullmatch(line)
    if match is None:
        raise HTTPError(400, "request line must be METHOD SP target SP HTTP/x.y")
    method, target, major, minor = match.groups()
    if major != b"1":
        raise HTTPError(505, "only HTTP/1.0 and HTTP/1.1 are served here")
    if minor == b"0":
        version = "HTTP/1.0"
    else:
        version = "HTTP/1.1"                # RFC 9110 §2.5: HTTP/1.2 is served as HTTP/1.1
    return method.decode(), target.decode(), version


def parse_field_line(line: bytes) -> tuple[str, str]:
    """``Name: value`` -> ("name", "value"): the name lower-cased, the value trimmed."""
    match = FIELD_LINE.fullmatch(line)
    if match is None:                       # obs-fold, "Name : value", a control character
        raise HTTPError(400, f"bad field line {line[:40]!r}")
    name, value = match.groups()
    return name.decode().lower(), value.strip(b" \t").decode("latin-1")


def parse_head(head: bytes) -> tuple[str, str, str, list[tuple[str, str]]]:
    """The head's lines (without the empty line that ends it) -> method, target, version and
    the fields as [(name, value), ...].  Connection.read_head has checked the sizes."""
    lines = head.split(b"\r\n")
    request_line = lines[0]
    field_lines = lines[1:]
    method, target, version = parse_request_line(request_line)
    fields = []
    for line in field_lines:
        fields.append(parse_field_line(line))
    return method, target, version, fields


def values_of(fields: list[tuple[str, str]], name: str) -> list[str]:
    """Every value of the field ``name`` (lower-case), in the order they came."""
    return [value for field_name, value in fields if field_name == name]


def split_target(method: str, target: str) -> tuple[str, str | None]:
    """Check the target's form against the method (RFC 9112 §3.2).

    Returns the target in origin-form ("/path?query", or "*") and the authority ("host:port")
    of an absolute-form target, which replaces the Host field (RFC 9112 §3.2.2), else None.
    """
    if target == "*":
        if method != "OPTIONS":
            raise HTTPError(400, "the target * is allowed only with OPTIONS")
        return target, None
    if method == "CONNECT":
        if AUTHORITY_FORM.fullmatch(target) is None:
            raise HTTPError(400, "CONNECT needs a host:port target")
        raise HTTPError(501, "CONNECT (a tunnel through a proxy) is not implemented here")
    if target.startswith("/"):
        return target, None
    match = ABSOLUTE_FORM.fullmatch(target)
    if match is None:
        raise HTTPError(400, "the target must start with / or be an absolute http(s) URI")
    authority, path = match.groups()
    if not path.startswith("/"):            # "http://host" or "http://host?q": path is "/"
        path = "/" + path
    return path, authority


def check_single_fields(version: str, fields: list[tuple[str, str]]) -> None:
    """Rule 2: at most one Host and one Content-Type; an HTTP/1.1 request must have a Host.

    RFC 9112 §3.2 for Host (also with an absolute-form target), RFC 9110 §5.3 for a field
    whose second value could not be combined with the first.
    """
    hosts = values_of(fields, "host")
    if len(hosts) > 1:
        raise HTTPError(400, "the Host field may appear only once")
    if version == "HTTP/1.1" and not hosts:
        raise HTTPError(400, "an HTTP/1.1 request needs a Host field")
    if len(values_of(fields, "content-type")) > 1:
        raise HTTPError(400, "the Content-Type field may appear only once")


def transfer_codings(values: list[str]) -> list[str]:
    """["gzip, chunked"] -> ["gzip", "chunked"]: lower-case, empty list elements skipped
    (RFC 9110 §5.6.1)."""
    codings = []
    for value in values:
        for coding in value.split(","):
            coding = coding.strip().lower()
            if coding:
                codings.append(coding)
    return codings


def body_framing(version: str, fields: list[tuple[str, str]]) -> int | None:
    """How the request body is delimited (RFC 9112 §6.3).

    Returns the body's length in bytes, or None when the body is chunked.
    """
    encodings = values_of(fields, "transfer-encoding")
    lengths = values_of(fields, "content-length")
    # A Transfer-Encoding field counts as soon as it is there, even with an empty value.
    if encodings and lengths:
        raise HTTPError(400, "Content-Length together with Transfer-Encoding")
    if encodings:
        if version == "HTTP/1.0":
            raise HTTPError(400, "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1)")
        codings = transfer_codings(encodings)
        if not codings or codings[-1] != "chunked":
            raise HTTPError(400, "chunked must be the final transfer coding (RFC 9112 §6.3)")
        if len(codings) > 1:
            raise HTTPError(501, "only the chunked transfer coding is implemented")
        return None
    if not lengths:
        return 0
    if len(lengths) > 1 or CONTENT_LENGTH_VALUE.fullmatch(lengths[0]) is None:
        raise HTTPError(400, "Content-Length must be one decimal number")
    length = int(lengths[0])
    if length > MAX_BODY:
        raise HTTPError(413, "body too large")
    return length


def connection_options(fields: list[tuple[str, str]]) -> set[str]:
    """The lower-case options of every Connection field: {"close"}, {"keep-alive"}, ..."""
    options = set()
    for value in values_of(fields, "connection"):
        for option in value.split(","):
            options.add(option.strip().lower())
    return options


def wants_keep_alive(version: str, fields: list[tuple[str, str]]) -> bool:
    """Rule 6: may this connection carry another request after this one?"""
    if version == "HTTP/1.1":
        return "close" not in connection_options(fields)
    return "keep-alive" in connection_options(fields)


def wants_continue(version: str, fields: list[tuple[str, str]]) -> bool:
    """Does the client wait for "100 Continue" before sending its body (RFC 9110 §10.1.1)?"""
    if version != "HTTP/1.1":
        return False
    for value in values_of(fields, "expect"):
        if value.lower() == "100-continue":     # the expectation is case-insensitive
            return True
    return False


# -- The environ (rule 3) -----------------------------------------------------------------------

def environ_key(field_name: str) -> str:
    """``content-type`` -> CONTENT_TYPE; ``x-user`` -> HTTP_X_USER (PEP 3333, CGI)."""
    key = field_name.upper().replace("-", "_")
    if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        return key
    return "HTTP_" + key


def build_environ(method, target, version, fields, body, server_addr, client_addr) -> dict:
    """The WSGI environ for one request whose body has been read whole."""
    path, _, query = target.partition("?")
    if path == "*":                         # OPTIONS * asks about the server, not a path
        path_info = ""
    else:
        path_info = unquote(path, encoding="latin-1")
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": server_addr[0],
        "SERVER_PORT": str(server_addr[1]),
        "SERVER_PROTOCOL": version,
        "REMOTE_ADDR": client_addr[0],
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in fields:
        if "_" in name:                     # X_User and X-User would both be HTTP_X_USER
            continue
        key = environ_key(name)
        if key not in environ:
            environ[key] = value
        elif key == "HTTP_COOKIE":          # cookies are separated by "; " (RFC 9113 §8.2.3)
            environ[key] = f"{environ[key]}; {value}"
        else:                               # a repeated field: its values joined by ", "
            environ[key] = f"{environ[key]}, {value}"
    environ["CONTENT_LENGTH"] = str(len(body))  # also for a chunked body, read whole
    return environ


# -- The response (rules 4 to 7) ----------------------------------------------------------------

def is_latin1(text: str) -> bool:
    """Can ``text`` go on the wire as it is?  PEP 3333 wants latin-1 in status and headers."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


class Progress(enum.Enum):
    """Where one response is."""
    NOT_STARTED = "the app has not called start_response yet"
    STARTED = "status and headers are recorded; nothing is sent"
    HEAD_SENT = "the head is on the wire; the status can no longer change"


class Framing(enum.Enum):
    """How the client learns where the response body ends (rule 5)."""
    UNDECIDED = "decided when the head is sent"
    NO_BODY = "HEAD, 1xx, 204 or 304: there is no body"
    APP_LENGTH = "the app's Content-Length; we count the bytes still owed"
    OUR_LENGTH = "our Content-Length, for a body known in advance"
    CHUNKED = "chunked transfer coding (HTTP/1.1)"
    UNTIL_CLOSE = "closing the connection ends the body (HTTP/1.0)"


def app_content_length(headers: list[tuple[str, str]]) -> int | None:
    """Rule 4: the app's Content-Length as a number, or None if it gave none.

    ValueError unless there is one field holding one decimal number: "-1", "5, 5" or two
    fields would frame the response in a way the body cannot keep.
    """
    values = [value for name, value in headers if name.lower() == "content-length"]
    if not values:
        return None
    if len(values) > 1 or CONTENT_LENGTH_VALUE.fullmatch(values[0]) is None:
        raise ValueError(f"start_response: Content-Length {values} must be one decimal number")
    return int(values[0])


def app_asks_to_close(headers: list[tuple[str, str]]) -> bool:
    """Rule 4: True if the app sent ``Connection: close``.

    Any other hop-by-hop field (Transfer-Encoding, Keep-Alive, another Connection value, ...)
    is a ValueError: PEP 3333 forbids them to apps, and wsgiref refuses them the same way.
    """
    asks_to_close = False
    for name, value in headers:
        lower_name = name.lower()
        if lower_name == "connection" and value.strip().lower() == "close":
            asks_to_close = True
        elif lower_name in HOP_BY_HOP_FIELDS:
            raise ValueError(f"start_response: {name} is a hop-by-hop field, which only the "
                             f"server may send (PEP 3333)")
    return asks_to_close


class Response:
    """start_response, write() and the framing of one response (rules 4 to 7)."""

    def __init__(self, sock: socket.socket, method: str, version: str, keep_alive: bool) -> None:
        self.sock = sock
        self.method = method
        self.version = version
        self.keep_alive = keep_alive
        self.progress = Progress.NOT_STARTED
        self.status: str | None = None
        self.headers: list[tuple[str, str]] = []    # without the app's Connection: close
        self.app_length: int | None = None          # the app's Content-Length, if it gave one
        self.framing = Framing.UNDECIDED
        self.bytes_owed = 0                         # under the app's Content-Length only

    def start_response(self, status: str, headers: list, exc_info=None):
        if exc_info and self.progress is Progress.HEAD_SENT:
            raise exc_info[1].with_traceback(exc_info[2])   # too late to change the status
        if self.progress is not Progress.NOT_STARTED and not exc_info:
            raise AssertionError("start_response called twice without exc_info (PEP 3333)")
        texts = [status]
        for name, value in headers:
            texts.append(name)
            texts.append(value)
        for text in texts:
            if type(text) is not str or any(c in text for c in "\r\n\0"):  # response splitting
                raise ValueError(f"start_response: {text!r} must be a str without CR/LF/NUL")
            if not is_latin1(text):
                raise ValueError(f"start_response: {text!r} is not latin-1 (PEP 3333)")
        if STATUS.fullmatch(status) is None:
            raise ValueError(f"start_response: status {status!r} is not like '200 OK'")
        for name, _ in headers:
            if FIELD_NAME.fullmatch(name) is None:
                raise ValueError(f"start_response: header name {name!r} is not a token")
        app_length = app_content_length(headers)
        if app_asks_to_close(headers):
            self.keep_alive = False
        self.status = status
        self.headers = [(name, value) for name, value in headers if name.lower() != "connection"]
        self.app_length = app_length
        self.progress = Progress.STARTED
        return self.write

    def status_code(self) -> int:
        return int(self.status[:3])         # start_response checked it is three digits

    def choose_framing(self, body_length: int | None) -> Framing:
        """Rule 5: no body, else the app's length, else ours, else chunks (1.1), else close."""
        if self.method == "HEAD" or self.status_code() in NO_BODY_STATUSES:
            return Framing.NO_BODY
        if self.app_length is not None:
            return Framing.APP_LENGTH
        if body_length is not None:
            return Framing.OUR_LENGTH
        if self.version == "HTTP/1.1":
            return Framing.CHUNKED
        return Framing.UNTIL_CLOSE

    def build_and_commit_head(self, body_length: int | None) -> bytes:
        """Decide the framing and keep-alive for good, and return the head's bytes.

        ``body_length`` is the whole body's length when the server knows it, else None.  The
        caller sends the bytes, and only then marks the head as sent (rule 7).
        """
        if self.progress is Progress.NOT_STARTED:
            raise RuntimeError("the app did not call start_response (PEP 3333)")
        self.framing = self.choose_framing(body_length)
        if self.framing is Framing.APP_LENGTH:
            self.bytes_owed = self.app_length
        if self.framing is Framing.UNTIL_CLOSE:
            self.keep_alive = False
        lines = [f"HTTP/1.1 {self.status}", f"Date: {format_date_time(time.time())}"]
        for name, value in self.headers:
            lines.append(f"{name}: {value}")
        if self.framing is Framing.OUR_LENGTH:
            lines.append(f"Content-Length: {body_length}")
        if self.framing is Framing.CHUNKED:
            lines.append("Transfer-Encoding: chunked")
        if self.keep_alive:
            lines.append("Connection: keep-alive")
        else:
            lines.append("Connection: close")
        text = "\r\n".join(lines) + "\r\n\r\n"
        return text.encode("latin-1")

    def framed(self, data: bytes) -> bytes:
        """Rule 5: the bytes that carry ``data`` under the framing chosen for the head."""
        if self.framing is Framing.NO_BODY:
            return b""
        if self.framing is Framing.APP_LENGTH:  # PEP 3333: never more than Content-Length
            data = data[:self.bytes_owed]
            self.bytes_owed -= len(data)
            return data
        if self.framing is Framing.CHUNKED:
            # One chunk (RFC 9112 §7.1): its size in hex, CRLF, the data, CRLF.
            size_line = f"{len(data):X}\r\n".encode()
            return size_line + data + b"\r\n"
        return data                             # our Content-Length, or until close

    def send(self, data: bytes, body_length: int | None = None) -> None:
        """Send one part of the body, with the head in front of the first non-empty part."""
        if type(data) is not bytes:
            raise TypeError(f"the body must be bytes, not {type(data).__name__} (PEP 3333)")
        if not data:
            # Rule 4: the head waits for a non-empty part.  And an empty part, framed as a
            # chunk, would read "0\r\n\r\n": the last chunk, ending the body too early.
            return
        head = b""
        if self.progress is not Progress.HEAD_SENT:
            head = self.build_and_commit_head(body_length)
        self.sock.sendall(head + self.framed(data))     # one send: head and data in one packet
        self.progress = Progress.HEAD_SENT

    def write(self, data: bytes) -> None:
        """The write() callable that start_response returns (PEP 3333)."""
        self.send(data)

    def finish(self) -> None:
        """After the app's last part: the head if nothing was sent yet, the last chunk."""
        if self.progress is not Progress.HEAD_SENT:     # an empty body: the head alone
            self.sock.sendall(self.build_and_commit_head(0))
            self.progress = Progress.HEAD_SENT
        if self.framing is Framing.CHUNKED:
            self.sock.sendall(b"0\r\n\r\n")             # the last chunk: size 0
        if self.short_of_its_length():
            self.keep_alive = False     # only closing tells the client the body is short

    def short_of_its_length(self) -> bool:
        """Did the app send fewer bytes than its own Content-Length promised?"""
        return self.framing is Framing.APP_LENGTH and self.bytes_owed > 0

    def run(self, app, environ: dict) -> None:
        """Call the app and send what it returns (rules 4, 5 and 7)."""
        result = None                       # the app's iterable: close() it on every path
        try:
            result = app(environ, self.start_response)
            if isinstance(result, list):    # the whole body is known: one send, with length
                body = b"".join(result)
                self.send(body, body_length=len(body))
            else:
                for part in result:
                    self.send(part)
                    if self.framing is Framing.APP_LENGTH and self.bytes_owed == 0:
                        break               # enough: stop iterating (PEP 3333)
            self.finish()
        except Exception as exc:
            if self.progress is Progress.HEAD_SENT:
                raise                       # too late for a 500: the connection is dropped
            traceback.print_exc()
            raise HTTPError(500, "the application failed (see the server's log)") from exc
        finally:
            if hasattr(result, "close"):
                result.close()


# -- One connection (rules 1, 6 and 8) ----------------------------------------------------------

class Connection:
    """One client: requests read from a buffer that is refilled from the socket.

    The deadline is per request, not per recv, so a client that sends a byte a second cannot
    hold a thread (slow loris).
    """

    def __init__(self, sock: socket.socket, client: tuple, timeout: float) -> None:
        self.sock = sock
        self.client = client
        self.timeout = timeout
        self.buffer = b""
        self.deadline = 0.0                 # set when a request's first byte arrives (rule 1)
        self.answered = 0                   # responses sent on this connection (rule 8)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def fill(self) -> None:
        """Wait (until the deadline) for more bytes from the client."""
        time_left = self.deadline - time.monotonic()
        self.sock.settimeout(max(time_left, 0.001))
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            raise HTTPError(408, "request too slow") from None
        if not data:
            raise EOFError
        self.buffer += data

    def read_exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self.fill()
        data = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return data

    def read_line(self, limit: int, status: int) -> bytes:
        """The bytes before the next CRLF (which is consumed too), at most ``limit`` of them.

        A longer line is refused with ``status`` once the buffer holds more than ``limit`` + 2
        bytes and still no CRLF: the line and its CRLF can no longer fit in the limit.
        """
        end = self.buffer.find(b"\r\n")
        while end < 0:
            if len(self.buffer) > limit + 2:
                raise HTTPError(status, f"more than {limit} bytes without a CRLF")
            self.fill()
            end = self.buffer.find(b"\r\n")
        if end > limit:
            raise HTTPError(status, f"a line longer than {limit} bytes")
        line = self.read_exactly(end + 2)
        return line[:end]

    def read_head(self) -> bytes:
        """Rule 1: the head's lines, up to the empty line that ends it, with every limit."""
        request_line = self.read_line(MAX_LINE, 414)
        if request_line == b"":
            # RFC 9112 §2.2: a server SHOULD ignore at least one empty line (CRLF) before the
            # request line (some old clients send one after a POST body).  We ignore one.
            request_line = self.read_line(MAX_LINE, 414)
        field_lines = []
        head_size = len(request_line) + 2           # + 2 for the CRLF
        line = self.read_line(MAX_LINE, 431)
        while line:
            field_lines.append(line)
            head_size += len(line) + 2
            if len(field_lines) > MAX_HEADERS or head_size > MAX_HEAD:
                raise HTTPError(431, "too many or too large header fields")
            line = self.read_line(MAX_LINE, 431)
        return b"\r\n".join([request_line, *field_lines])

    def read_chunked_body(self) -> bytes:
        """RFC 9112 §7.1: chunk-size line, data, CRLF, ..., a 0 chunk, trailer fields."""
        body = bytearray()
        while True:
            size_line = self.read_line(MAX_LINE, 400)
            match = CHUNK_SIZE_LINE.fullmatch(size_line)
            if match is None:
                raise HTTPError(400, "bad chunk size line")
            size = int(match[1], 16)
            if size == 0:
                break
            if len(body) + size > MAX_BODY:
                raise HTTPError(413, "body too large")
            body += self.read_exactly(size)
            if self.read_exactly(2) != b"\r\n":
                raise HTTPError(400, "chunk data not followed by CRLF")
        self.read_trailers()
        return bytes(body)

    def read_trailers(self) -> None:
        """Trailer fields, up to an empty line: checked, then ignored (RFC 9110 §6.5)."""
        count = 0
        line = self.read_line(MAX_LINE, 431)
        while line:
            count += 1
            if count > MAX_HEADERS:
                raise HTTPError(431, "too many trailer fields")
            name, _ = parse_field_line(line)
            if name in FORBIDDEN_TRAILERS:
                raise HTTPError(400, f"{name} may not be sent as a trailer (RFC 9110 §6.5.1)")
            line = self.read_line(MAX_LINE, 431)

    def wait_for_next_request(self, waiting: queue.Queue) -> bool:
        """Rule 8: wait for the first byte of the next request -- or of the first request, on
        a new connection.  False means: close the connection without an answer."""
        give_up_at = time.monotonic() + self.timeout
        while not self.buffer:
            # select() handles sockets numbered below 1024 only (FD_SETSIZE): enough here.
            readable, _, _ = select.select([self.sock], [], [], IDLE_POLL)
            if readable:
                return True
            if self.answered > 0 and not waiting.empty():
                return False                # idle after a response, and others need a thread
            if time.monotonic() > give_up_at:
                return False                # silent for --timeout seconds
        return True

    def refuse(self, error: HTTPError) -> None:
        """Answer a refused request, then read what the client still sends, and close.

        Closing a socket with unread bytes in it makes the kernel reset the connection, which
        could destroy the answer before the client reads it.
        """
        self.sock.settimeout(1.0)
        self.sock.sendall(error.answer)
        self.sock.shutdown(socket.SHUT_WR)
        drained = 0
        while drained < DRAIN_LIMIT:
            data = self.sock.recv(65536)
            if not data:
                break                       # the client closed its side too
            drained += len(data)

    def serve(self, app, waiting: queue.Queue) -> None:
        """Serve requests on this connection for as long as keep-alive allows."""
        with self.sock:
            try:
                keep_alive = True
                while keep_alive:
                    keep_alive = self.serve_one(app, waiting)
            except (OSError, EOFError):
                pass                        # the client went away
            except Exception:               # a bug, or the app failed after the head:
                traceback.print_exc()       # log it, drop the connection, keep the thread

    def serve_one(self, app, waiting: queue.Queue) -> bool:
        """Read one request, run the app, answer.  True if the connection stays open."""
        if not self.wait_for_next_request(waiting):
            return False
        self.deadline = time.monotonic() + self.timeout     # from the first byte (rule 1)
        try:
            head = self.read_head()
            method, target, version, fields = parse_head(head)
            target, authority = split_target(method, target)
            check_single_fields(version, fields)    # on the Host fields as they came
            length = body_framing(version, fields)
            if authority is not None:       # RFC 9112 §3.2.2: the target's host wins
                fields = [(name, value) for name, value in fields if name != "host"]
                fields.append(("host", authority))
            if wants_continue(version, fields):
                self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            if length is None:
                body = self.read_chunked_body()
            else:
                body = self.read_exactly(length)
            keep_alive = wants_keep_alive(version, fields)
            response = Response(self.sock, method, version, keep_alive)
            self.sock.settimeout(self.timeout)
            server_addr = self.sock.getsockname()
            environ = build_environ(method, target, version, fields, body, server_addr,
                                    self.client)
            response.run(app, environ)
            self.answered += 1
            return response.keep_alive
        except HTTPError as error:
            self.refuse(error)
            return False


def demo_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [f"Hello from chapter 04! You asked for {environ['PATH_INFO']}\n".encode()]


def load_app(spec: str):
    """``module:callable`` -> the app; "" -> demo_app."""
    if not spec:
        return demo_app
    module_name, _, attribute = spec.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute or "app")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--app", default="", help="module:callable (default: demo_app)")
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    app = load_app(args.app)
    waiting: queue.Queue = queue.Queue()    # non-empty only while every thread is busy

    def work() -> None:                     # a pool thread: one connection after another
        while True:
            sock, client = waiting.get()
            Connection(sock, client, args.timeout).serve(app, waiting)

    for _ in range(args.threads):
        threading.Thread(target=work, daemon=True).start()
    for signum in (signal.SIGINT, signal.SIGTERM):  # stop cleanly, without a traceback
        signal.signal(signum, lambda *_: sys.exit(0))
    with socket.create_server((args.host, args.port), backlog=1024) as listener:
        print(f"Listening on http://{args.host}:{args.port} ({args.threads} threads)", flush=True)
        while True:
            waiting.put(listener.accept())


if __name__ == "__main__":
    main()
