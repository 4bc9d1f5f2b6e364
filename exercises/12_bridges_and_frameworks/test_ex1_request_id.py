"""Graded tests of exercise 12.1: a pure ASGI request-id middleware."""

from __future__ import annotations

import asyncio
import re

from course.asgi import call_asgi, call_lifespan, http_scope


async def hello(scope, receive, send):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"x-app", b"yes")]})
    await send({"type": "http.response.body", "body": b"hello"})


def test_adds_a_fresh_id_and_keeps_the_apps_headers(exercise):
    first = call_asgi(exercise.RequestId(hello), "GET", "/")
    second = call_asgi(exercise.RequestId(hello), "GET", "/")
    got = first.header("x-request-id")
    assert got is not None, f"expected an x-request-id header, got headers {first.headers}"
    assert re.fullmatch(r"[0-9a-f]{32}", got), (
        f"a fresh id is uuid.uuid4().hex (32 hex digits), got {got!r}")
    assert got != second.header("x-request-id"), "two requests got the same id: make a new one"
    assert first.header("x-app") == "yes" and first.header("content-type") == "text/plain", (
        f"keep every header the app sent; got {first.headers}")
    assert first.body == b"hello", f"the body must pass through, got {first.body!r}"


def test_reuses_a_safe_incoming_id(exercise):
    response = call_asgi(exercise.RequestId(hello), "GET", "/",
                         headers={"X-Request-ID": "nginx-7f3a.1"})
    got = response.header("x-request-id")
    assert got == "nginx-7f3a.1", (
        f"the request carried the safe id 'nginx-7f3a.1' (a proxy set it): reuse it, got {got!r}")


def test_never_echoes_an_unsafe_incoming_id(exercise):
    for unsafe in ("<script>alert(1)</script>", "a" * 65, "two words", ""):
        response = call_asgi(exercise.RequestId(hello), "GET", "/",
                             headers={"X-Request-ID": unsafe})
        got = response.header("x-request-id") or ""
        assert got != unsafe and re.fullmatch(r"[0-9a-f]{32}", got), (
            f"incoming x-request-id {unsafe!r} does not match SAFE_ID: make a fresh uuid4 hex "
            f"id instead of echoing it; got {got!r}")


def test_app_gets_a_copy_of_the_scope_with_the_id(exercise):
    seen = {}

    async def app(scope, receive, send):
        seen["scope"] = scope
        await hello(scope, receive, send)

    server_scope = http_scope("GET", "/")
    keys_before = set(server_scope)
    response = call_asgi(exercise.RequestId(app), scope=server_scope)
    inner = seen.get("scope", {})
    assert inner.get("request_id") == response.header("x-request-id"), (
        f"the app must see scope['request_id'] equal to the response's x-request-id; it saw "
        f"{inner.get('request_id')!r}, the response said {response.header('x-request-id')!r}")
    assert set(server_scope) == keys_before, (
        f"the server's scope dict was changed (new keys {set(server_scope) - keys_before}): "
        "call the app with a copy, e.g. {**scope, 'request_id': ...}")


async def _drive(app, on_send):
    sent = []
    gone = asyncio.Event()

    async def receive():
        if not sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        on_send(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            gone.set()

    await asyncio.wait_for(app(http_scope("GET", "/"), receive, send), timeout=5)
    return sent


def test_streams_each_message_as_it_comes(exercise):
    carried = asyncio.Event()

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"first", "more_body": True})
        try:
            await asyncio.wait_for(carried.wait(), timeout=1)
            last = b"released"
        except TimeoutError:
            last = b"gave up"
        await send({"type": "http.response.body", "body": last})

    def on_send(message):
        if message.get("body") == b"first":
            carried.set()

    sent = asyncio.run(_drive(exercise.RequestId(app), on_send))
    bodies = [m.get("body") for m in sent if m["type"] == "http.response.body"]
    assert bodies == [b"first", b"released"], (
        "the app sent 'first' and then waited for it to reach the client; expected the body "
        f"messages [b'first', b'released'], got {bodies} -- forward each message at once, "
        "never collect the body")


def test_the_app_still_hears_the_disconnect(exercise):
    heard = []

    async def ticker(scope, receive, send):
        await receive()
        listener = asyncio.ensure_future(receive())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(100):
            if listener.done():
                heard.append(listener.result()["type"])
                break
            await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
            await asyncio.sleep(0.01)
        listener.cancel()
        await send({"type": "http.response.body", "body": b""})

    response = call_asgi(exercise.RequestId(ticker), "GET", "/", disconnect_after=3, timeout=3)
    ticks = sum(1 for m in response.messages if m.get("body") == b"tick\n")
    assert heard == ["http.disconnect"], (
        f"after the request body, the app's next receive() must return http.disconnect when "
        f"the client leaves; it returned {heard or 'nothing'} -- pass receive through unchanged")
    assert ticks <= 5, (
        f"the client left after 3 ticks but the app sent {ticks}: it never saw "
        "http.disconnect -- pass receive through unchanged")


def test_lifespan_and_websocket_pass_through_untouched(exercise):
    seen = []

    async def app(scope, receive, send):
        seen.append(scope)
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = message["type"].removeprefix("lifespan.")
                await send({"type": f"lifespan.{kind}.complete"})
                if kind == "shutdown":
                    return

    sent, _ = call_lifespan(exercise.RequestId(app))
    kinds = [m["type"] for m in sent]
    assert kinds == ["lifespan.startup.complete", "lifespan.shutdown.complete"], (
        f"a lifespan scope must reach the app unchanged; the server got {kinds}")
    websocket_scope = {"type": "websocket", "path": "/ws", "headers": []}

    async def receive():
        return {"type": "websocket.disconnect", "code": 1000}

    async def send(message):
        pass

    asyncio.run(exercise.RequestId(app)(websocket_scope, receive, send))
    assert seen and seen[-1] is websocket_scope, (
        "a websocket scope must reach the app as it is (the same dict): only http requests "
        "get a request id")
