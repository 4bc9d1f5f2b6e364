"""Graded tests of exercise 8.4: in process first, then under real uvicorn."""

import asyncio

import pytest
import requests

from course import servers
from course.asgi import call_asgi


def ask(app, case: str, *args, **kwargs):
    """``call_asgi(app, *args, **kwargs)``; an exception from the app names ``case``."""
    try:
        return call_asgi(app, *args, **kwargs)
    except NotImplementedError:
        raise
    except AssertionError as exc:  # call_asgi names the ASGI rule that was broken
        pytest.fail(f"{case}: {exc}", pytrace=False)
    except Exception as exc:  # noqa: BLE001 - the learner's app may raise anything
        pytest.fail(f"{case}: the app raised {type(exc).__name__}: {exc}", pytrace=False)


def test_method_path_and_query(exercise):
    response = ask(exercise.app, "GET /caf%C3%A9/menu?a=1&b=two%20words&a=3",
                   "GET", "/caf%C3%A9/menu", b"a=1&b=two%20words&a=3")
    assert response.status == 200, f"expected status 200, got {response.status!r}"
    assert response.header("content-type") == "application/json", (
        f"expected content-type application/json, got {response.header('content-type')!r}")
    seen = response.json()
    assert seen["method"] == "GET", f"method: expected 'GET', got {seen['method']!r}"
    assert seen["path"] == "/café/menu", (
        f"path: expected the decoded scope['path'] '/café/menu', got {seen['path']!r}")
    assert seen["query_string"] == "a=1&b=two%20words&a=3", (
        f"query_string: scope['query_string'] is bytes; decode it, got {seen['query_string']!r}")
    assert seen["query"] == {"a": ["1", "3"], "b": ["two words"]}, (
        f"query: expected parse_qs of the query string, got {seen['query']!r}")


def test_headers_decoded_and_repeated_names_joined(exercise):
    headers = [("Accept", "text/html"), ("X-Tag", "one"), ("x-tag", "two")]
    case = "POST / with a body in 2 http.request messages"
    response = ask(exercise.app, case, "POST", "/", headers=headers, body_chunks=[b"ab", b"c"])
    read = [m for m in response.received if m["type"] == "http.request"]
    assert len(read) == 2, (
        f"{case}: the app read {len(read)} of the 2 body messages before answering -- read "
        "the body (receive() until more_body is false) first, as the exercise asks")
    seen = response.json()
    assert seen["method"] == "POST", f"method: expected 'POST', got {seen['method']!r}"
    assert seen["headers"].get("accept") == "text/html", (
        f"headers: expected 'accept': 'text/html' (names are lower case), got {seen['headers']}")
    assert seen["headers"].get("x-tag") == "one, two", (
        f"a repeated header's values are joined with ', ' in order (RFC 9110 §5.3), "
        f"got {seen['headers'].get('x-tag')!r}")
    assert seen["headers"].get("content-length") == "3", (
        f"headers: expected 'content-length': '3', got {seen['headers']}")


def test_header_values_are_latin_1(exercise):
    case = "a header value with the byte 0xE9 (X-Name: caf\\xe9)"
    response = ask(exercise.app, case, "GET", "/", headers=[("X-Name", b"caf\xe9")])
    seen = response.json()
    assert seen["headers"].get("x-name") == "café", (
        f"{case}: expected 'café', got {seen['headers'].get('x-name')!r} -- decode header "
        "bytes as latin-1, which maps every byte to one character: RFC 9110 §5.5 lets a "
        "value carry non-ASCII bytes (obs-text), and they need not be UTF-8")


def test_client_and_empty_query(exercise):
    seen = ask(exercise.app, "GET / from 10.1.2.3:4567", "GET", "/",
               client=("10.1.2.3", 4567)).json()
    assert seen["client"] == "10.1.2.3:4567", (
        f"client: expected '10.1.2.3:4567', got {seen['client']!r}")
    assert seen["query"] == {} and seen["query_string"] == "", (
        f"no query: expected query_string '' and query {{}}, "
        f"got {seen['query_string']!r} and {seen['query']!r}")
    none = ask(exercise.app, "scope['client'] is None (e.g. a unix socket)", "GET", "/",
               client=None).json()
    assert none["client"] is None, f"scope['client'] None must give null, got {none['client']!r}"


def test_ignores_other_scope_types(exercise):
    ask(exercise.app, "GET /", "GET", "/")  # a stub fails here, before the real check
    sent = []

    async def receive():
        return {"type": "lifespan.startup"}

    async def send(message):
        sent.append(message)

    case = "a 'lifespan' scope"
    try:
        asyncio.run(asyncio.wait_for(exercise.app({"type": "lifespan"}, receive, send), 2))
    except Exception as exc:  # noqa: BLE001 - the learner's app may raise anything
        pytest.fail(f"{case}: the app raised {type(exc).__name__}: {exc} -- for a scope type "
                    "other than 'http' just return", pytrace=False)
    assert sent == [], f"{case}: for a scope type other than 'http' send nothing, sent {sent}"


def test_under_real_uvicorn(exercise, exercise_file):
    exercise.describe({"type": "http", "method": "GET", "path": "/", "query_string": b"",
                       "headers": [], "client": None})  # a stub fails fast, before the server
    with servers.uvicorn(f"{exercise_file.stem}:app", app_dir=exercise_file.parent) as server:
        response = requests.get(f"{server.url}/hello%20world?x=1&x=2",
                                headers={"X-Course": "Ch8"}, timeout=5)
        assert response.status_code == 200, (
            f"under uvicorn: expected 200, got {response.status_code}\n{server.output()[-800:]}")
        seen = response.json()
    assert seen["path"] == "/hello world", f"under uvicorn: path {seen['path']!r}"
    assert seen["query"] == {"x": ["1", "2"]}, f"under uvicorn: query {seen['query']!r}"
    assert seen["headers"].get("x-course") == "Ch8", f"under uvicorn: headers {seen['headers']}"
    assert seen["client"].startswith("127.0.0.1:"), f"under uvicorn: client {seen['client']!r}"
