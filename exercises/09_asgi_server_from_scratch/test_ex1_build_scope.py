"""Graded tests for exercise 9.1: build_scope from an h11.Request."""

import h11
import pytest

CLIENT, SERVER = ("127.0.0.1", 51234), ("127.0.0.1", 8000)


def parse(raw: bytes) -> h11.Request:
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(raw)
    return conn.next_event()


def scope_of(exercise, raw: bytes, state: dict | None = None) -> dict:
    """build_scope for the request head ``raw``; an exception names the request line."""
    request = parse(raw)
    request_line = raw.split(b"\r\n", 1)[0].decode("latin-1")
    try:
        return exercise.build_scope(request, CLIENT, SERVER, state)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the learner's code may raise anything
        pytest.fail(f"build_scope for {request_line!r} raised {type(exc).__name__}: {exc}",
                    pytrace=False)


def test_simple_get(exercise):
    scope = scope_of(exercise, b"GET /hello HTTP/1.1\r\nHost: example\r\n\r\n")
    expected = {"type": "http", "http_version": "1.1", "method": "GET", "scheme": "http",
                "path": "/hello", "raw_path": b"/hello", "query_string": b"", "root_path": "",
                "client": CLIENT, "server": SERVER,
                "asgi": {"version": "3.0", "spec_version": "2.4"}}
    for key, value in expected.items():
        assert scope.get(key) == value, (
            f"GET /hello: scope[{key!r}] expected {value!r}, got {scope.get(key)!r} "
            "(ASGI spec, HTTP 'Connection Scope')")


def test_path_is_decoded_raw_path_and_query_are_not(exercise):
    scope = scope_of(exercise, b"POST /caf%C3%A9/a%20b?x=1&y=two%20words HTTP/1.1\r\n"
                               b"Host: x\r\nContent-Length: 0\r\n\r\n")
    assert scope["method"] == "POST", f"method: expected 'POST' (a str), got {scope['method']!r}"
    assert scope["path"] == "/café/a b", (
        f"ASGI: path is the percent-decoded UTF-8 str; expected '/café/a b', got {scope['path']!r}")
    assert scope["raw_path"] == b"/caf%C3%A9/a%20b", (
        "ASGI: raw_path is the path as sent (bytes, still encoded, no query); "
        f"got {scope['raw_path']!r}")
    assert scope["query_string"] == b"x=1&y=two%20words", (
        f"ASGI: query_string is the undecoded bytes after '?'; got {scope['query_string']!r}")


def test_plus_in_a_path_stays_a_plus(exercise):
    scope = scope_of(exercise, b"GET /c++/notes+tips HTTP/1.1\r\nHost: x\r\n\r\n")
    assert scope["path"] == "/c++/notes+tips", (
        f"GET /c++/notes+tips: expected path '/c++/notes+tips', got {scope['path']!r} -- '+' "
        "means a space only in form-encoded query strings; in a path it is a plus "
        "(RFC 3986 §3.3): use unquote, not unquote_plus")


def test_only_the_first_question_mark_splits(exercise):
    scope = scope_of(exercise, b"GET /search?q=why?&page=2 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (scope["raw_path"], scope["query_string"]) == (b"/search", b"q=why?&page=2"), (
        f"GET /search?q=why?&page=2: expected raw_path b'/search' and query_string "
        f"b'q=why?&page=2', got {scope['raw_path']!r} and {scope['query_string']!r} -- the "
        "query starts after the FIRST '?' and may contain more (RFC 3986 §3.4)")


def test_headers_are_lowercase_byte_pairs_in_order(exercise):
    scope = scope_of(exercise, b"GET / HTTP/1.1\r\nHost: x\r\nX-Thing: Mixed Case\r\n"
                               b"Accept: a\r\nAccept: b\r\n\r\n")
    headers = [(bytes(n), bytes(v)) for n, v in scope["headers"]]
    assert headers == [(b"host", b"x"), (b"x-thing", b"Mixed Case"), (b"accept", b"a"),
                       (b"accept", b"b")], (
        f"ASGI: headers are (name, value) bytes pairs, names lower-case, values untouched, "
        f"repeats kept in order; got {headers!r}")


def test_state_is_a_copy_per_request(exercise):
    shared = {"db": "pool"}
    first = scope_of(exercise, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", shared)
    assert first.get("state") == {"db": "pool"}, (
        f"state should copy the lifespan state, got {first.get('state')!r}")
    first["state"]["user"] = "ann"
    assert shared == {"db": "pool"}, (
        "ASGI lifespan spec, 'Lifespan State': each request gets a *shallow copy* of the "
        "state; a request added a key to the shared one")
    http10 = scope_of(exercise, b"GET /x HTTP/1.0\r\n\r\n")
    assert http10["http_version"] == "1.0" and http10.get("state") == {}, (
        f"HTTP/1.0 with no state: expected http_version '1.0' and state {{}}, got "
        f"{http10['http_version']!r}, {http10.get('state')!r}")
