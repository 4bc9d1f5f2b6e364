"""A small, strict, threaded WSGI server for teaching (not production: no TLS, HTTP/2, reload).

Run it:  python code/04_wsgi_server_from_scratch/server.py [--app apps:suite]  (default: demo_app)
Try:     curl -i http://127.0.0.1:8000/hello?name=you -d 'some body'
         printf 'GET / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\n'\\
'Transfer-Encoding: chunked\\r\\n\\r\\n' | nc 127.0.0.1 8000    (400: a smuggling attempt)
The rules it keeps (PEP 3333 over HTTP/1.1; deploy real apps with gunicorn, chapter 06):
 1. Reading.  Within --timeout s (else 408): a request line <= MAX_LINE bytes (414), a head <=
    MAX_HEAD with <= MAX_HEADERS fields (431), a body <= MAX_BODY (413).  One empty line may lead.
 2. Refusing.  CL with TE, a bad or repeated CL, obs-fold, a bad field, chunk or request line, no
    Host in 1.1: 400; a coding other than chunked: 501; HTTP/2+: 505.  Then close: no smuggling.
 3. The environ.  Body read whole (wsgi.input: a BytesIO); PATH_INFO latin-1; "_" names dropped.
 4. start_response checks (native strings, no CR/LF) and records (again only with exc_info); the
    head goes with the first non-empty chunk.
 5. Framing.  The app's Content-Length (never more bytes; fewer: close), else ours for a list,
    else chunked (1.1) or close (1.0).
    HEAD, 1xx, 204 and 304 have no body.  The head and the first chunk go out in one send.
 6. Keep-alive.  HTTP/1.1 unless "Connection: close"; 1.0 only with "keep-alive"; not after errors.
 7. Always.  close() on every path; an app error is a 500 before the head, else a cut connection.
 8. Pool.  A fixed set of --threads threads; while connections wait, idle (0.1 s) ones are closed.
"""

import argparse
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

MAX_LINE, MAX_HEADERS, MAX_HEAD, MAX_BODY = 8190, 100, 65536, 1 << 20
TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"                # a method, a field name
REQUEST_LINE = re.compile(rb"(%s) ([\x21-\x7e]+) HTTP/(\d)\.(\d)" % TOKEN)   # no space in target
FIELD = re.compile(rb"(%s):([^\x00-\x08\x0a-\x1f\x7f]*)" % TOKEN)    # no control chars but HTAB
CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,8})[ \t]*(;[^\x00-\x08\x0a-\x1f\x7f]*)?")
NO_BODY = {*range(100, 200), 204, 304}          # responses with these statuses have no body


class HTTPError(Exception):
    """A request we refuse: ``answer`` (a ``status`` response) is sent, the connection closed."""
    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status, line = status, f"{status} {HTTPStatus(status).phrase}"
        self.answer = (f"HTTP/1.1 {line}\r\nContent-Length: {len(line + why) + 3}\r\n"  # + ": \n"
                       f"Connection: close\r\n\r\n{line}: {why}\n").encode()


def parse_head(head: bytes) -> tuple[str, str, str, list[tuple[str, str]]]:
    """Request line and fields -> (method, target, version, [(lower-case name, value)])."""
    request_line, *lines = head.lstrip(b"\r\n").split(b"\r\n")
    if len(request_line) > MAX_LINE:
        raise HTTPError(414, "request line too long")
    if not (match := REQUEST_LINE.fullmatch(request_line)):
        raise HTTPError(400, "request line must be METHOD SP target SP HTTP/x.y")
    if match[3] != b"1":
        raise HTTPError(505, "only HTTP/1.0 and HTTP/1.1 are served here")
    if len(lines) > MAX_HEADERS or any(len(line) > MAX_LINE for line in lines):
        raise HTTPError(431, "too many or too large header fields")
    if not all(fields := [FIELD.fullmatch(line) for line in lines]):   # obs-fold, "Name :"...
        raise HTTPError(400, f"bad field line {lines[fields.index(None)][:40]!r}")
    return (match[1].decode(), match[2].decode(), f"HTTP/1.{match[4].decode()}",
            [(f[1].decode().lower(), f[2].strip(b" \t").decode("latin-1")) for f in fields])


def body_framing(version: str, fields: list[tuple[str, str]]) -> int | None:
    """How the request body is delimited (RFC 9112 §6.3): a length in bytes, None for chunked."""
    te = ",".join(v for n, v in fields if n == "transfer-encoding").lower()
    cl = [v for n, v in fields if n == "content-length"]
    if (hosts := sum(n == "host" for n, _ in fields)) > 1 or (version == "HTTP/1.1" and not hosts):
        raise HTTPError(400, "an HTTP/1.1 request needs exactly one Host field")
    if te and cl:
        raise HTTPError(400, "Content-Length together with Transfer-Encoding")
    if te and (version == "HTTP/1.0" or te.rsplit(",", 1)[-1].strip() != "chunked"):
        raise HTTPError(400, "chunked must be the final transfer coding")
    if "," in te:
        raise HTTPError(501, "only the chunked transfer coding is implemented")
    if len(cl) > 1 or (cl and not re.fullmatch(r"[0-9]{1,15}", cl[0])):
        raise HTTPError(400, "Content-Length must be one decimal number")
    if cl and int(cl[0]) > MAX_BODY:
        raise HTTPError(413, "body too large")
    return None if te else (int(cl[0]) if cl else 0)


