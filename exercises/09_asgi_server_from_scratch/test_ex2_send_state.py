"""Graded tests for exercise 9.2: the send state machine."""

import pytest



def refuses(state, message, why: str) -> None:
    """advance(message) must raise RuntimeError (NotImplementedError does not count)."""
    try:
        state.advance(message)
    except NotImplementedError:
        raise
    except RuntimeError:
        return
    pytest.fail(why)


START = {"type": "http.response.start", "status": 200,
         "headers": [(b"content-type", b"text/plain")]}


def test_a_whole_response_walks_start_streaming_done(exercise):
    s = exercise.SendState()
    s.advance(START)
    assert s.state == "streaming", (
        f"after http.response.start: expected 'streaming', got {s.state!r}")
    assert s.status == 200 and s.headers == [(b"content-type", b"text/plain")], (
        f"keep status and headers: got {s.status!r}, {s.headers!r}")
    s.advance({"type": "http.response.body", "body": b"Hello, ", "more_body": True})
    assert s.state == "streaming", "more_body=True: the response is not finished yet"
    s.advance({"type": "http.response.body", "body": b"world"})
    assert s.state == "done", f"more_body absent means False: expected 'done', got {s.state!r}"
    assert bytes(s.body) == b"Hello, world", f"body so far: got {bytes(s.body)!r}"


def test_body_before_start_raises(exercise):
    s = exercise.SendState()
    refuses(s, {"type": "http.response.body", "body": b"too early"},
            "ASGI: http.response.body before http.response.start must raise RuntimeError")


def test_two_starts_raise(exercise):
    s = exercise.SendState()
    s.advance(START)
    refuses(s, START, "ASGI: a second http.response.start must raise RuntimeError")


def test_nothing_after_the_final_body(exercise):
    s = exercise.SendState()
    s.advance(START)
    s.advance({"type": "http.response.body", "body": b"done", "more_body": False})
    for late in ({"type": "http.response.body", "body": b"late"}, START):
        refuses(s, late, f"ASGI: {late['type']} after the final body must raise RuntimeError")


def test_bad_start_messages_raise(exercise):
    bad = [{"type": "http.response.start", "status": "200 OK"},
           {"type": "http.response.start", "status": 42},
           {"type": "http.response.start", "status": 200, "headers": [("content-type", "x")]},
           {"type": "websocket.send", "text": "hi"}]
    for message in bad:
        s = exercise.SendState()
        refuses(s, message, f"expected RuntimeError for {message!r} (status: int 100-599; "
                "headers: bytes pairs; type: http.response.start first)")
    s = exercise.SendState()
    s.advance({"type": "http.response.start", "status": 204})
    assert s.headers == [], "headers are optional: default to an empty list"
