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
        status_of = {o.case.name: o.status for o in outcomes}
        assert status_of["head just over 64 KiB"] == 431, "rule 1: a head over MAX_HEAD is a 431"
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

def negative_length(environ, start_response):
    start_response("200 OK", [("Content-Length", "-1")])
    return iter([b"hello"])

def length_list(environ, start_response):
    start_response("200 OK", [("Content-Length", "5, 5")])
    return iter([b"hello"])

def two_lengths(environ, start_response):
    start_response("200 OK", [("Content-Length", "5"), ("Content-Length", "5")])
    return iter([b"hello"])

def own_transfer_encoding(environ, start_response):
    start_response("200 OK", [("Transfer-Encoding", "chunked"), ("Content-Length", "5")])
    return iter([b"hello"])

def own_keep_alive(environ, start_response):
    start_response("200 OK", [("Connection", "keep-alive"), ("Keep-Alive", "timeout=99")])
    return iter([b"hello"])

def str_body(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return iter(["a str, not bytes"])

def no_start_response(environ, start_response):
    return [b"no status"]

def status_without_code(environ, start_response):
    start_response("OK", [])
    return [b"x"]

def name_not_a_token(environ, start_response):
    start_response("200 OK", [("X-A: b", "c")])
    return [b"x"]

def show_cookie(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ.get("HTTP_COOKIE", "").encode("latin-1")]

def asks_to_close(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Connection", "close")])
    return [b"bye"]
'''
TWO_REQUESTS = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 2


def _misbehaving_server(tmp_path, app: str):
    (tmp_path / "misbehaving.py").write_text(MISBEHAVING_APPS)
    return servers.script(SERVER, args=["--app", f"misbehaving:{app}"],
                          env={"PYTHONPATH": str(tmp_path)})


@pytest.mark.parametrize("app", ["too_long", "too_short", "empty_but_promised",
                                 "header_injection", "not_latin1"])
def test_ch04_an_app_cannot_corrupt_the_connection(tmp_path, app):
    """PEP 3333: never more bytes than the app's Content-Length; a short body must end the
    connection (the client cannot tell otherwise); CR/LF in a header would split the response."""
    with _misbehaving_server(tmp_path, app) as server:
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


@pytest.mark.parametrize("app, rule", [
    ("negative_length", "rule 4: the app's Content-Length must be one decimal number"),
    ("length_list", "rule 4: the app's Content-Length must be one decimal number"),
    ("two_lengths", "rule 4: the app's Content-Length must be one decimal number"),
    ("own_transfer_encoding", "rule 4: PEP 3333 forbids hop-by-hop fields to apps"),
    ("own_keep_alive", "rule 4: PEP 3333 forbids hop-by-hop fields to apps"),
    ("str_body", "rule 7: a body that is not bytes, before the head went out, is a 500"),
    ("no_start_response", "rule 7: an app that never calls start_response gets a 500"),
    ("status_without_code", "rule 4: the status is three digits, a space and a reason"),
    ("name_not_a_token", "rule 4: a header name is a token"),
])
def test_ch04_a_broken_response_becomes_a_500_before_the_head(tmp_path, app, rule):
    """Nothing of the app's broken head or body reaches the wire: one 500, then close."""
    with _misbehaving_server(tmp_path, app) as server:
        reply = _raw(server.port, TWO_REQUESTS)
    assert reply.startswith(b"HTTP/1.1 500") and reply.count(b"HTTP/1.1") == 1, (
        f"{rule}; expected one 500 and a closed connection, got {reply!r}")
    assert b"hello" not in reply and b"Keep-Alive" not in reply, reply


def test_ch04_an_apps_connection_close_is_honoured(tmp_path):
    """Rule 6: the app's "Connection: close" closes the connection after its response, and
    the head carries one Connection field, the server's."""
    with _misbehaving_server(tmp_path, "asks_to_close") as server:
        reply = _raw(server.port, TWO_REQUESTS)
    assert reply.count(b"HTTP/1.1 200") == 1, f"the second request must not be read: {reply!r}"
    connection_fields = [line for line in reply.split(b"\r\n")
                         if line.lower().startswith(b"connection:")]
    assert connection_fields == [b"Connection: close"], reply


def test_ch04_one_empty_line_before_the_request_line_is_skipped():
    """Rule 1, RFC 9112 §2.2: one CRLF before the request line is ignored; a second one makes
    the request line empty, hence malformed."""
    with servers.script(SERVER) as server:
        one = raw_http(server.port, b"\r\n" + malformed.GOOD, timeout=3, must_close=True)
        two = raw_http(server.port, b"\r\n\r\n" + malformed.GOOD, timeout=3, must_close=True)
    assert one.startswith(b"HTTP/1.1 200"), one
    assert two.startswith(b"HTTP/1.1 400"), two


def test_ch04_timeout_counts_from_a_requests_first_byte():
    """Rule 1: the time a kept-alive connection sat idle does not count against the next
    request.  The pauses below are the client's behaviour under test, not synchronisation:
    idle for 60 % of --timeout, then a request sent in two halves 60 % of --timeout apart."""
    timeout = 2.0
    request = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with servers.script(SERVER, args=["--timeout", str(timeout)]) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
            time.sleep(0.6 * timeout)           # idle, kept alive
            sock.sendall(request[:10])
            time.sleep(0.6 * timeout)           # the request is half sent
            sock.sendall(request[10:])
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
    assert reply.startswith(b"HTTP/1.1 200"), (
        f"the request took 0.6 x --timeout from its first byte, so it must be served; "
        f"got {reply[:60]!r}")


def test_ch04_http_1_2_is_served_as_http_1_1():
    """RFC 9110 §2.5: a higher minor version is processed as the highest one we implement:
    keep-alive by default, chunked streaming, and SERVER_PROTOCOL HTTP/1.1."""
    requests_12 = (b"GET /stream HTTP/1.2\r\nHost: x\r\n\r\n"
                   b"GET /info HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n")
    with servers.script(SERVER, args=["--app", "apps:suite"]) as server:
        reply = _raw(server.port, requests_12)
    assert reply.count(b"HTTP/1.1 200") == 2, f"both requests on one connection: {reply!r}"
    assert b"Transfer-Encoding: chunked" in reply, reply
    assert b'"protocol": "HTTP/1.1"' in reply, reply


def test_ch04_a_new_connection_is_not_closed_before_its_first_request():
    """Rule 8: with one thread, a new connection that is slow to send its first request holds
    the thread; a waiting connection does not get it closed (only an idle connection that was
    already answered is closed for others)."""
    with servers.script(SERVER, args=["--threads", "1", "--timeout", "5"]) as server:
        address = ("127.0.0.1", server.port)
        with socket.create_connection(address, timeout=5) as first, \
                socket.create_connection(address, timeout=5) as second:
            second.sendall(malformed.GOOD)          # waits in the queue behind ``first``
            second.settimeout(0.5)
            try:
                early = second.recv(65536)          # served early only if first was evicted
            except TimeoutError:
                early = b""
            first.sendall(malformed.GOOD)
            first_reply = b""
            try:
                while chunk := first.recv(65536):
                    first_reply += chunk
            except ConnectionResetError:
                pass
            second.settimeout(5)
            second_reply = early
            while chunk := second.recv(65536):
                second_reply += chunk
    assert first_reply.startswith(b"HTTP/1.1 200"), (
        f"the first connection was closed before its request was read: {first_reply!r}")
    assert second_reply.startswith(b"HTTP/1.1 200"), second_reply


def test_ch04_two_cookie_fields_are_joined_with_a_semicolon(tmp_path):
    """Rule 3: a repeated field is joined with ", ", but cookies are separated by "; "
    (RFC 9113 §8.2.3, RFC 6265 §4.2.1): "a=1, b=2" would read as one cookie a="1, b=2"."""
    request = (b"GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\nCookie: b=2\r\n"
               b"Connection: close\r\n\r\n")
    with _misbehaving_server(tmp_path, "show_cookie") as server:
        reply = _raw(server.port, request)
    assert reply.endswith(b"\r\n\r\na=1; b=2"), reply