def build_environ(method, target, version, fields, body, server_addr, client_addr) -> dict:
    path, _, query = target.partition("?")
    environ = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "QUERY_STRING": query,
               "PATH_INFO": "" if path == "*" else unquote(path, encoding="latin-1"),
               "SERVER_NAME": server_addr[0], "SERVER_PORT": str(server_addr[1]),
               "SERVER_PROTOCOL": version, "REMOTE_ADDR": client_addr[0], "wsgi.version": (1, 0),
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
               "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False}
    for name, value in fields:
        if "_" not in name:                     # X_User and X-User would both be HTTP_X_USER
            key = name.upper().replace("-", "_")
            key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key
            environ[key] = f"{environ[key]}, {value}" if key in environ else value
    environ["CONTENT_LENGTH"] = str(len(body))  # also for a chunked body, read whole
    return environ


class Response:
    """start_response, write() and the framing of one response (rules 4 to 7)."""
    def __init__(self, sock: socket.socket, method: str, version: str, keep_alive: bool) -> None:
        self.sock, self.method, self.version, self.keep_alive = sock, method, version, keep_alive
        self.status, self.headers, self.head_sent, self.chunked = None, None, False, False
        self.left = None                        # bytes still owed under the app's Content-Length

    def start_response(self, status: str, headers: list, exc_info=None):
        if exc_info and self.head_sent:         # too late to change the status: re-raise
            raise exc_info[1].with_traceback(exc_info[2])
        if self.status is not None and not exc_info:
            raise AssertionError("start_response called twice without exc_info (PEP 3333)")
        for text in (status, *(part for pair in headers for part in pair)):
            if type(text) is not str or any(c in text for c in "\r\n\0"):  # response splitting
                raise ValueError(f"start_response: {text!r} must be a str without CR/LF/NUL")
        self.status, self.headers = status, list(headers)
        return self.write

    def head(self, known_length: int | None) -> bytes:
        self.bodyless = self.method == "HEAD" or int(self.status[:3]) in NO_BODY
        lines = [f"HTTP/1.1 {self.status}", f"Date: {format_date_time(time.time())}",
                 *(f"{name}: {value}" for name, value in self.headers)]
        declared = [v for n, v in self.headers if n.lower() == "content-length"]
        if declared and not self.bodyless:
            self.left = int(declared[0])
        if not self.bodyless and not declared:
            if known_length is not None:        # rule 5: our length, else chunks, else close
                lines.append(f"Content-Length: {known_length}")
            elif self.version == "HTTP/1.1":
                self.chunked = True
                lines.append("Transfer-Encoding: chunked")
            else:                               # HTTP/1.0: closing the connection ends the body
                self.keep_alive = False
        lines.append("Connection: keep-alive" if self.keep_alive else "Connection: close")
        self.head_sent = True
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def write(self, data: bytes, known_length: int | None = None) -> None:
        if not data:
            return                              # the head waits for a non-empty chunk
        head = b"" if self.head_sent else self.head(known_length)
        if self.left is not None:               # PEP 3333: never more than Content-Length
            data, self.left = data[:self.left], self.left - min(len(data), self.left)
        if self.chunked:
            data = b"%X\r\n%b\r\n" % (len(data), data)
        self.sock.sendall(head + (b"" if self.bodyless else data))  # one send, one packet

    def run(self, app, environ: dict) -> None:
        result = None                           # the app's iterable: close() it on every path
        try:
            result = app(environ, self.start_response)
            if isinstance(result, list):        # the whole body is known: one send, with length
                self.write(body := b"".join(result), known_length=len(body))
            else:
                for chunk in result:
                    self.write(chunk)
                    if self.left == 0:
                        break                   # enough: stop iterating (PEP 3333)
            if self.left:                       # the app sent less than it declared:
                self.keep_alive = False         # only closing tells the client
            if not self.head_sent:              # an empty body: the head alone
                self.sock.sendall(self.head(0))
            elif self.chunked:
                self.sock.sendall(b"0\r\n\r\n")   # the last chunk
        except Exception as exc:
            if self.head_sent:
                raise                           # too late for a 500: the connection is dropped
            traceback.print_exc()
            raise HTTPError(500, "the application raised an exception") from exc
        finally:
            if hasattr(result, "close"):
                result.close()


