"""Graded tests of exercise 8.3: one http.response.body per line, more_body until the last."""

from course.asgi import call_asgi


def test_countdown_from_5_streams_one_message_per_line(exercise):
    response = call_asgi(exercise.app, "GET", "/", "from=5")
    expected = [b"5\n", b"4\n", b"3\n", b"2\n", b"1\n", b"liftoff!\n"]
    assert response.chunks == expected, (
        f"expected one body message per line {expected}, got {response.chunks}")


def test_more_body_flags(exercise):
    response = call_asgi(exercise.app, "GET", "/", "from=2")
    flags = [m.get("more_body", False) for m in response.messages
             if m["type"] == "http.response.body"]
    assert flags == [True, True, False], (
        f"every body message but the last needs more_body=True, the last False; got {flags}")


def test_default_and_zero(exercise):
    default = call_asgi(exercise.app, "GET", "/")
    assert default.body == b"3\n2\n1\nliftoff!\n", (
        f"without ?from= count down from 3, got {default.body!r}")
    zero = call_asgi(exercise.app, "GET", "/", "from=0")
    assert zero.chunks == [b"liftoff!\n"], f"from=0 sends only liftoff!, got {zero.chunks}"


def test_no_content_length_and_text_type(exercise):
    response = call_asgi(exercise.app, "GET", "/", "from=1")
    assert response.status == 200, f"expected status 200, got {response.status!r}"
    assert response.header("content-length") is None, (
        "a streamed response sends no content-length (the server uses chunked framing)")
    assert response.header("content-type") == "text/plain; charset=utf-8", (
        f"expected content-type 'text/plain; charset=utf-8', "
        f"got {response.header('content-type')!r}")
