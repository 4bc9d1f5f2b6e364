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
          "one huge header field"]
CASES = [c for c in malformed.CASES if c.name in SUBSET]
SLOW = [c for c in malformed.CASES if c.slow]


def exchange(exercise, data: bytes, timeout: float = 3.0) -> bytes:
    """Run handle_connection on the server end of a TCP connection; send ``data``; return the
    answer (everything up to the server closing its end)."""
    with socket.create_server(("127.0.0.1", 0)) as listener:   # a real TCP connection
        ours = socket.create_connection(listener.getsockname())
        theirs, _ = listener.accept()
    errors = []

    def run():
        try:
            exercise.handle_connection(theirs, ("127.0.0.1", 50000), exercise.app,
                                       server=("127.0.0.1", 8000), timeout=1.0)
        except BaseException as exc:  # noqa: BLE001 - shown to the learner below
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
            except (TimeoutError, socket.timeout):
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