class Connection:
    """One client: requests read from a buffer refilled from the socket.  A deadline per request,
    not per recv, so a client that sends a byte a second cannot hold a thread (slow loris)."""
    def __init__(self, sock: socket.socket, client: tuple, timeout: float) -> None:
        self.sock, self.client, self.timeout, self.buf = sock, client, timeout, b""
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def fill(self) -> None:
        self.sock.settimeout(max(self.deadline - time.monotonic(), 0.001))
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            raise HTTPError(408, "request too slow") from None
        if not data:
            raise EOFError
        self.buf += data

    def exactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            self.fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def until(self, sep: bytes, limit: int, status: int) -> bytes:
        while (end := self.buf.find(sep)) < 0:  # at most ``limit`` bytes before ``sep``
            if len(self.buf) > limit:
                raise HTTPError(status, f"more than {limit} bytes without {sep!r}")
            self.fill()
        return self.exactly(end + len(sep))[:end]

    def chunked(self) -> bytes:
        body = bytearray()                      # RFC 9112 §7.1: size line, data, CRLF, ..., 0
        while match := CHUNK_SIZE.fullmatch(self.until(b"\r\n", MAX_LINE, 400)):
            if (size := int(match[1], 16)) == 0:
                while self.until(b"\r\n", MAX_LINE, 431):
                    pass                        # trailer fields, up to an empty line: ignored
                return bytes(body)
            if len(body) + size > MAX_BODY:
                raise HTTPError(413, "body too large")
            body += self.exactly(size)
            if self.exactly(2) != b"\r\n":
                raise HTTPError(400, "chunk data not followed by CRLF")
        raise HTTPError(400, "bad chunk size line")

    def serve(self, app, waiting: queue.Queue) -> None:
        with self.sock:
            try:
                while self.serve_one(app, waiting):     # requests while keep-alive allows
                    pass
            except (OSError, EOFError):
                pass                            # the client went away
            except Exception:                   # a bug, or the app failed after the head:
                traceback.print_exc()           # log it, drop the connection, keep the thread

    def serve_one(self, app, waiting: queue.Queue) -> bool:
        self.deadline = time.monotonic() + self.timeout     # for this whole request (rule 1)
        while not self.buf and not select.select([self.sock], [], [], 0.1)[0]:
            if not waiting.empty() or time.monotonic() > self.deadline:
                return False                    # idle: others wait (rule 8), or timed out
        try:
            method, target, version, fields = parse_head(self.until(b"\r\n\r\n", MAX_HEAD, 431))
            length = body_framing(version, fields)
            if version == "HTTP/1.1" and ("expect", "100-continue") in fields:
                self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = self.chunked() if length is None else self.exactly(length)
            said = {t.strip().lower() for n, v in fields if n == "connection" for t in v.split(",")}
            response = Response(self.sock, method, version, keep_alive="close" not in said
                                if version == "HTTP/1.1" else "keep-alive" in said)  # rule 6
            self.sock.settimeout(self.timeout)
            response.run(app, build_environ(method, target, version, fields, body,
                                            self.sock.getsockname(), self.client))
            return response.keep_alive
        except HTTPError as exc:                # answer, then read what the client still sends:
            self.sock.settimeout(1.0)           # closing with unread bytes would reset the
            self.sock.sendall(exc.answer)       # connection and could destroy the answer
            self.sock.shutdown(socket.SHUT_WR)
            for _ in range(16):                 # at most 1 MiB
                if not self.sock.recv(65536):
                    break
            return False


def demo_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [f"Hello from chapter 04! You asked for {environ['PATH_INFO']}\n".encode()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    flags = {"--host": "127.0.0.1", "--port": 8000, "--app": "", "--threads": 64, "--timeout": 5.0}
    for flag, default in flags.items():         # --app module:callable ("": demo_app)
        parser.add_argument(flag, type=type(default), default=default)
    args = parser.parse_args(argv)
    module, _, attr = args.app.partition(":")
    app = getattr(importlib.import_module(module), attr or "app") if module else demo_app
    waiting: queue.Queue = queue.Queue()        # non-empty only while every thread is busy

    def work() -> None:                         # a pool thread: one connection after another
        while True:
            Connection(*waiting.get(), args.timeout).serve(app, waiting)

    for _ in range(args.threads):
        threading.Thread(target=work, daemon=True).start()
    for sig in (signal.SIGINT, signal.SIGTERM):  # stop cleanly, without a traceback
        signal.signal(sig, lambda *_: sys.exit(0))
    with socket.create_server((args.host, args.port), backlog=1024) as listener:
        print(f"Listening on http://{args.host}:{args.port} ({args.threads} threads)", flush=True)
        while True:
            waiting.put(listener.accept())


if __name__ == "__main__":
    main()
