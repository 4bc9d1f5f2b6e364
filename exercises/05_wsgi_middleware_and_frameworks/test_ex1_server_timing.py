"""Graded tests for exercise 5.1: a Server-Timing middleware (PEP 3333 middleware rules)."""

from __future__ import annotations

import re
import sys
import time

from course.testing import call_wsgi, make_environ


def slow_app(environ, start_response):
    time.sleep(0.03)
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-App", "yes")])
    return [b"hello"]


def test_adds_server_timing_header_and_keeps_the_apps_headers(exercise):
    response = call_wsgi(exercise.server_timing(slow_app), path="/")
    value = response.header("Server-Timing")
    assert value is not None, (
        f"expected a Server-Timing header; the response headers were {response.headers}")
    match = re.fullmatch(r"app;dur=(\d+(?:\.\d+)?)", value)
    assert match, f"expected Server-Timing like 'app;dur=12.345' (milliseconds), got {value!r}"
    dur = float(match.group(1))
    assert 20 <= dur < 10_000, (
        f"the app slept 30 ms before start_response, so dur should be about 30 (milliseconds, "
        f"not seconds); got {dur}")
    assert response.header("X-App") == "yes", "keep every header the app sent (X-App is missing)"
    names = [name for name, _ in response.headers]
    assert names == ["Content-Type", "X-App", "Server-Timing"], (
        "keep the app's headers in their order and add Server-Timing at the end; expected the "
        f"header names ['Content-Type', 'X-App', 'Server-Timing'], got {names}")
    assert response.status == "200 OK" and response.body == b"hello", (
        f"status and body must pass through unchanged; got {response.status!r} {response.body!r}")


def test_metric_name_is_configurable(exercise):
    response = call_wsgi(exercise.server_timing(slow_app, metric="db"), path="/")
    value = response.header("Server-Timing") or ""
    assert value.startswith("db;dur="), f"with metric='db' expected 'db;dur=…', got {value!r}"


def test_returns_before_the_body_is_produced_and_yields_per_app_yield(exercise):
    events: list[str] = []

    def streaming_app(environ, start_response):    # start_response is called lazily, too
        events.append("started")
        start_response("200 OK", [("Content-Type", "text/plain")])
        for chunk in (b"one ", b"", b"two ", b"three"):
            events.append(f"yield {chunk!r}")
            yield chunk

    wrapped = exercise.server_timing(streaming_app)
    seen = {}
    def server_start_response(status, headers, exc_info=None):
        seen.update(headers=headers)
        return lambda data: None

    result = wrapped(make_environ(), server_start_response)
    assert events == [], (
        "PEP 3333: middleware must return an iterable as soon as the app returns one -- your "
        f"middleware ran the app's body before returning (events: {events})")
    chunks = list(result)
    if hasattr(result, "close"):
        result.close()
    assert chunks == [b"one ", b"", b"two ", b"three"], (
        "PEP 3333 (block boundaries): yield one value per app yield, unchanged and unjoined; "
        f"expected [b'one ', b'', b'two ', b'three'], got {chunks}")
    assert any(k == "Server-Timing" for k, _ in seen.get("headers", [])), (
        "the header must be added even when the app calls start_response on its first yield")


class TrackedBody:
    def __init__(self) -> None:
        self.closed = False

    def __iter__(self):
        yield b"part 1"
        yield b"part 2"

    def close(self) -> None:
        self.closed = True


def test_close_is_passed_through_even_when_the_server_stops_early(exercise):
    body = TrackedBody()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    response = call_wsgi(exercise.server_timing(app), path="/")
    assert response.body == b"part 1part 2", f"body changed: {response.body!r}"
    assert body.closed, (
        "PEP 3333: the server calls close() on your iterable; you must call close() on the "
        "app's iterable (that is where apps release connections and files)")

    early = TrackedBody()
    result = exercise.server_timing(lambda e, s: (s("200 OK", []), early)[1])(
        make_environ(), lambda s, h, e=None: (lambda d: None))
    next(iter(result))                     # the client disconnects after the first chunk
    assert hasattr(result, "close"), "your iterable needs a close() method that reaches the app's"
    result.close()
    assert early.closed, (
        "closing after one chunk (client went away) must still close the app's body")


def test_exc_info_reaches_the_server_unchanged(exercise):
    def failing_app(environ, start_response):
        try:
            raise RuntimeError("the database went away")
        except RuntimeError:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")],
                           sys.exc_info())
        return [b"sorry"]

    received = []

    def server_start_response(status, headers, exc_info=None):
        received.append(exc_info)
        return lambda data: None

    result = exercise.server_timing(failing_app)(make_environ(), server_start_response)
    list(result)
    if hasattr(result, "close"):
        result.close()
    assert len(received) == 1, (
        f"the app called start_response once, the server's start_response was called "
        f"{len(received)} times")
    got = received[0]
    assert got is not None and got[0] is RuntimeError, (
        "PEP 3333: the app called start_response with exc_info (its error); your middleware must "
        f"pass exc_info on to the server's start_response unchanged, the server got {got!r}")


def test_the_clock_starts_per_request(exercise):
    def fast_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"quick"]

    wrapped = exercise.server_timing(fast_app)
    time.sleep(0.5)              # the server sits idle between start-up and the first request
    value = call_wsgi(wrapped, path="/").header("Server-Timing") or ""
    match = re.fullmatch(r"app;dur=(\d+(?:\.\d+)?)", value)
    assert match, f"expected Server-Timing like 'app;dur=0.012', got {value!r}"
    dur = float(match.group(1))
    assert dur < 400, (
        f"an app that answers at once got dur={dur} ms, although the middleware was created half "
        "a second before the request came: start the clock when your middleware is CALLED (once "
        "per request), not when server_timing() builds it")
