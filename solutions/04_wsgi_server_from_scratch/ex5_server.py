"""Exercise 4.5 -- your own WSGI server, graded by real clients.  (Reference solution:
the chapter's code/04_wsgi_server_from_scratch/server.py with this exercise's signatures.)

Put the pieces of exercises 4.1-4.4 together (copy your functions into this file) and write
the two functions at the bottom: ``handle_connection`` serves one client socket, ``serve``
listens and hands connections to a fixed pool of threads.  ``app`` and ``main`` are given.

Run it:    python exercises/04_wsgi_server_from_scratch/ex5_server.py --port 8000
Try:       curl -i http://127.0.0.1:8000/echo?x=1 -d 'hi'
           curl -i http://127.0.0.1:8000/stream
           python code/04_wsgi_server_from_scratch/malformed.py --port 8000

The graded tests start it exactly like that (``python ex5_server.py --host H --port P``), wait
until it accepts connections, and then talk to it with ``requests`` and raw sockets.

Rules (the chapter's server.py keeps all of them; read it after you try):

* ``serve`` prints ``Listening on http://HOST:PORT`` (flushed) once it listens, and serves
  connections from a fixed pool of ``threads`` threads -- no thread per request.
* Each request: a head of CRLF-terminated lines ending in an empty line, at most 8 KiB per
  line and 64 KiB in all; the body by Content-Length or ``Transfer-Encoding: chunked``; then
  the ``environ`` (4.1), ``start_response`` semantics (4.2), the response framed with
  Content-Length, chunked or close (4.3), and kept alive or closed (4.4).
* ``close()`` is called on the app's iterable on every path; an exception before anything
  was sent is answered ``500`` (and the connection is closed).
* Malformed input is answered ``400`` (a few cases allow another code: 413, 414, 431, 501,
  505) and the connection is **closed**: Content-Length together with Transfer-Encoding,
  several or non-decimal Content-Lengths, a transfer coding other than ``chunked``, bad
  chunk sizes, obs-fold (a field line starting with a space), a space before the colon,
  a field line without a colon, control characters, a missing Host in HTTP/1.1, a second
  Host or Content-Type field, a request line that is not ``METHOD SP target SP HTTP/1.x``,
  a target whose form the method does not allow (RFC 9112 §3.2: ``*`` only with OPTIONS,
  ``host:port`` only with CONNECT, otherwise ``/...`` or an absolute URI), a trailer field
  that may not be a trailer (Content-Length, Host, ... RFC 9110 §6.5.1), and a line longer
  than the limit even before its CRLF arrives (never buffer without a bound).
* Valid input is accepted: field names in any case (``content-length``), an absolute-form
  target (``GET http://host/path`` -- PATH_INFO is ``/path``), and a request that arrives in
  many small pieces (TCP is a stream: one ``recv`` may hold a few bytes or several requests).
* After an error answer, ``shutdown(SHUT_WR)`` and read what the client still sends before
  closing (a "lingering close"): closing a socket with unread bytes makes the kernel reset
  the connection, and the client may lose your 400 before it reads it.
* A client that has not sent a complete head within ``timeout`` seconds gets ``408`` and
  the connection is closed; an idle kept-alive connection is simply closed.
* One bad client never stops the server: the next request still gets its 200.
"""

from __future__ import annotations

import argparse
import io
import json
import queue
import re
import select
import signal
import socket
import sys
import threading
import time
import traceback
from email.utils import formatdate
from urllib.parse import unquote, urlsplit
from wsgiref.validate import validator


def _demo(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/stream":                       # a generator: no Content-Length known
        start_response("200 OK", [("Content-Type", "text/plain")])
        return (part for part in [b"one\n", b"", b"two\n", b"three\n"])
    if path == "/":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"Hello from exercise 4.5\n"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    data = json.dumps({"method": environ["REQUEST_METHOD"], "path": environ["PATH_INFO"],
                       "query": environ["QUERY_STRING"], "body": body.decode("latin-1"),
                       "protocol": environ["SERVER_PROTOCOL"]}).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(data)))])
    return [data]


app = validator(_demo)        # every PEP 3333 mistake of the server becomes a 500


