"""Chapter 10 scripts do what their docstrings promise."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from course import servers
from course.modules import load_path
from course.testing import raw_http

CODE = Path(__file__).resolve().parent.parent / "code" / "10_websockets"
KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def upgrade_request(path: str = "/echo", version: str = "13", key: str = KEY) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Version: {version}\r\n"
            f"Sec-WebSocket-Key: {key}\r\n\r\n").encode()


def ws_url(server, path: str) -> str:
    return server.url.replace("http://", "ws://") + path


async def echo_both_kinds(url: str) -> tuple:
    async with connect(url) as ws:
        await ws.send("héllo")
        text = await asyncio.wait_for(ws.recv(), 5)
        await ws.send(b"\x00\x01\x02")
        data = await asyncio.wait_for(ws.recv(), 5)
    return text, data


async def refused_status(url: str):
    try:
        async with connect(url):
            return "accepted"
    except InvalidStatus as refused:
        return refused.response.status_code


def test_ch10_frames_py_demo_shows_the_rfc_examples_and_close_codes():
    out = subprocess.run([sys.executable, str(CODE / "frames.py")], capture_output=True,
                         text=True, timeout=30, check=True).stdout
    assert "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in out, out            # RFC 6455 §1.3
    assert "81 85 37 fa 21 3d 7f 9f 4d 51 58" in out, out         # RFC 6455 §5.7
    for code in ("1002", "1007", "1009"):
        assert f"close {code}" in out, f"expected a 'close {code}' line:\n{out}"


def test_ch10_frames_codec_round_trips_and_refuses():
    frames = load_path(CODE / "frames.py")
    for length in (0, 125, 126, 65535, 65536):
        data = frames.client_frame(frames.Opcode.BINARY, b"x" * length)
        reader = frames.FrameReader()
        for cut in range(0, len(data), 4096):       # in pieces, as a socket delivers it
            reader.feed(data[cut:cut + 4096])
        frame = reader.next_frame()
        assert frame is not None and frame.payload == b"x" * length, length
    assembler = frames.MessageAssembler()
    split_e_acute = [b"caf\xc3", b"\xa9"]           # é split across two fragments
    first = frames.Frame(frames.Opcode.TEXT, split_e_acute[0], fin=False)
    assert assembler.add(first) is None
    ping = frames.Frame(frames.Opcode.PING, b"p")
    assert assembler.add(ping) == (frames.Opcode.PING, b"p")
    last = frames.Frame(frames.Opcode.CONTINUATION, split_e_acute[1])
    assert assembler.add(last) == (frames.Opcode.TEXT, "café")
    assert frames.parse_close_payload(frames.close_payload(4000, "bye")) == (4000, "bye")


@pytest.mark.parametrize("parser", ["h11", "hand"])
def test_ch10_ws_server_py_echoes_refuses_and_keeps_serving(parser):
    conformance = load_path(CODE / "conformance.py")
    with servers.script(CODE / "ws_server.py", args=["--parser", parser]) as srv:
        assert f"Listening on http://127.0.0.1:{srv.port}" in srv.output()
        text, data = asyncio.run(echo_both_kinds(ws_url(srv, "/echo")))
        assert (text, data) == ("héllo", b"\x00\x01\x02"), "text back as text, bytes as bytes"
        answer = raw_http(srv.port, upgrade_request())
        assert answer.startswith(b"HTTP/1.1 101") and b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in answer
        answer = raw_http(srv.port, upgrade_request(version="8"))
        assert answer.startswith(b"HTTP/1.1 426") and b"sec-websocket-version: 13" in answer
        assert raw_http(srv.port, upgrade_request(key="short")).startswith(b"HTTP/1.1 400")
        assert asyncio.run(refused_status(ws_url(srv, "/nowhere"))) == 403
        rows = conformance.run_all(ws_url(srv, "/echo"))
        wrong = [row for row in rows if not row["ok"]]
        assert not wrong, f"cases answered wrongly: {wrong}"
        assert conformance.still_echoes(ws_url(srv, "/echo"))
        with urllib.request.urlopen(srv.url + "/", timeout=5) as response:  # plain HTTP too
            assert b"new WebSocket" in response.read()


def test_ch10_ws_server_py_says_going_away_on_shutdown():
    async def scenario(srv):
        async with connect(ws_url(srv, "/echo")) as ws:
            await ws.send("x")
            await ws.recv()
            srv.send_signal(15)
            try:
                await asyncio.wait_for(ws.recv(), 5)
            except ConnectionClosed:
                pass
            return ws.close_code
    with servers.script(CODE / "ws_server.py") as srv:
        code = asyncio.run(scenario(srv))
        assert srv.stop() == 0 and "Stopped." in srv.output(), srv.output()
    assert code == 1001, f"an open WebSocket should be closed with 1001 (going away): {code}"


def test_ch10_conformance_py_prints_the_table():
    with servers.script(CODE / "ws_server.py") as srv:
        out = subprocess.run([sys.executable, str(CODE / "conformance.py"),
                              ws_url(srv, "/echo")], capture_output=True, text=True, timeout=60,
                             check=False)
    assert out.returncode == 0, out.stderr
    assert "RFC 6455 expects" in out.stdout and "15/15 as expected" in out.stdout, out.stdout
    assert "still echoes on a new connection: yes" in out.stdout, out.stdout


def test_ch10_chat_py_serves_the_page_the_echo_and_the_room():
    async def chat(srv):
        base = ws_url(srv, "/chat")
        async with connect(base + "?name=ann") as ann, connect(base + "?name=bob") as bob:
            assert await ann.recv() == "* ann joined (1 here)"
            assert await ann.recv() == "* bob joined (2 here)"
            await bob.recv()
            await ann.send("hi")
            lines = [await ann.recv(), await bob.recv()]
            await bob.close()
            left = await ann.recv()
        return lines, left

    with servers.script(CODE / "chat.py") as srv:
        with urllib.request.urlopen(srv.url + "/", timeout=5) as response:
            assert b"new WebSocket" in response.read()
        assert asyncio.run(echo_both_kinds(ws_url(srv, "/echo"))) == ("héllo", b"\x00\x01\x02")
        lines, left = asyncio.run(chat(srv))
        assert lines == ["ann: hi", "ann: hi"] and left == "* bob left (1 here)", (lines, left)
        assert asyncio.run(refused_status(ws_url(srv, "/other"))) == 403
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(srv.url + "/missing", timeout=5)


def test_ch10_wsgi_hijack_py_refuses_plain_pages_and_holds_the_worker():
    async def scenario(srv):
        refused = await refused_status(ws_url(srv, "/"))
        async with connect(ws_url(srv, "/echo")) as ws:
            await ws.send("through a WSGI worker")
            echoed = await asyncio.wait_for(ws.recv(), 5)
            try:
                await asyncio.to_thread(urllib.request.urlopen, srv.url + "/", timeout=1)
                other = "answered"
            except OSError:                          # the only sync worker is busy with us
                other = "no answer"
        after = await asyncio.to_thread(urllib.request.urlopen, srv.url + "/", timeout=5)
        return refused, echoed, other, after.status

    with servers.script(CODE / "wsgi_hijack.py") as srv:
        refused, echoed, other, after = asyncio.run(scenario(srv))
    assert refused == 200, f"a WSGI page answers an upgrade request like any other: {refused}"
    assert echoed == "through a WSGI worker"
    assert other == "no answer", "while the socket is held, the sync worker answers nobody"
    assert after == 200, "once the WebSocket closes, the worker serves again"


def test_ch10_compare_servers_py_prints_one_row_per_server():
    out = subprocess.run([sys.executable, str(CODE / "compare_servers.py"), "--only",
                          "uvicorn (websockets-sansio)", "hypercorn"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    rows = [line.split(" | ") for line in out.stdout.splitlines()]
    assert [row[0] for row in rows] == ["uvicorn (websockets-sansio)", "hypercorn"], out.stdout
    assert rows[0][1] == "2.4" and rows[0][2] == "4001 'bye now'", rows[0]   # uvicorn's code
    assert rows[1][1] == "2.3" and len(rows[1]) == 6, rows[1]            # hypercorn's ws_stream


def test_ch10_starlette_chat_py_broadcasts_and_cleans_up():
    async def scenario(srv):
        base = ws_url(srv, "/chat")
        async with connect(base + "?name=ann") as ann:
            bob = await connect(base + "?name=bob")
            await bob.send("hi")
            lines = [await asyncio.wait_for(ann.recv(), 5), await asyncio.wait_for(bob.recv(), 5)]
            bob.transport.abort()                    # bob's connection drops, no close frame
            await ann.send("still here?")
            mine = await asyncio.wait_for(ann.recv(), 5)
        return lines, mine

    with servers.script(CODE / "starlette_chat.py") as srv:
        lines, mine = asyncio.run(scenario(srv))
        assert lines == ["bob: hi", "bob: hi"] and mine == "ann: still here?", (lines, mine)
        deadline = time.monotonic() + 5
        members = urllib.request.urlopen(srv.url + "/members", timeout=5).read()
        while members != b"0" and time.monotonic() < deadline:
            time.sleep(0.05)                         # polling the app's own count
            members = urllib.request.urlopen(srv.url + "/members", timeout=5).read()
        assert members == b"0", f"everyone left, yet /members says {members!r}"


def test_ch10_compare_servers_py_serves_its_probe_app():
    async def probe(url):
        async with connect(url) as ws:
            await ws.send("scope")
            return await asyncio.wait_for(ws.recv(), 5)

    with servers.script(CODE / "compare_servers.py", args=["--serve"]) as srv:
        with urllib.request.urlopen(srv.url + "/", timeout=5) as response:
            assert response.read() == b"a WebSocket probe\n"
        assert '"spec_version": "2.4"' in asyncio.run(probe(ws_url(srv, "/probe")))
