"""Graded tests of exercise 3.2: the environ inspector (run under wsgiref.validate).

Run: python -m course check 3   (or: python -m pytest exercises/03_wsgi_callables)
"""

from __future__ import annotations

import json
import warnings

from course.testing import call_wsgi, make_environ

KEYS = {"method", "path", "query", "scheme", "server", "remote_addr", "wsgi_version", "headers"}


def report(exercise, **request):
    environ = request.pop("environ", None)
    response = call_wsgi(exercise.app, environ, **request)
    assert response.status == "200 OK", f"expected 200 OK, got {response.status!r}"
    assert (response.header("Content-Type") or "").startswith("application/json"), (
        f"expected Content-Type application/json, got {response.header('Content-Type')!r}")
    assert response.header("Content-Length") == str(len(response.body)), (
        f"Content-Length says {response.header('Content-Length')!r} but the body has "
        f"{len(response.body)} bytes")
    try:
        return json.loads(response.body.decode("utf-8"))
    except ValueError as exc:
        raise AssertionError(
            f"the body is not UTF-8 JSON ({exc}): {response.body[:80]!r}") from None


def test_reports_the_request_line_and_wsgi_keys(exercise):
    data = report(exercise, method="GET", path="/inspect", query="a=1&b=2",
                  headers={"User-Agent": "pytest", "X-Forwarded-For": "10.0.0.7"})
    assert set(data) == KEYS, f"expected exactly the keys {sorted(KEYS)}, got {sorted(data)}"
    assert (data["method"], data["path"], data["query"]) == ("GET", "/inspect", "a=1&b=2")
    assert data["scheme"] == "http" and data["wsgi_version"] == [1, 0], (
        f"scheme comes from wsgi.url_scheme, wsgi_version from wsgi.version: got "
        f"{data['scheme']!r}, {data['wsgi_version']!r}")
    assert data["server"] == "127.0.0.1:80", (
        f"server is SERVER_NAME:SERVER_PORT; expected '127.0.0.1:80', got {data['server']!r}")


def test_headers_are_named_back_from_http_keys(exercise):
    data = report(exercise, headers={"User-Agent": "pytest", "X-Forwarded-For": "10.0.0.7"})
    headers = data["headers"]
    assert headers.get("x-forwarded-for") == "10.0.0.7", (
        "HTTP_X_FORWARDED_FOR must be reported as 'x-forwarded-for'; got headers "
        f"{headers}")
    assert headers.get("user-agent") == "pytest" and "host" in headers, headers
    assert not any(k.startswith(("http_", "HTTP_")) for k in headers), (
        f"strip the HTTP_ prefix from header names: {sorted(headers)}")


def test_content_type_and_length_have_no_http_prefix(exercise):
    data = report(exercise, method="POST", body=b"x=1",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    headers = data["headers"]
    assert headers.get("content-type") == "application/x-www-form-urlencoded", (
        "CONTENT_TYPE (no HTTP_ prefix in environ) must appear as 'content-type'; got "
        f"{headers}")
    assert headers.get("content-length") == "3", (
        f"CONTENT_LENGTH must appear as 'content-length': '3'; got {headers}")
    data = report(exercise, method="GET")
    assert "content-type" not in data["headers"] and "content-length" not in data["headers"], (
        "leave out CONTENT_TYPE/CONTENT_LENGTH when they are empty or absent")


def test_path_is_decoded_from_latin1_native_string(exercise):
    wire = "/café/ünïcode".encode().decode("latin-1")     # what a server puts in environ
    data = report(exercise, path=wire)
    assert data["path"] == "/café/ünïcode", (
        "PEP 3333 native strings: PATH_INFO holds the wire bytes decoded as latin-1 "
        f"({wire!r}); re-encode as latin-1 and decode as UTF-8. Got {data['path']!r}")


def test_a_path_that_is_not_utf8_is_replaced_not_a_crash(exercise):
    wire = "/caf\xe9"      # a latin-1 client sent the byte 0xE9: not valid UTF-8
    data = report(exercise, path=wire)
    assert data["path"] == "/caf\ufffd", (
        f"PATH_INFO {wire!r} holds the byte 0xE9, which is not UTF-8: decode with "
        "errors='replace' (the task says so) to get '/caf\\ufffd', never crash on what a "
        f"client sends; got {data['path']!r}")


def test_script_name_is_part_of_the_path_and_remote_addr(exercise):
    environ = make_environ(path="/env", SCRIPT_NAME="/tools", REMOTE_ADDR="192.0.2.1")
    data = report(exercise, environ=environ)
    assert data["path"] == "/tools/env", (
        f"path is SCRIPT_NAME + PATH_INFO: expected '/tools/env', got {data['path']!r}")
    assert data["remote_addr"] == "192.0.2.1"
    environ = make_environ(path="/")
    environ.pop("REMOTE_ADDR", None)
    assert report(exercise, environ=environ)["remote_addr"] is None, (
        "REMOTE_ADDR is optional: report null (None) when it is missing, don't crash")


def test_a_missing_query_string_is_reported_as_empty(exercise):
    environ = make_environ(path="/")
    environ.pop("QUERY_STRING", None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # wsgiref.validate warns; the app must cope
        data = report(exercise, environ=environ)
    assert data["query"] == "", (
        "PEP 3333: QUERY_STRING 'may be empty or absent'; without it, expected query '' "
        f"(the task says so), got {data['query']!r}")