POOL = None                          # the thread pool, once serve() has started it
MAX_LINE, MAX_HEADERS, MAX_HEAD, MAX_BODY = 8190, 100, 65536, 1 << 20
TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
CTL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")           # HTAB is allowed in field values
TARGET = re.compile(rb"[\x21-\x7e]+")                     # visible ASCII, no spaces
VERSION = re.compile(rb"HTTP/(\d)\.(\d)")
DECIMAL = re.compile(r"[0-9]{1,15}")
STATUS = re.compile(r"[1-9][0-9][0-9] [^\r\n]*")
CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,8})[ \t]*(;[^\x00-\x08\x0a-\x1f\x7f]*)?")
# RFC 9110 §6.5.1: fields that may not be sent as trailers (framing, routing, modifiers, ...)
FORBIDDEN_TRAILERS = {"content-length", "transfer-encoding", "host", "trailer", "te",
                      "connection", "keep-alive", "upgrade", "expect", "max-forwards",
                      "cache-control", "pragma", "range", "if-match", "if-none-match",
                      "if-modified-since", "if-unmodified-since", "if-range", "authorization",
                      "proxy-authorization", "cookie", "content-type", "content-encoding",
                      "content-range"}
SINGLETONS = ("host", "content-type")                     # a second one is refused
ABSOLUTE_FORM = re.compile(r"(?i:https?)://[^/?#]*[^#]*")
AUTHORITY_FORM = re.compile(r"[^/?#@\s]+:[0-9]+")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "transfer-encoding", "upgrade"}
REASONS = {400: "Bad Request", 408: "Request Timeout", 413: "Content Too Large",
           414: "URI Too Long", 431: "Request Header Fields Too Large",
           500: "Internal Server Error", 501: "Not Implemented",
           505: "HTTP Version Not Supported"}


class HTTPError(Exception):
    """A request we refuse: answered with ``status`` and then the connection is closed."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


class Reader:
    """The bytes of one connection: a buffer we parse from, refilled from the socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.buf = sock, b""

    def fill(self, deadline: float) -> None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        self.sock.settimeout(left)
        data = self.sock.recv(65536)
        if not data:
            raise EOFError
        self.buf += data

    def head(self, deadline: float) -> bytes:
        while (end := self.buf.lstrip(b"\r\n").find(b"\r\n\r\n")) < 0:
            if b"\r\n" not in self.buf[:MAX_LINE + 2] and len(self.buf) > MAX_LINE:
                raise HTTPError(414, "request line too long")
            if len(self.buf) > MAX_HEAD:
                raise HTTPError(431, "request head too large")
            self.fill(deadline)
        if end > MAX_HEAD:                      # it arrived whole, in one recv: still too large
            raise HTTPError(431, "request head too large")
        self.buf = self.buf.lstrip(b"\r\n")     # empty lines before a request are ignored
        head, self.buf = self.buf[:end], self.buf[end + 4:]
        return head

    def exactly(self, n: int, deadline: float) -> bytes:
        while len(self.buf) < n:
            self.fill(deadline)
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def line(self, deadline: float) -> bytes:
        while (end := self.buf.find(b"\r\n")) < 0:
            if len(self.buf) > MAX_LINE:
                raise HTTPError(400, "chunk line too long")
            self.fill(deadline)
        line, self.buf = self.buf[:end], self.buf[end + 2:]
        return line

    def chunked(self, deadline: float) -> bytes:
        body = bytearray()
        while True:
            match = CHUNK_SIZE.fullmatch(self.line(deadline))
            if not match:
                raise HTTPError(400, "bad chunk size line")
            size = int(match[1], 16)
            if len(body) + size > MAX_BODY:
                raise HTTPError(413, "body too large")
            if size == 0:
                break
            body += self.exactly(size, deadline)
            if self.exactly(2, deadline) != b"\r\n":
                raise HTTPError(400, "chunk data not followed by CRLF")
        for _ in range(MAX_HEADERS):            # trailer fields: read, checked, ignored
            trailer = self.line(deadline)
            if not trailer:
                return bytes(body)
            name, colon, _ = trailer.partition(b":")
            if CTL.search(trailer) or not colon or not TOKEN.fullmatch(name):
                raise HTTPError(400, "bad trailer field")
            if name.decode("ascii").lower() in FORBIDDEN_TRAILERS:
                raise HTTPError(400, f"{name.decode()} may not be a trailer (RFC 9110 §6.5.1)")
        raise HTTPError(431, "too many trailer fields")


