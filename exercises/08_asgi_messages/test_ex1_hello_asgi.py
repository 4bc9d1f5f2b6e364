"""Graded tests of exercise 8.1: driven in process, message by message (course.asgi)."""

import asyncio

from course.asgi import call_asgi


def test_sends_start_then_one_body(exercise):
    response = call_asgi(exercise.app, "GET", "/")
    kinds = [m["type"] for m in response.messages]
    assert kinds == ["http.response.start", "http.response.body"], (
        f"expected exactly http.response.start then http.response.body, got {kinds}")


def test_status_headers_and_body(exercise):
    response = call_asgi(exercise.app, "GET", "/anything")
    assert response.status == 200, f"expected status 200, got {response.status!r}"
    assert response.body == b"Hello, ASGI!", f"expected body b'Hello, ASGI!', got {response.body!r}"
    assert response.header("content-type") == "text/plain; charset=utf-8", (
        f"expected content-type 'text/plain; charset=utf-8', "
        f"got {response.header('content-type')!r}")
    assert response.header("content-length") == "12", (
        f"expected content-length '12' (the body's length in bytes), "
        f"got {response.header('content-length')!r}")


def test_header_names_are_lower_case(exercise):
    response = call_asgi(exercise.app, "GET", "/")
    names = [name for name, _ in response.headers]
    assert all(name == name.lower() for name in names), (
        f"expected lower-case header names like b'content-type', got {names} -- "
        "ASGI spec, HTTP 'Response Start': header names must be lowercased")


def test_ignores_other_scope_types(exercise):
    call_asgi(exercise.app, "GET", "/")  # a stub fails here, before the real check
    sent = []

    async def receive():
        return {"type": "lifespan.startup"}

    async def send(message):
        sent.append(message)

    asyncio.run(asyncio.wait_for(exercise.app({"type": "websocket"}, receive, send), 2))
    assert sent == [], f"for a scope type other than 'http' send nothing, sent {sent}"
