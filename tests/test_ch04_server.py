"""Chapter 04's server (code/04_*/server.py): malformed requests, the PEP 3333 app suite under
three servers, keep-alive, chunked uploads and concurrency.

The malformed-request cases live in code/04_*/malformed.py (CASES) so the graded test of
exercise 4.5 and the chapter's notebook reuse the same list.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from course import servers
from course.testing import raw_http

CODE = Path(__file__).resolve().parent.parent / "code" / "04_wsgi_server_from_scratch"
SERVER = CODE / "server.py"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"ch04_{name}", CODE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


malformed = _load("malformed")


def test_ch04_at_least_30_malformed_cases():
    assert len(malformed.CASES) >= 30
    assert len({c.name for c in malformed.CASES}) == len(malformed.CASES)


def test_ch04_malformed_requests_are_refused_and_the_server_keeps_serving():
    with servers.script(SERVER, args=["--timeout", "0.5"]) as server:
        started = time.monotonic()
        outcomes = malformed.run_all(server.port, timeout=3.0, parallel=25)
        took = time.monotonic() - started
        failures = [f"{o.case.name}: {o.describe()}  (got {o.raw[:80]!r})"
                    for o in outcomes if not o.ok]
        assert not failures, "\n".join(failures)
        assert requests.get(server.url + "/", timeout=5).status_code == 200
        assert server.alive
    assert took < 10, f"the malformed suite took {took:.1f} s"


def _suite_server(kind: str):
    if kind == "ours":
        return servers.script(SERVER, args=["--app", "apps:suite"])
    if kind == "wsgiref":
        return servers.script(CODE / "apps.py", args=["--quiet"])
    return servers.gunicorn("apps:suite", chdir=CODE)


@pytest.mark.parametrize("kind", ["ours", "wsgiref", "gunicorn"])
def test_ch04_validated_app_suite_passes_under(kind):
    """apps.suite is wrapped in wsgiref.validate: a server that breaks PEP 3333 gets 500s."""
    with _suite_server(kind) as server, requests.Session() as s:
        url = server.url
        closed_before = int(s.get(url + "/closed", timeout=5).text)

        r = s.get(url + "/", timeout=5)
        assert (r.status_code, r.content) == (200, b"Hello, world!\n")

        r = s.get(url + "/caf%C3%A9", params={"x": "1"}, headers={"X-Test": "yes"}, timeout=5)
        data = r.json()
        assert r.status_code == 200, r.text
        assert data["path_utf8"] == "/café" and data["path"] == "/caf\u00c3\u00a9"
        assert (data["query"], data["x_test"], data["script_name"]) == ("x=1", "yes", "")
        assert data["url_scheme"] == "http" and data["protocol"] == "HTTP/1.1"

        r = s.post(url + "/echo", data=b"hello body", timeout=5,
                   headers={"Content-Type": "text/plain"})
        assert r.json()["body"] == "hello body" and r.json()["content_type"] == "text/plain"

        assert s.get(url + "/stream", timeout=5).content == b"one\ntwo\nthree\n"
        assert s.get(url + "/write", timeout=5).content == b"written with write()\n"
        r = s.get(url + "/exc-info", timeout=5)
        assert (r.status_code, r.content) == (500, b"custom error page\n")
        r = s.get(url + "/no-content", timeout=5)
        assert (r.status_code, r.content) == (204, b"")
        r = s.head(url + "/", timeout=5)
        assert (r.status_code, r.content) == (200, b"")
        assert len(s.get(url + "/big", timeout=5).content) == 4 * 65536
        try:
            body = s.get(url + "/fail-late", timeout=5).content
            assert b"never sent" not in body
        except requests.exceptions.RequestException:
            pass                                 # a cut-short body is the right outcome
        with requests.Session() as fresh:
            closed_after = int(fresh.get(url + "/closed", timeout=5).text)
        # /stream, /big and /fail-late return iterables with close(); validator counts too
        assert closed_after - closed_before >= 3, "close() was not called on every body"


def _raw(port: int, data: bytes, wait_close: bool = True, timeout: float = 3.0) -> bytes:
    """The raw reply; with ``wait_close`` the server must close the connection after it."""
    return raw_http(port, data, timeout=timeout, until_close=wait_close, must_close=wait_close)


def test_ch04_keep_alive_pipelining_chunked_upload_and_expect():
    with servers.script(SERVER, args=["--app", "apps:suite"]) as server:
        port = server.port
        two = b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /write HTTP/1.1\r\nHost: x\r\n\r\n"
        out = _raw(port, two, wait_close=False)
        assert out.count(b"HTTP/1.1 200 OK") == 2, out
        assert out.endswith(b"8\r\nwritten \r\nD\r\nwith write()\n\r\n0\r\n\r\n"), out

        out = _raw(port, b"GET / HTTP/1.0\r\n\r\n")          # 1.0: closed after the answer
        assert out.startswith(b"HTTP/1.1 200") and b"Connection: close" in out
        out = _raw(port, b"GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                   wait_close=False)                    # has a Content-Length: kept
        assert b"Connection: keep-alive" in out
        out = _raw(port, b"GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        assert b"Transfer-Encoding" not in out and out.endswith(b"three\n")  # close-delimited
        out = _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert out.count(b"HTTP/1.1") == 1

        chunked = (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                   b"Connection: close\r\n\r\n"
                   b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n")
        body = _raw(port, chunked).split(b"\r\n\r\n", 1)[1]
        assert json.loads(body)["body"] == "hello world"

        expect = (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                  b"Expect: 100-continue\r\nConnection: close\r\n\r\n")
        with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
            sock.sendall(expect)
            assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
            sock.sendall(b"ok")
            rest = b""
            while chunk := sock.recv(65536):
                rest += chunk
            assert b'"body": "ok"' in rest


def test_ch04_thread_pool_serves_slow_requests_concurrently():
    with servers.script(SERVER, args=["--app", "apps:suite"]) as server:
        started = time.monotonic()
        with ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(
                lambda _: requests.get(server.url + "/sleep?0.25", timeout=10).status_code,
                range(16)))
        took = time.monotonic() - started
    assert codes == [200] * 16
    assert took < 3.0, f"16 requests of 0.25 s took {took:.1f} s: not served concurrently"


def test_ch04_idle_keep_alive_clients_cannot_starve_a_new_one():
    """Rule 8: with every thread holding an idle kept-alive connection, a new client is still
    served quickly (the idle connections are closed), not after the 5 s idle timeout."""
    with servers.script(SERVER, args=["--threads", "2", "--timeout", "5"]) as server:
        idle = []
        for _ in range(2):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=3)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
            idle.append(sock)
        started = time.monotonic()
        r = requests.get(server.url + "/", timeout=4)
        took = time.monotonic() - started
        for sock in idle:
            sock.close()
    assert r.status_code == 200
    assert took < 2.5, f"a new client waited {took:.1f} s behind idle keep-alive connections"


MISBEHAVING_APPS = '''
def too_long(environ, start_response):
    start_response("200 OK", [("Content-Length", "3")])
    return iter([b"abc", b"EXTRA"])

def too_short(environ, start_response):
    start_response("200 OK", [("Content-Length", "10")])
    return iter([b"abc"])

def empty_but_promised(environ, start_response):
    start_response("200 OK", [("Content-Length", "10")])
    return []

def header_injection(environ, start_response):
    start_response("200 OK", [("X-Note", "a\\r\\nSet-Cookie: stolen=1")])
    return [b"x"]

def not_latin1(environ, start_response):
    start_response("200 OK", [("X-Name", "\u0141\u00f3d\u017a")])
    return [b"x"]
'''
TWO_REQUESTS = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 2


@pytest.mark.parametrize("app", ["too_long", "too_short", "empty_but_promised",
                                 "header_injection", "not_latin1"])
def test_ch04_an_app_cannot_corrupt_the_connection(tmp_path, app):
    """PEP 3333: never more bytes than the app's Content-Length; a short body must end the
    connection (the client cannot tell otherwise); CR/LF in a header would split the response."""
    (tmp_path / "misbehaving.py").write_text(MISBEHAVING_APPS)
    with servers.script(SERVER, args=["--app", f"misbehaving:{app}"],
                        env={"PYTHONPATH": str(tmp_path)}) as server:
        reply = _raw(server.port, TWO_REQUESTS, wait_close=app != "too_long")
    if app == "too_long":
        assert b"EXTRA" not in reply and reply.count(b"HTTP/1.1 200 OK") == 2, reply
    elif app == "too_short":
        assert reply.count(b"HTTP/1.1 200 OK") == 1 and reply.endswith(b"abc"), reply
    elif app == "empty_but_promised":                # 10 bytes promised, none sent: close
        assert reply.count(b"HTTP/1.1 200 OK") == 1 and reply.endswith(b"\r\n\r\n"), reply
    elif app == "header_injection":
        assert reply.startswith(b"HTTP/1.1 500") and b"stolen" not in reply, reply
    else:                                       # PEP 3333: header values are latin-1
        assert reply.startswith(b"HTTP/1.1 500"), (
            f"a header value that is not latin-1 must give a 500, not a cut connection: {reply!r}")


def test_ch04_expect_is_case_insensitive_and_absolute_form_targets_are_accepted():
    """RFC 9110 §10.1.1: "100-continue" is matched case-insensitively.  RFC 9112 §3.2.2: an
    absolute-form target is accepted; its path is PATH_INFO and its host replaces Host."""
    with servers.script(SERVER, args=["--app", "apps:suite"]) as server:
        expect = (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                  b"Expect: 100-Continue\r\nConnection: close\r\n\r\n")
        with socket.create_connection(("127.0.0.1", server.port), timeout=3) as sock:
            sock.sendall(expect)
            first = sock.recv(100)
        assert first.startswith(b"HTTP/1.1 100 Continue"), (
            f"Expect: 100-Continue (mixed case) should get 100 Continue, got {first!r}")
        reply = raw_http(server.port, b"GET http://example.test/caf%C3%A9?x=1 HTTP/1.1\r\n"
                                      b"Host: other\r\nConnection: close\r\n\r\n", timeout=3)
        assert reply.startswith(b"HTTP/1.1 200"), reply[:80]
        data = json.loads(reply.partition(b"\r\n\r\n")[2])
        assert (data["path_utf8"], data["query"]) == ("/café", "x=1"), data