def parse_head(head: bytes) -> tuple[str, str, str, list[tuple[str, str]]]:
    """Request line and fields -> (method, target, version, [(lower-case name, value)])."""
    request_line, *lines = head.split(b"\r\n")
    if len(request_line) > MAX_LINE:
        raise HTTPError(414, "request line too long")
    parts = request_line.split(b" ")
    if len(parts) != 3 or not TOKEN.fullmatch(parts[0]) or not TARGET.fullmatch(parts[1]):
        raise HTTPError(400, "request line must be METHOD SP target SP HTTP/x.y")
    version = VERSION.fullmatch(parts[2])
    if not version:
        raise HTTPError(400, "bad HTTP version")
    if version[1] != b"1":
        raise HTTPError(505, "only HTTP/1.0 and HTTP/1.1 are served here")
    if len(lines) > MAX_HEADERS or any(len(line) > MAX_LINE for line in lines):
        raise HTTPError(431, "too many or too large header fields")
    fields = []
    for line in lines:
        name, colon, value = line.partition(b":")
        if line[:1] in (b" ", b"\t"):
            raise HTTPError(400, "obsolete line folding (obs-fold)")
        if not colon or not TOKEN.fullmatch(name):
            raise HTTPError(400, "bad header field name")
        value = value.strip(b" \t")
        if CTL.search(value):
            raise HTTPError(400, "control character in a header value")
        fields.append((name.decode("ascii").lower(), value.decode("latin-1")))
    method, target = parts[0].decode("ascii"), parts[1].decode("ascii")
    check_target_form(method, target)
    return method, target, parts[2].decode("ascii"), fields


def check_target_form(method: str, target: str) -> None:
    """RFC 9112 §3.2: * only with OPTIONS, host:port only with CONNECT, else /... or a URI."""
    if target == "*":
        if method != "OPTIONS":
            raise HTTPError(400, "the target * is allowed only with OPTIONS")
    elif method == "CONNECT":
        if not AUTHORITY_FORM.fullmatch(target):
            raise HTTPError(400, "CONNECT needs a host:port target")
        raise HTTPError(501, "CONNECT is not implemented here")
    elif not target.startswith("/") and not ABSOLUTE_FORM.fullmatch(target):
        raise HTTPError(400, "the target must start with / or be an absolute http(s) URI")


def body_framing(version: str, fields: list[tuple[str, str]]) -> int | None:
    """How the request body is delimited: a length in bytes, or None for chunked."""
    te = [v for n, v in fields if n == "transfer-encoding"]
    cl = [v for n, v in fields if n == "content-length"]
    hosts = sum(n == "host" for n, _ in fields)
    if hosts > 1 or (version == "HTTP/1.1" and hosts == 0):
        raise HTTPError(400, "an HTTP/1.1 request needs exactly one Host field")
    for name in SINGLETONS:
        if sum(n == name for n, _ in fields) > 1:
            raise HTTPError(400, f"the {name} field may appear only once")
    if te and cl:
        raise HTTPError(400, "Content-Length together with Transfer-Encoding")
    if te:
        codings = [c.strip().lower() for c in ",".join(te).split(",")]
        if version == "HTTP/1.0" or codings[-1] != "chunked":
            raise HTTPError(400, "chunked must be the final transfer coding")
        if len(codings) > 1:
            raise HTTPError(501, "only the chunked transfer coding is implemented")
        return None
    if len(cl) > 1 or (cl and not DECIMAL.fullmatch(cl[0])):
        raise HTTPError(400, "Content-Length must be one decimal number")
    if cl and int(cl[0]) > MAX_BODY:
        raise HTTPError(413, "body too large")
    return int(cl[0]) if cl else 0


