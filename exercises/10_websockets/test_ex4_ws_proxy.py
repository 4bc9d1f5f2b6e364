"""Graded tests for exercise 10.4: your nginx config, run by real nginx, in front of uvicorn."""

import asyncio
import http.client
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus


@pytest.fixture
def web(backend, start_nginx):
    return start_nginx(backend=f"127.0.0.1:{backend.port}")


def headers_seen_by_the_app(port: int, headers: dict) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/headers", headers=headers)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 200, (
        f"GET /headers through nginx should reach the app (200 + JSON); got {response.status} "
        f"{body[:80]!r} -- proxy_pass http://{{{{backend}}}};")
    return json.loads(body)


def test_websocket_handshake_and_messages_pass_through(web):
    async def scenario():
        try:
            async with connect(f"ws://127.0.0.1:{web.port}/echo", open_timeout=5) as ws:
                await ws.send("through nginx")
                return await asyncio.wait_for(ws.recv(), 5)
        except InvalidStatus as refused:
            return refused.response.status_code
    got = asyncio.run(scenario())
    assert got == "through nginx", (
        f"a WebSocket through nginx: expected the echo 'through nginx', got {got!r}. "
        "A status instead of the echo means the upgrade did not reach the app: Upgrade and "
        "Connection are hop-by-hop, nginx only passes them on when proxy_set_header says so")


def test_plain_requests_go_on_with_connection_close(web):
    seen = headers_seen_by_the_app(web.port, {"Connection": "keep-alive"})
    connection = seen.get("connection")
    assert connection == "close", (
        f"a plain request (no Upgrade) reached the app with Connection: {connection!r}; it "
        "should be 'close' -- map $http_upgrade $connection_upgrade {default upgrade; '' "
        "close;} and proxy_set_header Connection $connection_upgrade;")
    assert "upgrade" not in seen, f"a plain request should carry no Upgrade header: {seen}"


def test_the_app_sees_the_clients_host(web):
    seen = headers_seen_by_the_app(web.port, {"Host": "chat.example"})
    assert seen.get("host") == "chat.example", (
        f"the app saw Host: {seen.get('host')!r}; it should see the client's 'chat.example' "
        "(proxy_set_header Host $host;) -- by default nginx sends the proxy_pass address")
