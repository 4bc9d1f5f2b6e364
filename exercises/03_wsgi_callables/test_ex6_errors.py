"""Graded tests of exercise 3.6: exc_info, before and after the headers went out.

Run: python -m course check 3   (or: python -m pytest exercises/03_wsgi_callables)
"""

from __future__ import annotations

import io

import pytest

from course.testing import call_wsgi, make_environ


class StrictServer:
    """Plays the server's side of start_response exactly as PEP 3333 describes it."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.status: str | None = None
        self.headers_sent = False
        self.body: list[bytes] = []
        self.errors = io.StringIO()

    def start_response(self, status, headers, exc_info=None):
        self.calls.append((status, headers, exc_info))
        if exc_info is not None:
            try:
                if self.headers_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self.status is not None:
            raise AssertionError("PEP 3333: start_response was called a second time without "
                                 "exc_info")
        self.status = status
        return self.body.append

    def run(self, app, path: str) -> None:
        environ = make_environ(path=path)
        environ["wsgi.errors"] = self.errors
        result = app(environ, self.start_response)
        try:
            for item in result:
                if item:
                    self.headers_sent = True      # the head goes out with the first body bytes
                    self.body.append(item)
        finally:
            if hasattr(result, "close"):
                result.close()


def test_a_good_page_streams_with_200(exercise):
    response = call_wsgi(exercise.app, path="/")
    assert response.status == "200 OK", f"expected 200 OK, got {response.status!r}"
    assert response.chunks == list(exercise.produce("/")), (
        f"stream each part of produce('/') as one body item; got {response.chunks!r}")
    assert response.header("Content-Type") == "text/html; charset=utf-8"


def test_failure_before_the_first_part_becomes_a_500(exercise):
    server = StrictServer()
    server.run(exercise.app, "/broken")
    assert server.status == "500 Internal Server Error", (
        f"produce('/broken') raised before any body was sent: the final status must be 500, "
        f"got {server.status!r}")
    assert len(server.calls) == 2 and server.calls[0][0] == "200 OK", (
        "call start_response('200 OK', ...) first, then again for the 500; calls were "
        f"{[c[0] for c in server.calls]}")
    exc_info = server.calls[1][2]
    assert exc_info is not None and isinstance(exc_info[1], exercise.PageError), (
        "the second start_response must get exc_info=sys.exc_info() (the PageError); got "
        f"{exc_info!r}")
    assert b"".join(server.body) == b"Internal Server Error\n", (
        f"the 500 body is the generic b'Internal Server Error\\n' (no exception text, it may "
        f"leak secrets); got {b''.join(server.body)!r}")
    assert "PageError" in server.errors.getvalue(), (
        "write the traceback to environ['wsgi.errors'] so it reaches the server's log")


def test_the_500_passes_wsgiref_validate(exercise):
    response = call_wsgi(exercise.app, path="/broken")
    assert response.status_code == 500 and response.body == b"Internal Server Error\n", (
        f"under wsgiref.validate: expected 500 and the generic body, got {response.status!r} "
        f"{response.body!r}")


def test_failure_after_the_headers_were_sent_propagates(exercise):
    server = StrictServer()
    try:
        server.run(exercise.app, "/half")
    except exercise.PageError:
        pass
    else:
        pytest.fail("produce('/half') raised PageError after the first part went out: the "
                    "second start_response(..., sys.exc_info()) re-raises it and the app must "
                    "let it propagate (PEP 3333: the server then cuts the connection); the "
                    "body ended quietly instead, so the client thinks the page is complete",
                    pytrace=False)
    assert server.status == "200 OK" and server.body == [b"<h1>Report</h1>\n"], (
        "the first part went out with a 200; the status can no longer change")
    assert len(server.calls) == 2 and server.calls[1][2] is not None, (
        "the app must still call start_response(..., sys.exc_info()); the server decides "
        "(here: re-raises, because the headers were sent)")


def test_parts_are_streamed_not_buffered(exercise, monkeypatch):
    produced = []

    def tracking(path):
        for part in (b"<a>", b"<b>", b"<c>"):
            produced.append(part)
            yield part

    monkeypatch.setattr(exercise, "produce", tracking)
    body = exercise.app(make_environ(path="/"), lambda s, h, e=None: None)
    first = next(iter(body))
    assert first == b"<a>" and produced == [b"<a>"], (
        "yield each part as soon as produce() gives it: after one item the app had pulled "
        f"{produced!r}")
    if hasattr(body, "close"):
        body.close()
