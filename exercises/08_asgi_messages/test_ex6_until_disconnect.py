"""Graded tests of exercise 8.6: a stream that ends when the client disconnects."""

import time

from course.asgi import call_asgi


def test_short_stream_completes(exercise):
    response = call_asgi(exercise.app, "GET", "/", "n=3")
    assert response.status == 200, f"expected status 200, got {response.status!r}"
    assert response.body == b"tick 1\ntick 2\ntick 3\n", (
        f"?n=3: expected three tick lines, got {response.body!r}")
    assert response.complete, "the stream must end with a body message with more_body=False"
    assert response.header("content-length") is None, "a streamed response has no content-length"


def test_stops_soon_after_disconnect(exercise):
    started = time.monotonic()
    response = call_asgi(exercise.app, "GET", "/", "n=100", disconnect_after=3, timeout=2.0)
    took = time.monotonic() - started
    ticks = sum(1 for m in response.messages if m["type"] == "http.response.body")
    assert ticks <= 5, (
        f"the client went away after 3 ticks; the app sent {ticks} body messages in all -- "
        "stop as soon as receive() returns http.disconnect")
    assert took < 1.5, f"the app took {took:.1f} s to notice the disconnect"


def test_disconnect_before_the_first_tick(exercise):
    response = call_asgi(exercise.app, "GET", "/", "n=100", disconnect_after=0, timeout=2.0)
    ticks = sum(1 for m in response.messages if m["type"] == "http.response.body")
    assert ticks <= 1, f"the client was gone from the start; the app still sent {ticks} ticks"
