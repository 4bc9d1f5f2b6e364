"""Check an HTTP server that serves this chapter's app suite: real requests, plain answers.

Run it against any server that serves ``app_suite:app`` from this folder:

    uvicorn app_suite:app --app-dir code/08_asgi_messages --port 8000 --lifespan on
    python code/08_asgi_messages/check_server.py http://127.0.0.1:8000 --lifespan

It prints one line per problem, or ``all ok``, and exits 1 when something is wrong.
Chapter 08 runs it against uvicorn, gunicorn's asgi worker and hypercorn
(``three_servers.py``); chapter 09 runs it against the server you build there.  From Python
(tests, notebooks), load this file by path -- ``code/`` is not a package::

    from course.modules import load_path
    checks = load_path("code/08_asgi_messages/check_server.py")
    problems = checks.check_server("http://127.0.0.1:8000", lifespan=True)
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
APP_SUITE_DIR = HERE
APP_SUITE = "app_suite:app"  # uvicorn app_suite:app --app-dir code/08_asgi_messages


def load_app_suite() -> ModuleType:
    """Import ``app_suite.py`` from this folder (by path: ``code/`` is not a package)."""
    sys.path.insert(0, str(HERE.parents[1]))  # find `course` from a clone
    from course.modules import load_path
    return load_path(HERE / "app_suite.py", "course_app_suite")


def _request(base: str, method: str, target: str, body: bytes | Iterable[bytes] | None = None,
             headers: Mapping[str, str] | None = None, timeout: float = 5.0,
             conn: http.client.HTTPConnection | None = None):
    parts = urlsplit(base)
    own = conn is None
    if own:
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    prefix = parts.path.rstrip("/")
    encode_chunked = body is not None and not isinstance(body, bytes)
    conn.request(method, prefix + target, body=body, headers=dict(headers or {}),
                 encode_chunked=encode_chunked)
    response = conn.getresponse()
    data = response.read()
    if own:
        conn.close()
    return response, data


def check_server(base_url: str, *, lifespan: bool = False, timeout: float = 5.0) -> list[str]:
    """Check an HTTP server that serves the chapter 08 app suite at ``base_url``.

    The server must run ``app_suite:app`` from ``code/08_asgi_messages`` (see
    :data:`APP_SUITE_DIR`, :data:`APP_SUITE`).  Real HTTP requests check: a plain response
    with Content-Length; 404; echo of an empty, a small, a large (256 KiB) and a chunked
    (Transfer-Encoding: chunked) request body; a streamed countdown (many body messages,
    no Content-Length); the scope as the app saw it (method, decoded path vs raw_path,
    query_string bytes, lower-cased headers, client, http_version); two requests on one
    keep-alive connection.  With ``lifespan=True`` it also checks that lifespan startup ran
    and its state reached the request.  Returns one line per problem; ``[]`` means all good.
    """
    problems: list[str] = []
    base = base_url.rstrip("/")

    def check(name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except AssertionError as exc:
            problems.append(f"{name}: {exc}")
        except Exception as exc:  # noqa: BLE001 - a broken server may fail in any way
            problems.append(f"{name}: {type(exc).__name__}: {exc}")

    def hello() -> None:
        resp, data = _request(base, "GET", "/hello", timeout=timeout)
        assert resp.status == 200, f"expected status 200, got {resp.status}"
        assert data == b"Hello, ASGI!\n", f"expected body b'Hello, ASGI!\\n', got {data[:80]!r}"
        assert resp.getheader("content-type", "").startswith("text/plain"), (
            f"expected the app's Content-Type text/plain, got {resp.getheader('content-type')!r}")
        assert resp.getheader("content-length") == str(len(data)), (
            f"the app set Content-Length {len(data)}; the server sent "
            f"{resp.getheader('content-length')!r}")

    def not_found() -> None:
        resp, data = _request(base, "GET", "/no/such/page", timeout=timeout)
        assert resp.status == 404, f"expected 404 for an unknown path, got {resp.status}"
        assert b"not found" in data.lower(), f"expected a 'Not found' body, got {data[:80]!r}"

    def echo(body: bytes | list[bytes], label: str) -> Callable[[], None]:
        def run() -> None:
            whole = body if isinstance(body, bytes) else b"".join(body)
            resp, data = _request(base, "POST", "/echo", body=body,
                                  headers={"Content-Type": "application/octet-stream"},
                                  timeout=timeout)
            assert resp.status == 200, f"{label}: expected status 200, got {resp.status}"
            assert data == whole, (
                f"{label}: sent {len(whole)} bytes, got {len(data)} back -- every "
                "http.request message (more_body=True until the last) must reach the app")
        return run

    def countdown() -> None:
        resp, data = _request(base, "GET", "/countdown?from=5", timeout=timeout)
        assert resp.status == 200, f"expected status 200, got {resp.status}"
        assert data == b"5\n4\n3\n2\n1\nliftoff!\n", f"expected 5..1 and liftoff!, got {data!r}"
        assert resp.getheader("content-length") is None, (
            "a streamed response without a Content-Length from the app must not get one")
        assert (resp.getheader("transfer-encoding") or "").lower() == "chunked", (
            "HTTP/1.1 response of unknown length: expected Transfer-Encoding: chunked, got "
            f"{resp.getheader('transfer-encoding')!r}")

    def info() -> None:
        resp, data = _request(base, "GET", "/info/caf%C3%A9?a=1&b=two%20words&a=3",
                              headers={"X-Course-Test": "Mixed-Case Value"}, timeout=timeout)
        assert resp.status == 200, f"expected status 200, got {resp.status}"
        seen = json.loads(data)
        expected = {"type": "http", "method": "GET", "path": "/info/café",
                    "raw_path": "/info/caf%C3%A9", "query_string": "a=1&b=two%20words&a=3",
                    "http_version": "1.1", "scheme": "http"}
        for key, value in expected.items():
            assert seen.get(key) == value, (
                f"scope[{key!r}]: expected {value!r}, got {seen.get(key)!r}")
        names = [name for name, _ in seen["headers"]]
        assert all(name == name.lower() for name in names), (
            "header names in the scope should be lower-case (ASGI spec 2.5 says 'should'; "
            f"every server in this course does it, and the app suite relies on it), got {names}")
        assert ["x-course-test", "Mixed-Case Value"] in seen["headers"], (
            f"expected header ['x-course-test', 'Mixed-Case Value'] in the scope, "
            f"got {seen['headers']}")
        assert any(name == "host" for name in names), "the Host header must be in the scope"
        client = seen.get("client")
        assert client and client[0] == "127.0.0.1" and isinstance(client[1], int), (
            f"scope['client'] should be ['127.0.0.1', <port>], got {client!r}")
        assert seen.get("asgi_version", "").startswith("3"), (
            f"scope['asgi']['version'] should be '3.0', got {seen.get('asgi_version')!r}")

    def keep_alive() -> None:
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
        try:
            for n in (1, 2):
                resp, data = _request(base, "GET", "/hello", conn=conn)
                assert resp.status == 200 and data == b"Hello, ASGI!\n", (
                    f"request {n} on one kept-alive connection: got {resp.status} {data[:60]!r}")
            resp, data = _request(base, "POST", "/echo", body=b"third", conn=conn)
            assert data == b"third", f"request 3 on one connection: got {data[:60]!r}"
        finally:
            conn.close()

    def lifespan_state() -> None:
        resp, data = _request(base, "GET", "/info", timeout=timeout)
        state = json.loads(data).get("state")
        assert state and state.get("lifespan") == "started", (
            f"lifespan startup should have put {{'lifespan': 'started'}} in the state copied into "
            f"each request's scope, got {state!r}")

    check("GET /hello", hello)
    check("GET /no/such/page", not_found)
    check("POST /echo (empty body)", echo(b"", "empty body"))
    check("POST /echo (small body)", echo(b"ping " * 20, "small body"))
    check("POST /echo (256 KiB body)", echo(bytes(range(256)) * 1024, "256 KiB body"))
    check("POST /echo (chunked upload)",
          echo([b"first chunk,", b"second chunk,", b"third"], "chunked upload"))
    check("GET /countdown?from=5", countdown)
    check("GET /info/caf%C3%A9?…", info)
    check("keep-alive: 3 requests on one connection", keep_alive)
    if lifespan:
        check("lifespan state in GET /info", lifespan_state)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="where the server listens, e.g. http://127.0.0.1:8000")
    parser.add_argument("--lifespan", action="store_true",
                        help="also check that lifespan startup's state reached a request")
    args = parser.parse_args()
    problems = check_server(args.url, lifespan=args.lifespan)
    for problem in problems:
        print(f"✗ {problem}")
    print("all ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
