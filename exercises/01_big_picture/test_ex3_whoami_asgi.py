"""Graded tests for exercise 1.3: the ASGI app finds the visitor behind nginx."""

import asyncio
import json

import pytest
import requests
from asgiref.testing import ApplicationCommunicator

from course import servers
from course.nginx import Nginx


def http_scope(path="/", headers=(), client=("10.1.2.3", 50123), scheme="http", root_path=""):
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1", "method": "GET", "scheme": scheme, "path": path,
            "raw_path": path.encode(), "root_path": root_path, "query_string": b"",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
            "client": client, "server": ("127.0.0.1", 8000)}


async def next_output(comm: ApplicationCommunicator) -> dict:
    """``comm.receive_output(timeout=3)``, but an app that raises fails at once, not in 3 s."""
    message = asyncio.ensure_future(comm.output_queue.get())
    await asyncio.wait({message, comm.future}, timeout=3, return_when=asyncio.FIRST_COMPLETED)
    if message.done():
        return message.result()
    message.cancel()
    return await comm.receive_output(timeout=0.01)   # raises the app's error (or TimeoutError)


def drive(app, scope):
    """Play the server: deliver the request, collect what the app sends."""
    async def run():
        comm = ApplicationCommunicator(app, scope)
        await comm.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await next_output(comm)
        body = await next_output(comm)
        await comm.wait(timeout=3)
        return start, body
    start, body = asyncio.run(run())
    assert start.get("type") == "http.response.start", (
        f"the first message sent must be http.response.start, got {start!r}")
    assert start.get("status") == 200, f"expected status 200, got {start.get('status')!r}"
    names = [k for k, _ in start.get("headers", [])]
    assert all(isinstance(k, bytes) for k in names), (
        f"ASGI header names and values must be bytes, got {start.get('headers')!r}")
    lowered = [(k.lower(), v) for k, v in start["headers"]]
    assert (b"content-type", b"application/json") in lowered, (
        f"expected header (b'content-type', b'application/json'), got {start['headers']!r}")
    assert body.get("type") == "http.response.body", f"then http.response.body, got {body!r}"
    try:
        return json.loads(body.get("body", b""))
    except ValueError:
        pytest.fail(f"the body is not JSON: {body.get('body', b'')[:200]!r}")


def test_without_a_proxy_it_reports_the_client_and_scheme(exercise):
    got = drive(exercise.app, http_scope("/cart", headers=[("Host", "shop.test")]))
    expected = {"interface": "ASGI", "client": "10.1.2.3", "scheme": "http",
                "host": "shop.test", "path": "/cart"}
    assert got == expected, f"expected {expected}, got {got}"


def test_forwarded_headers_win_and_the_last_hop_is_the_client(exercise):
    got = drive(exercise.app, http_scope("/", client=("127.0.0.1", 40000), headers=[
        ("Host", "shop.test"), ("X-Forwarded-For", "203.0.113.9, 198.51.100.7"),
        ("X-Forwarded-Proto", "https")]))
    assert got.get("client") == "198.51.100.7", (
        f"the peer 127.0.0.1 is a trusted proxy and sent x-forwarded-for '203.0.113.9, "
        f"198.51.100.7': expected the last entry, got {got.get('client')!r}")
    assert got.get("scheme") == "https", (
        f"x-forwarded-proto https: expected 'https', got {got.get('scheme')!r}")


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(exercise):
    got = drive(exercise.app, http_scope("/", client=("203.0.113.50", 40000), headers=[
        ("Host", "shop.test"), ("X-Forwarded-For", "10.0.0.1"), ("X-Forwarded-Proto", "https")]))
    assert got.get("client") == "203.0.113.50", (
        "the peer 203.0.113.50 is not one of TRUSTED_PROXIES, so its 'x-forwarded-for: "
        "10.0.0.1' is whatever that visitor typed: expected client '203.0.113.50' "
        f"(scope['client'][0]), got {got.get('client')!r}")
    assert got.get("scheme") == "http", (
        "an untrusted peer's 'x-forwarded-proto: https' must be ignored: expected scheme "
        f"'http' (scope['scheme']), got {got.get('scheme')!r}")


def test_other_scope_types_are_ignored(exercise):
    """uvicorn's default --lifespan auto first calls the app with a lifespan scope."""
    sent = []

    async def receive():
        return {"type": "lifespan.startup"}

    async def send(message):
        sent.append(message)

    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    try:
        asyncio.run(asyncio.wait_for(exercise.app(scope, receive, send), timeout=3))
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 -- any crash is the learner's bug to see
        pytest.fail(f"called with scope type 'lifespan', the app raised {exc!r}; the task says: "
                    "only answer scope['type'] == 'http', return at once for any other type "
                    "(a lifespan scope has no headers, client or path)", pytrace=False)
    assert sent == [], (
        f"a lifespan scope is not a request: expected nothing sent, got {sent!r}")


def test_path_includes_root_path(exercise):
    got = drive(exercise.app, http_scope("/items/7", root_path="/shop"))
    assert got.get("path") == "/shop/items/7", (
        f"root_path '/shop' + path '/items/7': expected '/shop/items/7', got {got.get('path')!r}")


PROXY = """
server {
    listen 127.0.0.1:{{port}};
    location / {
        proxy_pass http://127.0.0.1:{{app_port}};
        proxy_http_version 1.1;
        proxy_set_header Host $host:$server_port;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto https;
    }
}
"""


def test_under_uvicorn_behind_nginx(exercise, exercise_file):
    # --forwarded-allow-ips '' : uvicorn must not rewrite the client itself; the app does.
    with servers.uvicorn(f"{exercise_file.stem}:app", app_dir=exercise_file.parent,
                         args=["--forwarded-allow-ips", "", "--lifespan", "off"]) as app, \
            Nginx(PROXY, app_port=app.port) as web:
        r = requests.get(web.url + "/whoami", headers={"X-Forwarded-For": "6.6.6.6"}, timeout=5)
        assert r.status_code == 200, (
            f"through nginx → uvicorn: expected 200, got {r.status_code}. uvicorn said:\n"
            + app.output()[-1500:])
        got = r.json()
    assert got.get("client") == "127.0.0.1", (
        "a fake 'X-Forwarded-For: 6.6.6.6' must not win: expected '127.0.0.1', got "
        f"{got.get('client')!r}")
    assert got.get("scheme") == "https", f"expected 'https', got {got.get('scheme')!r}"
    assert got.get("host") == f"127.0.0.1:{web.port}", (
        f"Host: expected 127.0.0.1:{web.port}, got {got.get('host')!r}")
