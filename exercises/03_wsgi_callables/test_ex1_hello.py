"""Graded tests of exercise 3.1: hello, world as a WSGI callable (run under wsgiref.validate).

Run: python -m course check 3   (or: python -m pytest exercises/03_wsgi_callables)
"""

from __future__ import annotations

from course.testing import call_wsgi, make_environ


def test_hello_status_headers_and_body(exercise):
    response = call_wsgi(exercise.app, path="/")
    assert response.status == "200 OK", (
        f"PEP 3333: status is a str like '200 OK'; got {response.status!r}")
    assert response.body == b"Hello, World!\n", (
        f"expected the body b'Hello, World!\\n', got {response.body!r}")
    content_type = response.header("Content-Type")
    assert content_type is not None and content_type.startswith("text/plain"), (
        f"expected a Content-Type of text/plain; got {content_type!r}")
    assert response.header("Content-Length") == "14", (
        "Content-Length must be the number of body bytes, as a str: '14'; "
        f"got {response.header('Content-Length')!r}")


def test_hello_answers_any_path_and_method(exercise):
    for method, path in [("GET", "/anything"), ("POST", "/form"), ("GET", "/a/b/c")]:
        response = call_wsgi(exercise.app, method=method, path=path)
        assert (response.status, response.body) == ("200 OK", b"Hello, World!\n"), (
            f"{method} {path}: expected 200 and the greeting, got {response.status!r} "
            f"{response.body!r}")


def test_hello_body_is_a_list_of_bytes_not_a_str(exercise):
    captured = []
    result = exercise.app(make_environ(), lambda status, headers, exc_info=None: captured.append(
        (status, headers)))
    assert not isinstance(result, (str, bytes)), (
        "PEP 3333: return an iterable of bytes such as [body]; a bare str/bytes is iterated "
        "character by character (or int by int)")
    assert all(isinstance(chunk, bytes) for chunk in result), "every body item must be bytes"
    status, headers = captured[0]
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in headers), (
        "header names and values are native str, not bytes (PEP 3333)")

