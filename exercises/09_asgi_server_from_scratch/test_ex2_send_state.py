"""Graded tests for exercise 9.2: the send state machine."""

import pytest

START = {"type": "http.response.start", "status": 200,
         "headers": [(b"content-type", b"text/plain")]}


def short(message: dict) -> str:
    return repr(message) if len(repr(message)) <= 90 else repr(message)[:87] + "..."


def accepts(state, message: dict, case: str) -> None:
    """advance(message) must accept a valid message; an exception fails naming ``case``."""
    try:
        state.advance(message)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the learner's code may raise anything
        pytest.fail(f"{case}: advance({short(message)}) should accept it, it raised "
                    f"{type(exc).__name__}: {exc}", pytrace=False)


def refuses(state, message: dict, why: str) -> RuntimeError:
    """advance(message) must raise RuntimeError (NotImplementedError does not count)."""
    try:
        state.advance(message)
    except NotImplementedError:
        raise
    except RuntimeError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - the wrong kind of error
        pytest.fail(f"{why}; advance({short(message)}) raised {type(exc).__name__}: {exc} "
                    "-- the server's rule is RuntimeError", pytrace=False)
    pytest.fail(f"{why}; advance({short(message)}) accepted it (state now "
                f"{state.state!r})", pytrace=False)


def test_a_whole_response_walks_start_streaming_done(exercise):
    s = exercise.SendState()
    accepts(s, START, "the first message")
    assert s.state == "streaming", (
        f"after http.response.start: expected 'streaming', got {s.state!r}")
    assert s.status == 200 and s.headers == [(b"content-type", b"text/plain")], (
        f"keep status and headers: got {s.status!r}, {s.headers!r}")
    accepts(s, {"type": "http.response.body", "body": b"Hello, ", "more_body": True},
            "a body with more_body=True")
    assert s.state == "streaming", (
        f"more_body=True: the response is not finished yet, expected 'streaming', "
        f"got {s.state!r}")
    accepts(s, {"type": "http.response.body", "body": b"world"}, "a body without more_body")
    assert s.state == "done", (
        f"more_body absent means False (ASGI spec, HTTP 'Response Body'): expected 'done', "
        f"got {s.state!r}")
    assert bytes(s.body) == b"Hello, world", f"body so far: got {bytes(s.body)!r}"


def test_headers_and_body_default(exercise):
    s = exercise.SendState()
    accepts(s, {"type": "http.response.start", "status": 204}, "a start without headers")
    assert s.headers == [], (
        f"headers are optional (ASGI spec: missing means an empty list), got {s.headers!r}")
    accepts(s, {"type": "http.response.body"}, "a body message without 'body'")
    assert (bytes(s.body), s.state) == (b"", "done"), (
        f"a body message with neither 'body' nor 'more_body' is an empty final body: expected "
        f"b'' and 'done', got {bytes(s.body)!r} and {s.state!r}")
    s = exercise.SendState()
    accepts(s, {"type": "http.response.start", "status": 200, "headers": [[b"x-a", b"1"]]},
            "headers given as [name, value] lists")
    assert s.headers == [(b"x-a", b"1")], (
        f"keep the headers as a list of (name, value) tuples, got {s.headers!r}")


def test_body_before_start_raises(exercise):
    s = exercise.SendState()
    refuses(s, {"type": "http.response.body", "body": b"too early"},
            "ASGI: http.response.body before http.response.start must raise RuntimeError")


def test_the_error_says_what_was_expected_and_what_came(exercise):
    s = exercise.SendState()
    error = refuses(s, {"type": "http.response.body", "body": b"too early"},
                    "ASGI: http.response.body before http.response.start must raise "
                    "RuntimeError")
    text = str(error)
    assert "http.response.start" in text and "http.response.body" in text, (
        f"the RuntimeError for a body before the start should name what was expected "
        f"(http.response.start) and what came (http.response.body), it says {text!r} -- "
        "that message is all the app's author will see")


def test_two_starts_raise(exercise):
    s = exercise.SendState()
    accepts(s, START, "the first message")
    refuses(s, START, "ASGI: a second http.response.start must raise RuntimeError")


def test_other_types_raise_while_streaming(exercise):
    s = exercise.SendState()
    accepts(s, START, "the first message")
    for wrong in ({"type": "http.disconnect"}, {"type": "websocket.send", "text": "hi"}):
        refuses(s, wrong, f"ASGI: while streaming only http.response.body may come, so "
                f"{wrong['type']} must raise RuntimeError")


def test_nothing_after_the_final_body(exercise):
    s = exercise.SendState()
    accepts(s, START, "the first message")
    accepts(s, {"type": "http.response.body", "body": b"done", "more_body": False},
            "the final body")
    for late in ({"type": "http.response.body", "body": b"late"}, START):
        refuses(s, late, f"ASGI: {late['type']} after the final body must raise RuntimeError")


def test_bad_start_messages_raise(exercise):
    bad = [({"type": "http.response.start", "status": "200 OK"}, "status is a str"),
           ({"type": "http.response.start", "status": 42}, "status 42 is below 100"),
           ({"type": "http.response.start", "status": 600}, "status 600 is above 599"),
           ({"type": "http.response.start", "status": 200, "headers": [("content-type", "x")]},
            "header name and value are str"),
           ({"type": "http.response.start", "status": 200,
             "headers": [(b"content-type", "x")]}, "the header value is a str"),
           ({"type": "websocket.send", "text": "hi"}, "a websocket message first")]
    for message, what in bad:
        s = exercise.SendState()
        refuses(s, message, f"{what}: expected RuntimeError (status: an int 100-599; headers: "
                "bytes pairs; http.response.start first)")
