"""Graded tests of exercise 12.2: a WSGI-to-ASGI adapter with threads, streaming, close()."""

from __future__ import annotations

import asyncio
import threading
import time

from course.asgi import acall_asgi, call_asgi, call_lifespan, http_scope


def echo_app(environ, start_response):
    body = environ["wsgi.input"].read()
    text = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}?{environ['QUERY_STRING']} "
    start_response("201 Created", [("Content-Type", "text/plain"), ("X-Custom", "yes")])
    return [text.encode() + body]


def test_whole_body_method_path_and_query_reach_the_app(exercise):
    response = call_asgi(exercise.WsgiToAsgi(echo_app), "POST", "/items", "q=1",
                         body_chunks=[b"one ", b"two ", b"three"])
    assert response.body == b"POST /items?q=1 one two three", (
        "the app should read the whole body (three http.request messages) from wsgi.input; "
        f"expected b'POST /items?q=1 one two three', got {response.body!r}")


def test_status_is_an_int_and_header_names_lower_case(exercise):
    response = call_asgi(exercise.WsgiToAsgi(echo_app), "GET", "/")
    assert response.status == 201, (
        f"start_response('201 Created', ...) must become 'status': 201, got {response.status!r}")
    assert (b"x-custom", b"yes") in response.headers, (
        f"headers become (name, value) bytes pairs with lower-case names (ASGI spec); expected "
        f"(b'x-custom', b'yes') among {response.headers}")


def test_requests_run_at_the_same_time_in_threads(exercise):
    together = threading.Barrier(4, timeout=3)

    def meeting_app(environ, start_response):
        try:
            together.wait()
            verdict = b"together"
        except threading.BrokenBarrierError:
            verdict = b"alone"
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [verdict]

    async def four():
        adapter = exercise.WsgiToAsgi(meeting_app, workers=4)
        return await asyncio.gather(*(acall_asgi(adapter, "GET", "/", timeout=10)
                                      for _ in range(4)))

    bodies = [r.body for r in asyncio.run(four())]
    assert bodies == [b"together"] * 4, (
        "four requests each wait (a threading.Barrier) until all four are running; they got "
        f"{bodies}: run the WSGI app in the thread pool (loop.run_in_executor), never on the "
        "event loop, so that requests overlap")


def test_no_more_than_workers_at_once(exercise):
    lock = threading.Lock()
    running = {"now": 0, "peak": 0}

    def counting_app(environ, start_response):
        with lock:
            running["now"] += 1
            running["peak"] = max(running["peak"], running["now"])
        time.sleep(0.1)
        with lock:
            running["now"] -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    async def five():
        adapter = exercise.WsgiToAsgi(counting_app, workers=2)
        await asyncio.gather(*(acall_asgi(adapter, "GET", "/", timeout=10) for _ in range(5)))

    asyncio.run(five())
    assert running["peak"] == 2, (
        f"with workers=2 and five requests, expected exactly 2 running at once, saw "
        f"{running['peak']}: use a ThreadPoolExecutor(max_workers=workers) of your own")


async def _drive(asgi_app, on_send):
    sent = []
    asked = []

    async def receive():
        if not asked:
            asked.append(1)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(30)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        on_send(message)

    await asyncio.wait_for(asgi_app(http_scope("GET", "/"), receive, send), timeout=10)
    return sent


def test_streams_each_chunk_before_the_next_is_made(exercise):
    carried = threading.Event()

    def stream_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"first"
        yield b"released" if carried.wait(timeout=2) else b"gave up"

    def on_send(message):
        if message.get("body") == b"first":
            carried.set()

    sent = asyncio.run(_drive(exercise.WsgiToAsgi(stream_app), on_send))
    bodies = [(m.get("body"), m.get("more_body", False)) for m in sent
              if m["type"] == "http.response.body"]
    assert bodies[:2] == [(b"first", True), (b"released", True)], (
        "the app yields b'first' and waits until it was sent; expected the body messages to "
        f"start with (b'first', more_body=True), (b'released', more_body=True), got {bodies}")
    assert bodies[-1] == (b"", False), (
        f"end with one final empty body message with more_body=False, got {bodies[-1]}")


def test_empty_body_still_sends_the_start(exercise):
    def empty_app(environ, start_response):
        start_response("204 No Content", [])
        return []

    response = call_asgi(exercise.WsgiToAsgi(empty_app), "GET", "/")
    assert response.status == 204 and response.complete, (
        "an app that returns an empty body still needs http.response.start and a final body "
        f"message; got status {response.status!r}, complete={response.complete}")


class Body:
    def __init__(self, fail: bool) -> None:
        self.fail = fail
        self.closed = 0

    def __iter__(self):
        yield b"part"
        if self.fail:
            raise RuntimeError("the database went away")
        yield b"rest"

    def close(self):
        self.closed += 1


def test_close_is_called_once(exercise):
    body = Body(fail=False)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    response = call_asgi(exercise.WsgiToAsgi(app), "GET", "/")
    assert response.body == b"partrest", f"expected b'partrest', got {response.body!r}"
    assert body.closed == 1, (
        f"PEP 3333: the iterable's close() must be called once, it was called {body.closed} "
        "times")


def test_close_is_called_even_when_the_body_raises(exercise):
    body = Body(fail=True)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    raised = None
    try:
        call_asgi(exercise.WsgiToAsgi(app), "GET", "/", validate=False)
    except RuntimeError as exc:
        raised = exc
    assert body.closed == 1, (
        "iterating the body raised half-way; close() must still be called exactly once "
        f"(try/finally), it was called {body.closed} times")
    assert raised is not None, (
        "the app's exception must propagate to the server (it answers 500 or cuts the "
        "connection), not be swallowed")


def test_disconnect_before_the_body_skips_the_app(exercise):
    called = []

    def app(environ, start_response):
        called.append(1)
        start_response("200 OK", [])
        return [b""]

    messages = [{"type": "http.request", "body": b"half", "more_body": True},
                {"type": "http.disconnect"}]
    sent = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    asyncio.run(asyncio.wait_for(exercise.WsgiToAsgi(app)(http_scope("POST", "/"), receive,
                                                           send), timeout=5))
    assert not called and not sent, (
        "the client left before the body was complete (http.disconnect): return without "
        f"calling the app; the app was called {len(called)} times, {len(sent)} messages sent")


def test_lifespan_completes_and_websocket_is_refused(exercise):
    sent, _ = call_lifespan(exercise.WsgiToAsgi(echo_app))
    kinds = [m["type"] for m in sent]
    assert kinds == ["lifespan.startup.complete", "lifespan.shutdown.complete"], (
        f"answer lifespan.startup and lifespan.shutdown with their .complete; got {kinds}")
    out = []

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        out.append(message)

    scope = {"type": "websocket", "path": "/", "headers": [], "query_string": b""}
    asyncio.run(asyncio.wait_for(exercise.WsgiToAsgi(echo_app)(scope, receive, send), 5))
    assert [m["type"] for m in out] == ["websocket.close"], (
        f"a WSGI app cannot speak WebSocket: refuse with websocket.close, got {out}")
