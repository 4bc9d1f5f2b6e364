"""Graded tests for exercise 4.5: your server, talked to by real clients.

First in-process (``handle_connection`` in a thread on one end of a TCP connection, the test
on the other), then the real thing: ``python ex5_server.py --host 127.0.0.1 --port P``
started as a process, with ``requests`` and raw sockets.  The malformed requests are a subset
of the chapter's list in code/04_wsgi_server_from_scratch/malformed.py -- run that script
against your server to see all of them.
"""

import importlib.util
import json
import socket
import sys
import threading
import time
from pathlib import Path

import requests

from course import servers
from course.testing import raw_http

CODE = Path(__file__).resolve().parents[2] / "code" / "04_wsgi_server_from_scratch"
_spec = importlib.util.spec_from_file_location("ch04_malformed_cases", CODE / "malformed.py")
malformed = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = malformed
_spec.loader.exec_module(malformed)

SUBSET = ["CL and TE together", "TE and CL together", "two different Content-Lengths",
          "hex Content-Length", "negative Content-Length", "TE gzip only",
          "chunk size not hex", "chunk data longer than its size", "obs-fold",
          "space before the colon", "field line without a colon", "NUL in a value",
          "bare CR in a value", "no Host in HTTP/1.1", "space in the target",
          "no version (HTTP/0.9 style)", "bad version HTTP/1.x", "version HTTP/2.0",
          "one huge header field", "two Host fields", "two Content-Type fields",
          "* with GET", "host:port with GET", "target without a leading /",
          "Content-Length as a trailer", "Host as a trailer", "malformed trailer line",
          "endless header field (no CRLF)", "endless chunk-size line",
          "empty TE with Content-Length", "absolute-form with two Host fields",
          "absolute-form without Host", "head just over 64 KiB"]
CASES = [c for c in malformed.CASES if c.name in SUBSET]
SLOW = [c for c in malformed.CASES if c.slow]


class TrickleSocket:
    """A real socket whose recv() returns at most ``piece`` bytes: every request arrives in
    many small pieces, as it may on a real network."""

    def __init__(self, sock: socket.socket, piece: int) -> None:
        self._sock = sock
        self._piece = piece

    def recv(self, size: int, *flags) -> bytes:
        return self._sock.recv(min(size, self._piece), *flags)

    def recv_into(self, buffer, size: int = 0, *flags) -> int:
        size = min(size or len(buffer), self._piece)
        return self._sock.recv_into(buffer, size, *flags)

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._sock.close()


def exchange(exercise, data: bytes, timeout: float = 3.0, app=None, piece: int = 0) -> bytes:
    """Run handle_connection on the server end of a TCP connection; send ``data``; return the
    answer (everything up to the server closing its end).  ``piece``: the server's recv()
    returns at most that many bytes at a time."""
    with socket.create_server(("127.0.0.1", 0)) as listener:   # a real TCP connection
        ours = socket.create_connection(listener.getsockname())
        theirs, _ = listener.accept()
    if piece:
        theirs = TrickleSocket(theirs, piece)
    errors = []

    def run():
        try:
            exercise.handle_connection(theirs, ("127.0.0.1", 50000), app or exercise.app,
                                       server=("127.0.0.1", 8000), timeout=1.0)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    received = b""
    with ours:
        ours.sendall(data)
        deadline = time.monotonic() + timeout
        ours.settimeout(0.05)
        while time.monotonic() < deadline:
            if errors:
                raise errors[0]
            try:
                chunk = ours.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            received += chunk
        else:
            raise AssertionError(f"handle_connection did not close the connection within "
                                 f"{timeout:g} s; received so far: {received[:200]!r}")
    thread.join(2)
    if errors:
        raise errors[0]
    return received


def status_of(raw: bytes) -> int | None:
    line = raw.split(b"\r\n", 1)[0].split(b" ")
    return int(line[1]) if len(line) > 1 and line[1].isdigit() else None


def test_in_process_one_request_keep_alive_and_chunked(exercise):
    out = exchange(exercise, b"GET /echo?x=1 HTTP/1.1\r\nHost: t\r\n\r\n"
                             b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                             b"\r\n2\r\nhi\r\n0\r\n\r\n"
                             b"GET /stream HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert out.count(b"HTTP/1.1 200") == 3, (
        "three requests on one connection (keep-alive, pipelined) should get three 200s; "
        f"got {out[:300]!r}")
    bodies = [json.loads(part.split(b"}")[0] + b"}") for part in out.split(b"{")[1:3]
              if b"}" in part for part in [b"{" + part]]
    assert bodies[0]["query"] == "x=1" and bodies[1]["body"] == "hi", (
        f"the echo app should see query x=1 and the chunked body 'hi'; got {bodies}")
    tail = out.split(b"HTTP/1.1 200")[3]
    assert b"Transfer-Encoding: chunked" in tail and tail.endswith(b"0\r\n\r\n"), (
        "a generator body under HTTP/1.1 must be sent chunked (no Content-Length is known); "
        f"got {tail[-120:]!r}")


