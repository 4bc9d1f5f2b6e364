"""Graded tests for exercise 9.3: receive yields body chunks, then http.disconnect."""

import asyncio
import types

import pytest


def run(coro, case: str):
    """Run ``coro`` (at most 5 s); a hang or an exception fails naming ``case``."""
    try:
        return asyncio.run(asyncio.wait_for(coro, 5))
    except NotImplementedError:
        raise
    except AssertionError:
        raise
    except TimeoutError:
        pytest.fail(f"{case}: receive() did not return within 5 s", pytrace=False)
    except Exception as exc:  # noqa: BLE001 - the learner's code may raise anything
        pytest.fail(f"{case}: receive() raised {type(exc).__name__}: {exc}", pytrace=False)


@types.coroutine
def counting_wakeups(coro, wakeups: list):
    """Await ``coro``, counting in ``wakeups[0]`` how often the event loop resumed it."""
    to_send, to_throw = None, None
    while True:
        try:
            if to_throw is not None:
                yielded = coro.throw(to_throw)
            else:
                yielded = coro.send(to_send)
        except StopIteration as stop:
            return stop.value
        to_send, to_throw = None, None
        try:
            to_send = yield yielded
        except BaseException as exc:  # noqa: BLE001 - cancellation is passed on to coro
            to_throw = exc
        wakeups[0] += 1


def test_chunks_then_more_body_false(exercise):
    async def scenario():
        gone = asyncio.Event()
        receive = exercise.make_receive([b"ab", b"cd", b"e"], gone)
        return [await receive() for _ in range(3)]
    got = run(scenario(), "chunks [b'ab', b'cd', b'e']")
    expected = [{"type": "http.request", "body": b"ab", "more_body": True},
                {"type": "http.request", "body": b"cd", "more_body": True},
                {"type": "http.request", "body": b"e", "more_body": False}]
    assert got == expected, (
        f"ASGI spec, HTTP 'Request': one http.request per chunk, more_body True until the "
        f"last; expected {expected!r}, got {got!r}")


def test_an_empty_last_chunk_still_ends_the_body(exercise):
    async def scenario():
        receive = exercise.make_receive([b"ab", b""], asyncio.Event())
        return [await receive() for _ in range(2)]
    case = "chunks [b'ab', b''] (expected 2 messages, the last b'' with more_body False)"
    got = run(scenario(), case)
    expected = [{"type": "http.request", "body": b"ab", "more_body": True},
                {"type": "http.request", "body": b"", "more_body": False}]
    assert got == expected, (
        f"{case}: got {got!r} -- an empty last chunk still carries more_body=False, the "
        "only sign that the body is complete: don't drop it")


def test_no_body_is_one_empty_message(exercise):
    async def scenario():
        receive = exercise.make_receive([], asyncio.Event())
        return await receive()
    got = run(scenario(), "no chunks: expected one http.request (body b'', more_body False)")
    assert got == {"type": "http.request", "body": b"", "more_body": False}, (
        "a request without a body still gets one http.request (body b'', more_body False) -- "
        f"it is what tells the app the request is complete; got {got!r}")


def test_waits_for_the_disconnect_then_repeats_it(exercise):
    case = "receive() after the body: before, at and after the disconnect"

    async def scenario():
        gone = asyncio.Event()
        receive = exercise.make_receive([b"x"], gone)
        await receive()
        early = asyncio.ensure_future(receive())
        await asyncio.sleep(0.1)
        assert not early.done(), (
            f"{case}: receive() must wait until the client disconnects; it returned "
            f"{early.result() if early.done() and not early.exception() else early!r} at once")
        gone.set()
        first = await asyncio.wait_for(early, 1)
        again = await asyncio.wait_for(receive(), 1)
        return first, again
    first, again = run(scenario(), case)
    assert first == {"type": "http.disconnect"} == again, (
        "expected {'type': 'http.disconnect'} once the client is gone, and again on every "
        f"later call; got {first!r}, {again!r}")


def test_waits_without_busy_looping(exercise):
    case = "waiting 0.2 s for the disconnect"

    async def scenario():
        gone = asyncio.Event()
        receive = exercise.make_receive([], gone)
        await receive()
        wakeups = [0]

        async def counted_receive():
            return await counting_wakeups(receive(), wakeups)
        waiting = asyncio.ensure_future(counted_receive())
        await asyncio.sleep(0.2)
        gone.set()
        message = await asyncio.wait_for(waiting, 1)
        return wakeups[0], message
    wakeups, message = run(scenario(), case)
    assert wakeups <= 3, (
        f"{case}: receive() was woken {wakeups} times -- it polls (a loop around "
        "asyncio.sleep) instead of waiting: await disconnected.wait() sleeps until the "
        "event is set")
    assert message == {"type": "http.disconnect"}, (
        f"{case}: expected {{'type': 'http.disconnect'}} once the event was set, got {message!r}")


def test_each_receive_is_independent(exercise):
    async def scenario():
        gone = asyncio.Event()
        a = exercise.make_receive([b"a1", b"a2"], gone)
        b = exercise.make_receive([b"b1"], gone)
        return await a(), await b(), await a()
    got = run(scenario(), "two receives, a over [b'a1', b'a2'] and b over [b'b1']")
    bodies = [m.get("body") for m in got]
    assert bodies == [b"a1", b"b1", b"a2"], (
        f"two receives (a, b, a) must not share their chunks: expected "
        f"[b'a1', b'b1', b'a2'], got {bodies!r}")
