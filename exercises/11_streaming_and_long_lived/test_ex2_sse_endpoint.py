"""Graded tests of exercise 11.2: an SSE endpoint, driven in process with course.asgi."""

from __future__ import annotations

import asyncio

from course.asgi import call_asgi, http_scope

HEARTBEAT = b": heartbeat\n\n"


def bodies(response) -> list[bytes]:
    return [m.get("body", b"") for m in response.messages if m["type"] == "http.response.body"]


def event_ids(response) -> list[int]:
    ids = []
    for body in bodies(response):
        for line in body.split(b"\n"):
            if line.startswith(b"id: "):
                ids.append(int(line[4:]))
    return ids


def test_headers_of_an_event_stream(exercise):
    response = call_asgi(exercise.app, "GET", "/events", "count=1&every=0.01")
    assert response.status == 200, f"expected status 200, got {response.status}"
    for name, value in [("content-type", "text/event-stream"), ("cache-control", "no-cache"),
                        ("x-accel-buffering", "no")]:
        assert response.header(name) == value, (
            f"expected the header {name}: {value}, got {response.header(name)!r} -- "
            "EventSource requires text/event-stream (WHATWG HTML §9.2); no-cache and "
            "X-Accel-Buffering keep caches and nginx from holding events back")
    assert response.header("content-length") is None, (
        "a stream has no content-length: its length is not known when it starts")


def test_events_one_message_each_then_the_end(exercise):
    response = call_asgi(exercise.app, "GET", "/events", "count=3&every=0.01&heartbeat=60")
    events = [b for b in bodies(response) if b]
    expected = [f"id: {k}\ndata: tick {k}\n\n".encode() for k in (1, 2, 3)]
    assert events == expected, (
        f"count=3: expected three body messages {expected}, got {events}")
    last = response.messages[-1]
    assert last.get("body", b"") == b"" and not last.get("more_body", False), (
        f"after the last event, end the response with an empty body and more_body=False; the "
        f"last message was {last}")
    streaming = [m for m in response.messages[1:-1] if not m.get("more_body", False)]
    assert not streaming, "every event is sent with more_body=True (the stream goes on)"


def test_resumes_after_last_event_id(exercise):
    response = call_asgi(exercise.app, "GET", "/events", "count=5&every=0.01",
                         headers={"Last-Event-ID": "3"})
    assert event_ids(response) == [4, 5], (
        f"Last-Event-ID: 3 with count=5: expected events 4 and 5 only (nothing lost, nothing "
        f"repeated), got ids {event_ids(response)}")


def test_ignores_a_last_event_id_that_is_not_a_number(exercise):
    for value in ["abc", "", "-1", "2x"]:
        response = call_asgi(exercise.app, "GET", "/events", "count=2&every=0.01",
                             headers={"Last-Event-ID": value})
        assert event_ids(response) == [1, 2], (
            f"Last-Event-ID: {value!r} is not all digits: start at 1; got ids "
            f"{event_ids(response)}")


def test_heartbeats_between_events(exercise):
    response = call_asgi(exercise.app, "GET", "/events", "count=3&every=0.3&heartbeat=0.03")
    sent = bodies(response)
    first, second, third = (sent.index(f"id: {k}\ndata: tick {k}\n\n".encode())
                            for k in (1, 2, 3))
    for start, end in [(first, second), (second, third)]:
        between = sent[start + 1:end]
        assert between and all(b == HEARTBEAT for b in between), (
            f"every=0.3, heartbeat=0.03: expected heartbeat comments {HEARTBEAT!r} (one per "
            f"message) between two events, got {between}")
    assert HEARTBEAT not in sent[:first], "the first event goes out at once, before any heartbeat"


def test_no_heartbeat_when_events_come_often(exercise):
    response = call_asgi(exercise.app, "GET", "/events", "count=3&every=0.01&heartbeat=30")
    assert HEARTBEAT not in bodies(response), (
        "heartbeat=30 with events 0.01 s apart: no heartbeat is due, but one was sent")


def test_stops_when_the_client_leaves(exercise):
    response = call_asgi(exercise.app, "GET", "/events", "count=1000&every=0.01&heartbeat=60",
                         disconnect_after=3, timeout=3.0)
    assert len(event_ids(response)) <= 4, (
        f"the client left after 3 events; the app went on to send {len(event_ids(response))} "
        "-- stop when receive() returns http.disconnect")


def test_stops_in_the_middle_of_a_long_wait(exercise):
    response = call_asgi(exercise.app, "GET", "/events", "count=3&every=30&heartbeat=60",
                         disconnect_after=1, timeout=3.0)
    assert event_ids(response) == [1], f"expected only event 1, got {event_ids(response)}"


def test_oserror_from_send_means_the_client_left(exercise):
    sent: list[dict] = []

    async def receive():
        if not sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()   # the client never says anything more

    async def send(message):
        if message["type"] == "http.response.body" and message.get("body"):
            raise OSError("ASGI spec 2.4: the connection is closed")
        sent.append(message)

    scope = http_scope("GET", "/events", b"count=3&every=0.01")

    async def run():
        await asyncio.wait_for(exercise.app(scope, receive, send), 3.0)

    try:
        asyncio.run(run())
    except OSError:
        raise AssertionError(
            "send() raised OSError (a server implementing ASGI spec 2.4 does that when the "
            "client has gone); the app should treat it as a disconnect and return normally"
        ) from None
    except TimeoutError:
        raise AssertionError("after send() raised OSError the app did not return") from None