def build_environ(method, target, version, fields, body, server_addr, client_addr) -> dict:
    if target.lower().startswith(("http://", "https://")):   # absolute-form (RFC 9112 §3.2.2)
        parts = urlsplit(target)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    path, _, query = target.partition("?")
    environ = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "QUERY_STRING": query,
        "PATH_INFO": "" if path == "*" else unquote(path, encoding="latin-1"),
        "SERVER_NAME": server_addr[0], "SERVER_PORT": str(server_addr[1]),
        "SERVER_PROTOCOL": version, "REMOTE_ADDR": client_addr[0],
        "REMOTE_PORT": str(client_addr[1]), "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
        "wsgi.multiprocess": False, "wsgi.run_once": False, "wsgi.input_terminated": True,
    }
    for name, value in fields:
        if "_" in name:
            continue
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        environ[key] = f"{environ[key]}, {value}" if key in environ else value
    if body or "CONTENT_LENGTH" in environ or "HTTP_TRANSFER_ENCODING" in environ:
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


_date = [0, ""]                                 # (second, Date header), shared by threads


def http_date() -> str:
    now = int(time.time())
    if now != _date[0]:
        _date[:] = [now, formatdate(now, usegmt=True)]
    return _date[1]


def tokens(fields: list[tuple[str, str]], name: str) -> set[str]:
    """The comma-separated, case-insensitive tokens of every ``name`` field (Connection: a, b)."""
    return {t.strip().lower() for n, v in fields if n == name for t in v.split(",")}


