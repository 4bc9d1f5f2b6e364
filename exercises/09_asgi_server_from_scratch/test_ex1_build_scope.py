"""Graded tests for exercise 9.1: build_scope from an h11.Request."""

import h11

CLIENT, SERVER = ("127.0.0.1", 51234), ("127.0.0.1", 8000)


def parse(raw: bytes) -> h11.Request:
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(raw)
    return conn.next_event()


def test_simple_get(exercise):
    scope = exercise.build_scope(parse(b"GET /hello HTTP/1.1\r\nHost: example\r\n\r\n"),
                                 CLIENT, SERVER)
    expected = {"type": "http", "http_version": "1.1", "method": "GET", "scheme": "http",
                "path": "/hello", "raw_path": b"/hello", "query_string": b"", "root_path": "",
                "client": CLIENT, "server": SERVER}
    for key, value in expected.items():
        assert scope.get(key) == value, (
            f"scope[{key!r}]: expected {value!r}, got {scope.get(key)!r}")
    assert scope.get("asgi", {}).get("version") == "3.0", (
        f"scope['asgi'] should be {{'version': '3.0', ...}}, got {scope.get('asgi')!r}")


def test_path_is_decoded_raw_path_and_query_are_not(exercise):
    scope = exercise.build_scope(parse(b"POST /caf%C3%A9/a%20b?x=1&y=two%20words HTTP/1.1\r\n"
                                       b"Host: x\r\nContent-Length: 0\r\n\r\n"), CLIENT, SERVER)
    assert scope["method"] == "POST", f"method: expected 'POST' (a str), got {scope['method']!r}"
    assert scope["path"] == "/café/a b", (
        f"ASGI: path is the percent-decoded UTF-8 str; expected '/café/a b', got {scope['path']!r}")
    assert scope["raw_path"] == b"/caf%C3%A9/a%20b", (
        "ASGI: raw_path is the path as sent (bytes, still encoded, no query); "
        f"got {scope['raw_path']!r}")
    assert scope["query_string"] == b"x=1&y=two%20words", (
        f"ASGI: query_string is the undecoded bytes after '?'; got {scope['query_string']!r}")


def test_headers_are_lowercase_byte_pairs_in_order(exercise):
    scope = exercise.build_scope(parse(b"GET / HTTP/1.1\r\nHost: x\r\nX-Thing: Mixed Case\r\n"
                                       b"Accept: a\r\nAccept: b\r\n\r\n"), CLIENT, SERVER)
    headers = [(bytes(n), bytes(v)) for n, v in scope["headers"]]
    assert headers == [(b"host", b"x"), (b"x-thing", b"Mixed Case"), (b"accept", b"a"),
                       (b"accept", b"b")], (
        f"ASGI: headers are (name, value) bytes pairs, names lower-case, values untouched, "
        f"repeats kept in order; got {headers!r}")


def test_state_is_a_copy_per_request(exercise):
    shared = {"db": "pool"}
    request = parse(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    first = exercise.build_scope(request, CLIENT, SERVER, shared)
    assert first["state"] == {"db": "pool"}, (
        f"state should copy the lifespan state, got {first['state']!r}")
    first["state"]["user"] = "ann"
    assert shared == {"db": "pool"}, (
        "ASGI lifespan: each request gets a *copy* of the state; "
        "a request added a key to the shared one")
    http10 = exercise.build_scope(parse(b"GET /x HTTP/1.0\r\n\r\n"), CLIENT, SERVER)
    assert http10["http_version"] == "1.0" and http10["state"] == {}, (
        f"HTTP/1.0 with no state: expected http_version '1.0' and state {{}}, got "
        f"{http10['http_version']!r}, {http10['state']!r}")
