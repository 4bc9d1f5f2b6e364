"""Graded tests for exercise 4.1: build_environ produces a PEP 3333 environ."""

import io

from course.testing import call_wsgi

SERVER, CLIENT = ("127.0.0.1", 8000), ("10.0.0.7", 51234)


def environ_for(exercise, method="GET", target="/", version="HTTP/1.1", headers=None,
                body=b""):
    headers = [("host", "example.test")] if headers is None else headers
    environ = exercise.build_environ(method, target, version, headers, body, SERVER, CLIENT)
    assert isinstance(environ, dict), f"build_environ must return a dict, got {type(environ)}"
    return environ


def seen_by_app(environ):
    """Run a tiny app under wsgiref.validate with this environ; return what the app saw."""
    seen = {}

    def app(env, start_response):
        seen.update(env)
        seen["body"] = env["wsgi.input"].read(int(env.get("CONTENT_LENGTH") or 0))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    try:
        response = call_wsgi(app, environ)
    except AssertionError as exc:
        raise AssertionError(f"wsgiref.validate rejected your environ: {exc}") from None
    assert response.status == "200 OK"
    return seen


def test_a_simple_get_passes_wsgiref_validate(exercise):
    env = seen_by_app(environ_for(exercise, target="/items?id=7&x=y"))
    expected = {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/items",
                "QUERY_STRING": "id=7&x=y", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
                "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.7",
                "REMOTE_PORT": "51234", "HTTP_HOST": "example.test"}
    for key, value in expected.items():
        assert env.get(key) == value, f"environ[{key!r}]: expected {value!r}, got {env.get(key)!r}"
    assert env["wsgi.version"] == (1, 0), "PEP 3333: wsgi.version is the tuple (1, 0)"
    assert env["wsgi.url_scheme"] == "http"
    assert env["wsgi.multithread"] is True and env["wsgi.multiprocess"] is False
    assert env["wsgi.run_once"] is False


def test_path_is_percent_decoded_as_latin1_and_query_is_not(exercise):
    env = seen_by_app(environ_for(exercise, target="/caf%C3%A9/a%20b?q=caf%C3%A9"))
    assert env["PATH_INFO"] == "/caf\u00c3\u00a9/a b", (
        "PEP 3333: PATH_INFO is percent-decoded and the bytes are taken as latin-1, so "
        f"/caf%C3%A9 becomes '/caf\\xc3\\xa9'; got {env['PATH_INFO']!r}")
    assert env["QUERY_STRING"] == "q=caf%C3%A9", (
        f"QUERY_STRING stays as sent (not decoded); got {env['QUERY_STRING']!r}")
    env = seen_by_app(environ_for(exercise, target="/nothing"))
    assert env["QUERY_STRING"] == "", "no '?' in the target: QUERY_STRING must be ''"
    env = seen_by_app(environ_for(exercise, target="http://example.test/abs?x=1"))
    assert (env["PATH_INFO"], env["QUERY_STRING"]) == ("/abs", "x=1"), (
        "an absolute-form target http://example.test/abs?x=1 gives PATH_INFO '/abs' and "
        f"QUERY_STRING 'x=1'; got {env['PATH_INFO']!r}, {env['QUERY_STRING']!r}")


def test_headers_become_http_keys(exercise):
    headers = [("host", "example.test"), ("x-request-id", "abc"), ("accept", "text/html"),
               ("accept", "application/json"), ("content-type", "text/plain"),
               ("x_user", "admin"), ("x-user", "alice")]
    env = seen_by_app(environ_for(exercise, "POST", "/", headers=headers + [
        ("content-length", "5")], body=b"hello"))
    assert env.get("HTTP_X_REQUEST_ID") == "abc", "header x-request-id becomes HTTP_X_REQUEST_ID"
    assert env.get("HTTP_ACCEPT") == "text/html, application/json", (
        f"repeated headers are joined with ', '; got {env.get('HTTP_ACCEPT')!r}")
    assert env.get("CONTENT_TYPE") == "text/plain" and "HTTP_CONTENT_TYPE" not in env, (
        "Content-Type goes to CONTENT_TYPE, without the HTTP_ prefix (CGI rules)")
    assert "HTTP_CONTENT_LENGTH" not in env, "Content-Length goes to CONTENT_LENGTH"
    assert env.get("HTTP_X_USER") == "alice", (
        "a header with '_' in its name (x_user) must be dropped, or a client could forge "
        f"X-User; HTTP_X_USER should be 'alice', got {env.get('HTTP_X_USER')!r}")


def test_body_is_readable_from_wsgi_input(exercise):
    environ = environ_for(exercise, "POST", "/upload", headers=[
        ("host", "example.test"), ("content-length", "11")], body=b"hello world")
    assert isinstance(environ.get("wsgi.input"), io.IOBase) or hasattr(
        environ.get("wsgi.input"), "read"), "wsgi.input must be a binary file-like object"
    env = seen_by_app(environ)
    assert env.get("CONTENT_LENGTH") == "11", (
        f"CONTENT_LENGTH must be the body length as a str; got {env.get('CONTENT_LENGTH')!r}")
    assert env["body"] == b"hello world", f"wsgi.input should hold the body; got {env['body']!r}"
    assert hasattr(env["wsgi.errors"], "write"), "wsgi.errors must be a text stream"


def test_content_length_follows_the_body_the_server_read(exercise):
    environ = environ_for(exercise, "POST", "/upload", headers=[
        ("host", "example.test"), ("transfer-encoding", "chunked")], body=b"hello")
    assert environ.get("CONTENT_LENGTH") == "5", (
        "a chunked upload has no Content-Length header, but the server decoded a 5-byte "
        "body: CONTENT_LENGTH must be '5' (str(len(body))) or the app cannot know how much "
        f"to read; got {environ.get('CONTENT_LENGTH')!r}")
    environ = environ_for(exercise, "POST", "/empty", headers=[
        ("host", "example.test"), ("content-length", "0")], body=b"")
    assert environ.get("CONTENT_LENGTH") == "0", (
        "the request said Content-Length: 0 and has no body: CONTENT_LENGTH must be '0'; "
        f"got {environ.get('CONTENT_LENGTH')!r}")
    environ = environ_for(exercise, "GET", "/", body=b"")
    assert not environ.get("CONTENT_LENGTH"), (
        "a GET without a body and without Content-Length has no CONTENT_LENGTH (or an empty "
        f"one); got {environ.get('CONTENT_LENGTH')!r}")