def error_bytes(status: int, why: str) -> bytes:
    body = f"{status} {REASONS[status]}: {why}\n".encode()
    return (f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: text/plain\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


class Response:
    """start_response, write() and the framing of one response (rules 4, 5 and 6)."""

    def __init__(self, sock: socket.socket, method: str, version: str, keep_alive: bool) -> None:
        self.sock, self.method, self.version, self.keep_alive = sock, method, version, keep_alive
        self.status = self.headers = self.length = None
        self.head_sent = self.chunked = self.bodyless = False
        self.sent = 0

    def start_response(self, status: str, headers: list, exc_info=None):
        if exc_info:
            try:
                if self.head_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self.status is not None:
            raise AssertionError("start_response called twice without exc_info (PEP 3333)")
        if not (type(status) is str and STATUS.fullmatch(status)):
            raise AssertionError(f"status must be a str like '200 OK', got {status!r}")
        for name, value in headers:
            try:                                # tokens and latin-1 text, no CR/LF injection
                ok = TOKEN.fullmatch(name.encode("latin-1")) and not CTL.search(
                    value.encode("latin-1"))
            except (AttributeError, UnicodeEncodeError):
                ok = False
            if not ok:
                raise AssertionError(f"bad header {name!r}: {value!r} (PEP 3333: str, latin-1)")
            if name.lower() in HOP_BY_HOP:
                raise AssertionError(f"hop-by-hop header {name!r} is the server's business")
        self.status, self.headers = status, list(headers)
        return self.write

    def head(self, known_length: int | None) -> bytes:
        code = int(self.status[:3])
        self.bodyless = self.method == "HEAD" or code < 200 or code in (204, 304)
        lines = [f"HTTP/1.1 {self.status}", f"Date: {http_date()}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        given = [v for n, v in self.headers if n.lower() == "content-length"]
        if given:
            self.length = int(given[0])
        elif known_length is not None and code >= 200 and code not in (204, 304):
            self.length = known_length
            lines.append(f"Content-Length: {known_length}")
        elif self.bodyless:
            pass
        elif self.version == "HTTP/1.1":
            self.chunked = True
            lines.append("Transfer-Encoding: chunked")
        else:
            self.keep_alive = False
        lines.append("Connection: keep-alive" if self.keep_alive else "Connection: close")
        self.head_sent = True
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def write(self, data: bytes, known_length: int | None = None) -> None:
        if self.status is None:
            raise AssertionError("write() before start_response() (PEP 3333)")
        if type(data) is not bytes:
            raise TypeError(f"body chunks must be bytes, got {type(data).__name__}")
        if not data:
            return
        head = b"" if self.head_sent else self.head(known_length)
        if self.bodyless:
            data = b""
        elif self.chunked:
            data = b"%X\r\n%b\r\n" % (len(data), data)
        elif self.length is not None:
            data = data[:max(0, self.length - self.sent)]
        self.sent += len(data)
        self.sock.sendall(head + data)

    def finish(self) -> None:
        if self.status is None:
            raise AssertionError("the app returned without calling start_response")
        if not self.head_sent:
            self.sock.sendall(self.head(0))
        elif self.chunked:
            self.sock.sendall(b"0\r\n\r\n")
        if self.length is not None and not self.bodyless and self.sent != self.length:
            self.keep_alive = False             # the client cannot tell where the body ends


def run_app(app, environ: dict, response: Response) -> None:
    result = None
    try:
        result = app(environ, response.start_response)
        if isinstance(result, list):            # the whole body is known: one send, with length
            body = b"".join(result)
            if body:
                response.write(body, known_length=len(body))
        else:
            for chunk in result:
                response.write(chunk)
        response.finish()
    except Exception as exc:
        response.keep_alive = False
        if response.head_sent and isinstance(exc, (ConnectionError, TimeoutError)):
            return                              # the client went away or stopped reading
        traceback.print_exc(file=sys.stderr)
        if not response.head_sent:
            response.sock.sendall(error_bytes(500, "the application raised an exception"))
    finally:
        if hasattr(result, "close"):
            result.close()


def handle_connection(sock: socket.socket, client: tuple[str, int], app, *,
                      server: tuple[str, int] = ("127.0.0.1", 8000),
                      timeout: float = 5.0) -> None:
    reader, server_addr = Reader(sock), server
    try:
        while True:
            deadline = time.monotonic() + timeout
            while not reader.buf and not select.select([sock], [], [], 0.1)[0]:
                if (POOL and POOL.starved()) or time.monotonic() > deadline:
                    return                      # idle: timed out, or rule 8 (others wait)
            try:
                method, target, version, fields = parse_head(reader.head(deadline))
                length = body_framing(version, fields)
                connection = tokens(fields, "connection")
                if version == "HTTP/1.1" and "100-continue" in tokens(fields, "expect"):
                    sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                body = reader.chunked(deadline) if length is None else \
                    reader.exactly(length, deadline)
            except HTTPError as exc:
                return refuse(sock, error_bytes(exc.status, str(exc)))
            except TimeoutError:
                return refuse(sock, error_bytes(408, "request too slow")) if reader.buf else None
            keep_alive = ("close" not in connection if version == "HTTP/1.1"
                          else "keep-alive" in connection)
            environ = build_environ(method, target, version, fields, body, server_addr, client)
            response = Response(sock, method, version, keep_alive)
            sock.settimeout(timeout)
            run_app(app, environ, response)
            if not response.keep_alive:
                return
    except (OSError, EOFError):
        pass                                    # the client went away
    finally:
        sock.close()


def refuse(sock: socket.socket, answer: bytes) -> None:
    """Send the error, then read (briefly) what the client still sends: a lingering close,
    so closing with unread bytes does not reset the connection and destroy the answer."""
    sock.settimeout(1.0)
    sock.sendall(answer)
    sock.shutdown(socket.SHUT_WR)
    for _ in range(16):
        if not sock.recv(65536):
            break


class Pool:
    """A fixed set of worker threads serving the connections put in ``waiting`` (rule 8)."""

    def __init__(self, size: int, handle) -> None:
        self.size, self.busy, self.lock, self.waiting = size, 0, threading.Lock(), queue.Queue()
        for _ in range(size):
            threading.Thread(target=self.work, args=(handle,), daemon=True).start()

    def work(self, handle) -> None:
        while True:
            sock, client = self.waiting.get()
            with self.lock:
                self.busy += 1
            try:
                handle(sock, client)
            except Exception:                   # a bug must not cost us a thread
                traceback.print_exc(file=sys.stderr)
            finally:
                with self.lock:
                    self.busy -= 1

    def starved(self) -> bool:
        """Every thread is busy and connections are waiting for one."""
        return self.busy >= self.size and not self.waiting.empty()


def serve(app, host: str = "127.0.0.1", port: int = 8000, *, threads: int = 16,
          timeout: float = 5.0) -> None:
    """Listen on host:port, print 'Listening on http://HOST:PORT', serve forever."""
    global POOL
    listener = socket.create_server((host, port), backlog=1024)
    POOL = Pool(threads, lambda sock, client: handle_connection(
        sock, client, app, server=(host, port), timeout=timeout))
    print(f"Listening on http://{host}:{port}", flush=True)
    with listener:
        while True:
            sock, client = listener.accept()
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            POOL.waiting.put((sock, client))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="exercise 4.5: a WSGI server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve(app, args.host, args.port, threads=args.threads, timeout=args.timeout)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
