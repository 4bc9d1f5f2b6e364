"""Graded tests of exercise 3.4: the POST echo (in-process under wsgiref.validate, then gunicorn).

Run: python -m course check 3   (or: python -m pytest exercises/03_wsgi_callables)
"""

from __future__ import annotations

import io

import pytest
import requests

from course import servers
from course.testing import call_wsgi, make_environ


class TrickleInput(io.RawIOBase):
    """A socket-like stream: returns at most 3 bytes per read, and refuses read() without size."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size >= 0, (
            "wsgi.input.read() without a size can block until the client closes the "
            "connection: always read(n)")
        piece = self.data[self.position:self.position + min(size, 3)]
        self.position += len(piece)
        return piece


def post(exercise, body: bytes, **kwargs):
    return call_wsgi(exercise.app, method="POST", path="/echo", body=body, **kwargs)


def test_echoes_the_body_and_its_type(exercise):
    response = post(exercise, b'{"hello": "wsgi"}', headers={"Content-Type": "application/json"})
    assert response.status == "200 OK", f"expected 200 OK, got {response.status!r}"
    assert response.body == b'{"hello": "wsgi"}', f"expected the body echoed, got {response.body!r}"
    assert response.header("Content-Type") == "application/json", (
        f"echo the request's Content-Type; got {response.header('Content-Type')!r}")
    assert response.header("Content-Length") == "17"
    response = post(exercise, b"\x00\x01\xff")
    assert response.body == b"\x00\x01\xff"
    assert response.header("Content-Type") == "application/octet-stream", (
        "without a CONTENT_TYPE, answer application/octet-stream")


def test_reads_exactly_content_length_bytes(exercise):
    stream = io.BytesIO(b"hello" + b"GET /next-request HTTP/1.1\r\n")
    environ = make_environ(method="POST", path="/echo", CONTENT_LENGTH="5")
    environ["wsgi.input"] = stream
    response = call_wsgi(exercise.app, environ)
    assert response.body == b"hello", (
        f"CONTENT_LENGTH is 5: echo exactly b'hello', got {response.body!r}")
    assert stream.tell() == 5, (
        f"the app read {stream.tell()} bytes; PEP 3333: never read past CONTENT_LENGTH "
        "(the rest may be the next request on the connection)")


def test_keeps_reading_when_the_stream_returns_short_reads(exercise):
    body = b"0123456789" * 5
    environ = make_environ(method="POST", path="/echo", CONTENT_LENGTH=str(len(body)))
    environ["wsgi.input"] = TrickleInput(body)
    response = call_wsgi(exercise.app, environ)
    assert response.status_code == 200 and response.body == body, (
        "read(n) may return fewer than n bytes (a socket does): loop until you have "
        f"CONTENT_LENGTH bytes. Got {response.status!r} {response.body!r}")


def test_short_reads_never_read_past_content_length(exercise):
    """A socket hands out what has arrived: read(n) may return less than n, many times."""
    stream = TrickleInput(b"hello" + b"GET /next-request HTTP/1.1\r\n")
    environ = make_environ(method="POST", path="/echo", CONTENT_LENGTH="5")
    environ["wsgi.input"] = stream
    response = call_wsgi(exercise.app, environ)
    assert stream.position == 5, (
        f"CONTENT_LENGTH is 5 and each read returned at most 3 bytes; the app read "
        f"{stream.position} bytes. PEP 3333: never read past CONTENT_LENGTH (the rest is "
        "the next request): after a short read, ask only for the bytes still missing")
    assert response.status_code == 200 and response.body == b"hello", (
        f"CONTENT_LENGTH is 5: expected 200 and b'hello', got {response.status!r} "
        f"{response.body!r}")


def test_truncated_body_is_a_400(exercise):
    environ = make_environ(method="POST", path="/echo", CONTENT_LENGTH="10")
    environ["wsgi.input"] = io.BytesIO(b"only4")
    response = call_wsgi(exercise.app, environ)
    assert response.status_code == 400, (
        "CONTENT_LENGTH says 10 but the stream ended after 5 bytes (the client went away): "
        f"expected 400, got {response.status!r}")


def test_missing_content_length_is_a_411(exercise):
    for value in (None, ""):
        environ = make_environ(method="POST", path="/echo")
        environ.pop("CONTENT_LENGTH", None)
        if value is not None:
            environ["CONTENT_LENGTH"] = value
        response = call_wsgi(exercise.app, environ)
        assert response.status_code == 411, (
            f"CONTENT_LENGTH={value!r}: expected 411 Length Required, got {response.status!r}")


@pytest.mark.parametrize("value", ["abc", "-1", "+5", "5.0", "0x10", "\u00b2"])
def test_bad_content_length_is_a_400(exercise, value):
    environ = make_environ(method="POST", path="/echo", CONTENT_LENGTH=value)
    environ["wsgi.input"] = io.BytesIO(b"12345")
    # validate=False: wsgiref.validate itself chokes on such a CONTENT_LENGTH (it calls int()
    # on it); a server should never pass one on, but the app must not trust that.
    response = call_wsgi(exercise.app, environ, validate=False)
    assert response.status_code == 400, (
        f"CONTENT_LENGTH={value!r} is not a plain decimal length: expected 400, got "
        f"{response.status!r}")


def test_too_large_is_a_413_without_reading(exercise):
    stream = io.BytesIO(b"x" * 10)
    environ = make_environ(method="POST", path="/echo",
                          CONTENT_LENGTH=str(exercise.MAX_BODY + 1))
    environ["wsgi.input"] = stream
    response = call_wsgi(exercise.app, environ)
    assert response.status_code == 413, f"over MAX_BODY: expected 413, got {response.status!r}"
    assert stream.tell() == 0, "decide 413 from CONTENT_LENGTH, before reading the body"


def test_other_methods_are_a_405_with_allow(exercise):
    response = call_wsgi(exercise.app, method="GET", path="/echo")
    assert response.status_code == 405 and response.header("Allow") == "POST", (
        "GET: expected 405 Method Not Allowed with 'Allow: POST'; got "
        f"{response.status!r}, Allow={response.header('Allow')!r}")


def test_under_real_gunicorn(exercise, exercise_file):
    """The same module, served by gunicorn: real sockets, real wsgi.input."""
    with servers.gunicorn(f"{exercise_file.stem}:app", chdir=exercise_file.parent) as server:
        try:
            body = b"posted through gunicorn " * 100
            reply = requests.post(server.url + "/echo", data=body, timeout=10,
                                  headers={"Content-Type": "text/plain"})
            wrong_method = requests.get(server.url + "/echo", timeout=10)
        finally:
            log = server.output()
    assert reply.status_code == 200 and reply.content == body, (
        f"under gunicorn: expected 200 and the {len(body)}-byte body echoed, got "
        f"{reply.status_code} {reply.content[:60]!r}\n--- gunicorn's log:\n{log[-1500:]}")
    assert wrong_method.status_code == 405, (
        f"under gunicorn: GET should be 405, got {wrong_method.status_code}\n{log[-1500:]}")