def test_in_process_malformed_requests_get_400_and_close(exercise):
    problems = []
    for case in CASES:
        out = exchange(exercise, case.data)
        got = status_of(out)
        responses = sum(line.startswith(b"HTTP/1.") for line in out.split(b"\r\n"))
        if got not in case.expect or responses != 1:
            problems.append(f"{case.name}: expected {case.expected}, got {got} "
                            f"({out[:60]!r})")
    assert not problems, ("malformed requests must be answered with one error response and "
                          "then the connection closed:\n" + "\n".join(problems))


def test_real_server_with_real_clients(exercise_file):
    with servers.script(exercise_file, args=["--timeout", "0.5"]) as server:
        with requests.Session() as s:
            r = s.get(server.url + "/", timeout=5)
            assert (r.status_code, r.text) == (200, "Hello from exercise 4.5\n"), r.text
            assert "Listening on http://127.0.0.1:" in server.output(), (
                "the server must print 'Listening on http://HOST:PORT' when it is ready")
            r = s.post(server.url + "/echo?a=b", data=b"payload", timeout=5)
            assert r.json() == {"method": "POST", "path": "/echo", "query": "a=b",
                                "body": "payload", "protocol": "HTTP/1.1"}, r.text
            r = s.get(server.url + "/stream", timeout=5)
            assert r.text == "one\ntwo\nthree\n", r.text
            r = s.post(server.url + "/echo", data=iter([b"chunked ", b"upload"]), timeout=5)
            assert r.json()["body"] == "chunked upload", (
                f"a chunked request body should reach the app; got {r.text}")
        raw = raw_http(server.port, b"GET / HTTP/1.0\r\n\r\n", timeout=3)
        assert raw.startswith(b"HTTP/1.") and raw.endswith(b"Hello from exercise 4.5\n"), (
            f"an HTTP/1.0 request gets its answer and the connection closes; got {raw!r}")


def test_real_server_refuses_malformed_requests_and_slow_clients(exercise_file):
    with servers.script(exercise_file, args=["--timeout", "0.5"]) as server:
        outcomes = malformed.run_all(server.port, CASES + SLOW, timeout=3.0)
        problems = [f"{o.case.name}: {o.describe()}" for o in outcomes if not o.ok]
        assert not problems, "\n".join(problems)
        assert requests.get(server.url + "/", timeout=5).status_code == 200, (
            "after the malformed requests a normal one must still succeed")


def test_in_process_header_names_are_case_insensitive(exercise):
    out = exchange(exercise, b"POST /echo HTTP/1.1\r\nhOST: t\r\ncontent-LENGTH: 2\r\n"
                             b"CONNECTION: close\r\n\r\nhi")
    assert out.startswith(b"HTTP/1.1 200") and b'"body": "hi"' in out, (
        "field names are case-insensitive (RFC 9110 §5.1): hOST, content-LENGTH and "
        f"CONNECTION must work like Host, Content-Length and Connection; got {out[:300]!r}")


def test_in_process_a_request_that_arrives_in_tiny_pieces(exercise):
    request = (b"POST /echo?x=1 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
               b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    for piece in (1, 3, 7):
        out = exchange(exercise, request, piece=piece)
        assert out.count(b"HTTP/1.1 200") == 2 and b'"body": "hello world"' in out, (
            f"with recv() returning at most {piece} byte(s), the head, the chunk-size lines, "
            "the chunks and the next request are split across many reads (TCP is a stream): "
            f"keep reading until each piece is complete; got {out[:300]!r}")


def test_in_process_absolute_form_target_is_accepted(exercise):
    out = exchange(exercise, b"GET http://example.test/echo?x=1 HTTP/1.1\r\nHost: t\r\n"
                             b"Connection: close\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 200") and b'"path": "/echo"' in out, (
        "an absolute-form target (RFC 9112 §3.2.2) is valid: PATH_INFO is its path (/echo); "
        f"got {out[:300]!r}")


class Closable:
    """An app's iterable that counts close() calls and can fail while it is iterated."""

    def __init__(self, fail: bool, closed: list) -> None:
        self.fail = fail
        self.closed = closed

    def __iter__(self):
        if self.fail:
            raise RuntimeError("the app failed while producing its body")
        yield b"fine"

    def close(self) -> None:
        self.closed.append(True)


def test_in_process_app_errors_give_500_and_close_is_always_called(exercise):
    closed: list = []

    def raising(environ, start_response):
        raise RuntimeError("the app is broken")

    def failing_body(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Closable(True, closed)

    def fine_body(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Closable(False, closed)

    request = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
    for name, app in [("an app that raises", raising),
                      ("an app whose iterable raises before the first chunk", failing_body)]:
        out = exchange(exercise, request, app=app)
        assert out.startswith(b"HTTP/1.1 500"), (
            f"{name}: nothing was sent yet, so the client must get a 500 (and the connection "
            f"closed), not a dropped connection; got {out[:200]!r}")
    out = exchange(exercise, request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"),
                   app=fine_body)
    assert out.startswith(b"HTTP/1.1 200") and b"fine" in out, out[-200:]
    assert len(closed) == 2, (
        "close() must be called on the app's iterable on every path, after an error too "
        f"(PEP 3333); it was called {len(closed)} time(s) for 2 iterables")
