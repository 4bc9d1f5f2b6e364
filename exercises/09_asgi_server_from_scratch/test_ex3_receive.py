"""Graded tests for exercise 9.3: receive yields body chunks, then http.disconnect."""

import asyncio


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 5))


def test_chunks_then_more_body_false(exercise):
    async def scenario():
        gone = asyncio.Event()
        receive = exercise.make_receive([b"ab", b"cd", b"e"], gone)
        return [await receive() for _ in range(3)]
    got = run(scenario())
    expected = [{"type": "http.request", "body": b"ab", "more_body": True},
                {"type": "http.request", "body": b"cd", "more_body": True},
                {"type": "http.request", "body": b"e", "more_body": False}]
    assert got == expected, (
        f"ASGI: one http.request per chunk, more_body True until the last; got {got!r}")


def test_no_body_is_one_empty_message(exercise):
    async def scenario():
        receive = exercise.make_receive([], asyncio.Event())
        return await receive()
    got = run(scenario())
    assert got == {"type": "http.request", "body": b"", "more_body": False}, (
        "a request without a body still gets one http.request (body b'', more_body False); "
        f"got {got!r}")


def test_waits_for_the_disconnect_then_repeats_it(exercise):
    async def scenario():
        gone = asyncio.Event()
        receive = exercise.make_receive([b"x"], gone)
        await receive()
        early = asyncio.ensure_future(receive())
        await asyncio.sleep(0.1)
        assert not early.done(), (
            "after the body, receive() must wait until the client disconnects; it returned "
            f"{early.result() if early.done() else None!r} at once")
        gone.set()
        first = await asyncio.wait_for(early, 1)
        again = await asyncio.wait_for(receive(), 1)
        return first, again
    first, again = run(scenario())
    assert first == {"type": "http.disconnect"} == again, (
        "expected {'type': 'http.disconnect'} now and on every later call; "
        f"got {first!r}, {again!r}")


def test_each_receive_is_independent(exercise):
    async def scenario():
        gone = asyncio.Event()
        a = exercise.make_receive([b"a1", b"a2"], gone)
        b = exercise.make_receive([b"b1"], gone)
        return await a(), await b(), await a()
    got = run(scenario())
    bodies = [m.get("body") for m in got]
    assert bodies == [b"a1", b"b1", b"a2"], (
        f"two receives must not share their chunks; got {bodies!r}")
