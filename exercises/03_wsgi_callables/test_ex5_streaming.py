"""Graded tests of exercise 3.5: stream lazily, and close() the resource on every path.

Run: python -m course check 3   (or: python -m pytest exercises/03_wsgi_callables)
"""

from __future__ import annotations

import socket
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server
from wsgiref.validate import validator

import pytest

from course.testing import call_wsgi, make_environ


def new_tickers(exercise, before: int) -> list:
    return exercise.Ticker.opened[before:]


def test_streams_n_ticks_and_closes_the_ticker(exercise):
    before = len(exercise.Ticker.opened)
    response = call_wsgi(exercise.app, query="n=3")
    assert response.status == "200 OK", f"expected 200 OK, got {response.status!r}"
    assert response.chunks == [b"tick 1\n", b"tick 2\n", b"tick 3\n"], (
        f"expected one body item per tick, [b'tick 1\\n', b'tick 2\\n', b'tick 3\\n']; "
        f"got {response.chunks!r}")
    assert response.header("Content-Type") == "text/plain; charset=utf-8", (
        "expected Content-Type 'text/plain; charset=utf-8' (the task says so: a client should "
        f"not guess the charset), got {response.header('Content-Type')!r}")
    assert response.header("Content-Length") is None, (
        "a streamed body of unknown length has no Content-Length")
    tickers = new_tickers(exercise, before)
    assert len(tickers) == 1, f"expected one Ticker for one request, {len(tickers)} were opened"
    assert tickers[0].closed, (
        "the body was consumed and close() was called: the Ticker must be closed")


def test_default_is_five_ticks(exercise):
    response = call_wsgi(exercise.app)
    assert response.body == b"".join(b"tick %d\n" % i for i in range(1, 6)), (
        f"without ?n= stream 5 ticks; got {response.body!r}")


def test_reads_lazily_one_tick_per_item(exercise):
    before = len(exercise.Ticker.opened)
    body = validator(exercise.app)(make_environ(query="n=50"), lambda s, h, e=None: None)
    try:
        first = next(iter(body))
        tickers = new_tickers(exercise, before)
        assert first == b"tick 1\n"
        assert tickers and tickers[0].reads == 1, (
            "after the server took one body item, exactly one tick should have been read; "
            f"{tickers[0].reads if tickers else 'no Ticker'} were (a list, or read-ahead?)")
    finally:
        body.close()


def test_close_after_two_items_releases_the_ticker(exercise):
    """The client went away: the server stops iterating and calls close()."""
    before = len(exercise.Ticker.opened)
    body = validator(exercise.app)(make_environ(query="n=100"), lambda s, h, e=None: None)
    iterator = iter(body)
    items = [next(iterator), next(iterator)]
    body.close()
    tickers = new_tickers(exercise, before)
    assert items == [b"tick 1\n", b"tick 2\n"]
    assert tickers and all(t.closed for t in tickers), (
        "close() was called after 2 of 100 ticks (the client went away): PEP 3333 says the "
        "server calls close() on every path, and that is where the Ticker must be closed")
    assert tickers[0].reads == 2, f"read {tickers[0].reads} ticks for 2 items sent"


def test_close_before_iterating_releases_everything(exercise):
    before = len(exercise.Ticker.opened)
    body = validator(exercise.app)(make_environ(query="n=10"), lambda s, h, e=None: None)
    body.close()
    tickers = new_tickers(exercise, before)
    assert all(t.closed for t in tickers), (
        "close() before the first item (the client vanished at once) must still close the "
        "Ticker -- a generator that never started does not run its finally block")
    if not tickers:  # a lazy generator that never opened one is fine, but it must stream
        response = call_wsgi(exercise.app, query="n=2")
        assert response.chunks == [b"tick 1\n", b"tick 2\n"]


@pytest.mark.parametrize("query", ["n=0", "n=1001", "n=abc", "n=2.5", "delay=-1", "delay=5",
                                   "delay=soon"])
def test_bad_parameters_are_a_400_and_open_nothing(exercise, query):
    before = len(exercise.Ticker.opened)
    response = call_wsgi(exercise.app, query=query)
    assert response.status_code == 400, f"?{query}: expected 400, got {response.status!r}"
    assert not new_tickers(exercise, before), f"?{query}: a rejected request opens no Ticker"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_client_disconnect_under_a_real_server_closes_the_ticker(exercise):
    """wsgiref's server in a thread; the client reads two ticks, then hangs up."""
    before = len(exercise.Ticker.opened)
    server = make_server("127.0.0.1", 0, validator(exercise.app), handler_class=QuietHandler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        with socket.create_connection(server.server_address, timeout=5) as sock:
            sock.sendall(b"GET /?n=1000&delay=0.01 HTTP/1.1\r\nHost: x\r\n\r\n")
            received = b""
            while received.count(b"tick") < 2:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                received += chunk
        assert b"200 OK" in received and b"tick 2" in received, (
            f"expected a 200 and two ticks, got {received[:200]!r}")
        thread.join(timeout=15)
        assert not thread.is_alive(), (
            "the server kept streaming long after the client left (1000 ticks of 10 ms)")
        tickers = new_tickers(exercise, before)
        assert tickers and all(t.closed for t in tickers), (
            "the client disconnected; the server stopped and called close() -- the Ticker "
            "must be closed there")
        assert tickers[0].reads < 1000, "the app should stop reading when the client is gone"
    finally:
        server.server_close()
