"""Graded tests of exercise 8.6: a stream that ends when the client disconnects."""

import asyncio
import time

import pytest

from course.asgi import call_asgi, http_scope

GONE = " -- when the client is gone, stop and return normally (no exception)"


def stream(app, query: str, case: str, rule: str = "", **kwargs):
    """``call_asgi(app, "GET", "/", query, **kwargs)``; an exception names ``case`` and ``rule``."""
    try:
        return call_asgi(app, "GET", "/", query, **kwargs)
    except NotImplementedError:
        raise
    except AssertionError as exc:  # call_asgi names the ASGI rule that was broken
        pytest.fail(f"{case}: {exc}{rule}", pytrace=False)
    except Exception as exc:  # noqa: BLE001 - the learner's app may raise anything
        pytest.fail(f"{case}: the app raised {type(exc).__name__}: {exc}{rule}", pytrace=False)


def test_short_stream_completes(exercise):
    case = "GET /?n=3 (the client stays)"
    started = time.monotonic()
    response = stream(exercise.app, "n=3", case)
    took = time.monotonic() - started
    assert response.status == 200, f"{case}: expected status 200, got {response.status!r}"
    assert response.header("content-type") == "text/plain; charset=utf-8", (
        f"{case}: expected content-type 'text/plain; charset=utf-8', "
        f"got {response.header('content-type')!r}")
    expected = [b"tick 1\n", b"tick 2\n", b"tick 3\n", b""]
    assert response.chunks == expected, (
        f"{case}: expected one body message per tick, then an empty final one: {expected}, "
        f"got {response.chunks}")
    assert response.header("content-length") is None, (
        f"{case}: a streamed response has no content-length, "
        f"got {response.header('content-length')!r}")
    pauses = 2 * exercise.TICK
    assert took >= 0.9 * pauses, (
        f"{case}: three ticks TICK={exercise.TICK} s apart take at least {pauses:.2f} s, the "
        f"app took {took:.3f} s -- wait TICK seconds between two lines")


def test_n_defaults_to_100(exercise, monkeypatch):
    monkeypatch.setattr(exercise, "TICK", 0.001)
    response = stream(exercise.app, "", "GET / (no ?n=: n defaults to 100)", timeout=8.0)
    lines = response.body.decode("utf-8", errors="replace").splitlines()
    assert len(lines) == 100 and lines[-1] == "tick 100", (
        f"GET / without ?n=: expected 100 ticks (tick 1 .. tick 100), got {len(lines)} lines "
        f"ending {lines[-1:]}")


def test_stops_soon_after_disconnect(exercise):
    case = "GET /?n=100, the client goes away after 3 ticks"
    started = time.monotonic()
    response = stream(exercise.app, "n=100", case, GONE, disconnect_after=3, timeout=2.0)
    took = time.monotonic() - started
    ticks = sum(1 for m in response.messages if m["type"] == "http.response.body")
    assert ticks <= 5, (
        f"{case}: the app sent {ticks} body messages in all -- stop as soon as receive() "
        "returns http.disconnect (uvicorn drops what you send to a gone client)")
    assert took < 1.5, f"{case}: the app took {took:.1f} s to notice the disconnect"


def test_disconnect_before_the_body_was_read(exercise):
    case = "the client was gone before the app read the request (receive() -> http.disconnect)"
    response = stream(exercise.app, "n=100", case, GONE, disconnect_after=0, timeout=2.0)
    kinds = [m.get("type") for m in response.messages]
    assert kinds == [], (
        f"{case}: expected the app to return without sending anything, it sent {kinds} -- "
        "check for http.disconnect while reading the body, too")


def test_send_raising_oserror_ends_the_stream(exercise):
    stream(exercise.app, "n=1", "GET /?n=1")  # a stub fails here, before the real check
    case = "send() raised OSError after 3 ticks (a server following ASGI spec 2.4)"
    sent: list[dict] = []
    after_error: list[dict] = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict:
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # this server never says http.disconnect
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        await asyncio.sleep(0)
        if len(sent) >= 4:  # start + 3 ticks went out; the client is gone
            after_error.append(message)
            raise ConnectionResetError("the client closed the connection")
        sent.append(message)

    scope = http_scope("GET", "/", "n=100")
    try:
        asyncio.run(asyncio.wait_for(exercise.app(scope, receive, send), 2.0))
    except TimeoutError:
        pytest.fail(f"{case}: the app did not return within 2 s -- an OSError from send() "
                    "means the client is gone: stop", pytrace=False)
    except OSError as exc:
        pytest.fail(f"{case}: the app let {type(exc).__name__} escape -- the exercise asks you "
                    "to treat it as a disconnect: stop and return normally "
                    "(ASGI spec, HTTP 'Disconnected Client - send exception')", pytrace=False)
    assert len(after_error) == 1, (
        f"{case}: the app called send() {len(after_error)} times after it raised -- "
        "stop at the first OSError")
