"""Graded tests for exercise 7.5: no request is lost when one of three backends dies or hangs."""

from __future__ import annotations

import signal
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from course import load


@pytest.fixture
def backends(start_backends):
    return start_backends("b1", "b2", "b3")


@pytest.fixture
def web(backends, start_nginx):
    return start_nginx(**{f"backend{i}": f"127.0.0.1:{s.port}"
                          for i, s in enumerate(backends, start=1)})


def load_while(web, action, *, at: float = 1.0, duration: float = 3.0) -> load.LoadResult:
    """Bounded load on nginx (6 connections, `duration` s); `action()` runs `at` s in.

    The load asks for /ping, which the backend answers in a single write (headers, empty
    body), so a kill lands either before an answer -- nginx can retry it -- or after it.  A
    backend killed *between* the headers and the body of an answer leaves a response that
    nginx has already begun to pass on; no proxy can retry that, so it is not tested here.
    """
    timer = threading.Timer(at, action)
    timer.start()
    try:
        return load.run(web.url + "/ping", concurrency=6, duration=duration, timeout=8)
    finally:
        timer.cancel()
        timer.join()


def failures(result: load.LoadResult) -> str:
    statuses = {code: n for code, n in result.statuses.items() if code != 200}
    return (f"{result.failed} of {result.requests + result.errors} requests failed "
            f"(statuses {statuses or '{}'}, errors {result.errors}: {result.error_samples[:2]})")


def test_all_three_backends_share_the_load(web, http):
    seen: Counter = Counter()
    for _ in range(9):
        status, _, body = http(web.port, "/")
        report = http.json(body)
        assert status == 200 and report is not None, (
            f"GET / through nginx should reach a backend; got {status} {body[:80]!r}")
        seen[report["backend"]] += 1
    assert set(seen) == {"b1", "b2", "b3"}, (
        f"9 requests were answered by {dict(seen)}; put all three backends in one upstream")


class _Answer503(BaseHTTPRequestHandler):
    def do_GET(self) -> None:                           # http.server calls do_<METHOD>
        self.server.hits += 1
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()

    def log_message(self, *args) -> None:               # keep the test output quiet
        pass


@pytest.fixture
def overloaded(stack):
    """A backend that answers every request ``503 Service Unavailable`` and counts them."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer503)
    server.hits = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stack.callback(thread.join, 5)
    stack.callback(server.server_close)
    stack.callback(server.shutdown)
    return server


@pytest.fixture
def web_with_503(start_backends, start_nginx, overloaded):
    b2, b3 = start_backends("b2", "b3")
    return start_nginx(backend1=f"127.0.0.1:{overloaded.server_address[1]}",
                       backend2=f"127.0.0.1:{b2.port}", backend3=f"127.0.0.1:{b3.port}")


def test_a_503_is_retried_on_another_server(web_with_503, overloaded, http):
    statuses: Counter = Counter()
    for _ in range(9):
        status, _, _ = http(web_with_503.port, "/")
        statuses[status] += 1
    assert overloaded.hits > 0, (
        "backend1 was never asked: all three backends belong in the upstream")
    assert statuses == Counter({200: 9}), (
        f"backend1 answers every request 503 Service Unavailable; 9 requests through nginx got "
        f"{dict(statuses)}. nginx should try the next server when a backend answers "
        "502/503/504: proxy_next_upstream error timeout http_502 http_503 http_504;")


def test_a_failed_server_is_taken_out_of_rotation(web_with_503, overloaded, http):
    requests = 18
    for _ in range(requests):
        http(web_with_503.port, "/")
    assert 0 < overloaded.hits <= 3, (
        f"backend1 answers every request 503; of {requests} requests in a row nginx sent it "
        f"{overloaded.hits}. A failed server should be left alone for a few seconds (the "
        "upstream's max_fails=1 fail_timeout=5s: max_fails=0 turns that off), and a 503 "
        "counts as a failure only when proxy_next_upstream lists http_503")


# The two load tests last: they take seconds each, and the quick tests above already catch
# most wrong configs (the mistakes catalogue stops grading a file at its first failure).

def test_no_request_lost_when_a_backend_is_killed(web, backends):
    victim = backends[0]
    result = load_while(web, victim.proc.kill)
    assert not victim.alive, "the test could not kill backend b1"
    assert result.requests > 20, f"too few requests completed to judge: {failures(result)}"
    assert result.failed == 0, (
        f"backend b1 was killed mid-load and {failures(result)}; nginx should retry a refused "
        "or reset request on the next server (proxy_next_upstream error timeout ...)")


def test_no_request_lost_when_a_backend_hangs(web, backends):
    victim = backends[0]
    try:
        result = load_while(web, lambda: victim.send_signal(signal.SIGSTOP))
    finally:
        victim.send_signal(signal.SIGCONT)
    assert result.requests > 20, f"too few requests completed to judge: {failures(result)}"
    assert result.failed == 0, (
        f"backend b1 froze mid-load (it accepts connections but never answers) and "
        f"{failures(result)}; nginx waits proxy_read_timeout (60 s by default) before it gives "
        "up and tries the next server -- make it a second or two")
