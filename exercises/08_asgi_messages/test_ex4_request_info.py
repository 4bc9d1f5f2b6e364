"""Graded tests of exercise 8.4: in process first, then under real uvicorn."""

import requests

from course import servers
from course.asgi import call_asgi


def test_method_path_and_query(exercise):
    response = call_asgi(exercise.app, "GET", "/caf%C3%A9/menu", b"a=1&b=two%20words&a=3")
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
    seen = call_asgi(exercise.app, "POST", "/", headers=headers, body_chunks=[b"ab", b"c"]).json()
    assert seen["method"] == "POST"
    assert seen["headers"].get("accept") == "text/html", (
        f"headers: expected 'accept': 'text/html' (names are lower case), got {seen['headers']}")
    assert seen["headers"].get("x-tag") == "one, two", (
        f"a repeated header's values are joined with ', ' in order (RFC 9110 §5.3), "
        f"got {seen['headers'].get('x-tag')!r}")
    assert seen["headers"].get("content-length") == "3", seen["headers"]


def test_client_and_empty_query(exercise):
    seen = call_asgi(exercise.app, "GET", "/", client=("10.1.2.3", 4567)).json()
    assert seen["client"] == "10.1.2.3:4567", (
        f"client: expected '10.1.2.3:4567', got {seen['client']!r}")
    assert seen["query"] == {} and seen["query_string"] == "", (
        f"no query: expected query_string '' and query {{}}, "
        f"got {seen['query_string']!r} and {seen['query']!r}")
    none = call_asgi(exercise.app, "GET", "/", client=None).json()
    assert none["client"] is None, f"scope['client'] None must give null, got {none['client']!r}"


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
