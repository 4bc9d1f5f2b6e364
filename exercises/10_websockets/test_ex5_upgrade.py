"""Graded tests for exercise 10.5: your handle_connection behind asyncio.start_server.

Each test runs your ``handle_connection`` on a real socket (127.0.0.1, a free port) with the
small app below, and talks to it with raw bytes or the ``websockets`` client.
"""

import asyncio
import base64
import contextlib
import os
import struct

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ=="
RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


class App:
    """Echo; '/deny' refused before accept; 'close please' -> close 4000; records what it saw."""

    def __init__(self) -> None:
        self.scopes: list[dict] = []
        self.messages: list[dict] = []
        self.done = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        try:
            self.scopes.append(scope)
            self.messages.append(await receive())
            if scope["path"] == "/deny":
                await send({"type": "websocket.close"})
                return
            subprotocol = "chat" if "chat" in scope.get("subprotocols", []) else None
            await send({"type": "websocket.accept", "subprotocol": subprotocol})
            while True:
                message = await receive()
                self.messages.append(message)
                if message["type"] == "websocket.disconnect":
                    return
                if message.get("text") == "close please":
                    await send({"type": "websocket.close", "code": 4000})
                elif message.get("text") == "close plainly":
                    await send({"type": "websocket.close"})
                elif message.get("text") is not None:
                    await send({"type": "websocket.send", "text": message["text"]})
                else:
                    await send({"type": "websocket.send", "bytes": message["bytes"]})
        finally:
            self.done.set()

    async def wait_called(self) -> None:
        """Until the app has its first message (3 s max)."""
        deadline = asyncio.get_running_loop().time() + 3
        while not self.messages and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)

    async def wait_disconnect(self) -> dict | None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.done.wait(), 3)
        found = [m for m in self.messages if m["type"] == "websocket.disconnect"]
        return found[0] if found else None


@contextlib.asynccontextmanager
async def running(exercise, app):
    server = await asyncio.start_server(
        lambda reader, writer: exercise.handle_connection(reader, writer, app), "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


def run(scenario):
    return asyncio.run(asyncio.wait_for(scenario, 15))


def handshake(path="/echo?x=1", key=RFC_KEY, method="GET", version="13",
              connection="Upgrade", extra="") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: test", "Upgrade: websocket",
             f"Connection: {connection}", f"Sec-WebSocket-Version: {version}"]
    if key is not None:
        lines.append(f"Sec-WebSocket-Key: {key}")
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode()


async def raw_exchange(port: int, data: bytes, *, then: bytes = b"",
                       frames_wanted: int = 0, app: App | None = None) -> tuple[bytes, bytes]:
    """Send a head, read the answer's head; then send ``then`` and read until EOF, or until
    ``frames_wanted`` frames came back (3 s max).  Without ``then``, return the head at once
    (after a 101, once ``app``, if given, has its first message: 3 s max)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 3)
        except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
            return b"", b""
        if not then:
            if app is not None and head.startswith(b"HTTP/1.1 101"):
                await app.wait_called()
            return head, b""
        writer.write(then)
        rest = b""
        with contextlib.suppress(TimeoutError, ConnectionError):
            while chunk := await asyncio.wait_for(reader.read(65536), 3):
                rest += chunk
                if 0 < frames_wanted <= len(server_frames(rest)):
                    break
        return head, rest
    finally:
        writer.close()


def client_frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    key = os.urandom(4)
    first = (0x80 if fin else 0) | opcode
    if len(payload) <= 125:
        head = struct.pack("!BB", first, 0x80 | len(payload))
    elif len(payload) <= 0xFFFF:
        head = struct.pack("!BBH", first, 0x80 | 126, len(payload))
    else:
        head = struct.pack("!BBQ", first, 0x80 | 127, len(payload))
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def server_frames(data: bytes) -> list[tuple[int, bytes]]:
    """(opcode, payload) of each unmasked frame the server sent."""
    found = []
    while len(data) >= 2:
        opcode, length, position = data[0] & 0x0F, data[1] & 0x7F, 2
        if length == 126:
            length, position = int.from_bytes(data[2:4], "big"), 4
        elif length == 127:
            length, position = int.from_bytes(data[2:10], "big"), 10
        found.append((opcode, data[position:position + length]))
        data = data[position + length:]
    return found


def header(head: bytes, name: str) -> str | None:
    for line in head.decode("latin-1").split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name:
            return value.strip()
    return None


def test_handshake_answers_101_with_the_accept_key(exercise):
    app = App()

    async def scenario():
        async with running(exercise, app) as port:
            return await raw_exchange(port, handshake(connection="keep-alive, Upgrade"))
    head, _ = run(scenario())
    assert head.startswith(b"HTTP/1.1 101"), (
        f"a valid handshake (Connection: keep-alive, Upgrade -- a list) should get "
        f"'HTTP/1.1 101 Switching Protocols' once the app accepts; got {head[:60]!r}")
    assert header(head, "sec-websocket-accept") == RFC_ACCEPT, (
        f"Sec-WebSocket-Accept for the RFC's key should be {RFC_ACCEPT}, got "
        f"{header(head, 'sec-websocket-accept')!r} (RFC 6455 §4.2.2)")
    assert (header(head, "upgrade") or "").lower() == "websocket" and "upgrade" in (
        header(head, "connection") or "").lower(), (
        f"the 101 needs 'Upgrade: websocket' and 'Connection: Upgrade'; got {head!r}")


def test_scope_and_first_message(exercise):
    app = App()

    async def scenario():
        async with running(exercise, app) as port:
            await raw_exchange(port, handshake(
                path="/caf%C3%A9?room=1", extra="Sec-WebSocket-Protocol: chat, superchat\r\n"),
                app=app)
    run(scenario())
    assert app.scopes, "the app was never called for a valid handshake"
    scope = app.scopes[0]
    expected = {"type": "websocket", "scheme": "ws", "path": "/café", "query_string": b"room=1",
                "subprotocols": ["chat", "superchat"]}
    for key, value in expected.items():
        assert scope.get(key) == value, (
            f"scope[{key!r}]: expected {value!r}, got {scope.get(key)!r} (ASGI websocket scope)")
    assert scope.get("asgi", {}).get("version") == "3.0", (
        f"scope['asgi'] should be {{'version': '3.0', ...}}, got {scope.get('asgi')!r}")
    assert (b"sec-websocket-key", RFC_KEY.encode()) in scope.get("headers", []), (
        "scope['headers'] should hold (lower-case name, value) byte pairs, e.g. "
        f"(b'sec-websocket-key', {RFC_KEY.encode()!r}); got {scope.get('headers')!r}")
    assert app.messages[:1] == [{"type": "websocket.connect"}], (
        f"the app's first receive() should be {{'type': 'websocket.connect'}}, got "
        f"{app.messages[:1]!r}")


BAD_HANDSHAKES = {
    "no key": (handshake(key=None), 400),
    "a key of 15 bytes": (handshake(key=base64.b64encode(b"x" * 15).decode()), 400),
    "POST": (handshake(method="POST"), 400),
    "Connection without upgrade": (handshake(connection="keep-alive"), 400),
    "version 8": (handshake(version="8"), 426),
}


@pytest.mark.parametrize("what", list(BAD_HANDSHAKES))
def test_bad_handshakes_are_refused(exercise, what):
    data, status = BAD_HANDSHAKES[what]
    app = App()

    async def scenario():
        async with running(exercise, app) as port:
            return await raw_exchange(port, data)
    head, _ = run(scenario())
    assert head.startswith(b"HTTP/1.1 %d" % status), (
        f"a handshake with {what} should be answered {status} (RFC 6455 §4.2.1-4.2.2), got "
        f"{head[:60]!r}")
    assert header(head, "content-length") is not None, (
        f"the {status} answer needs a Content-Length; got {head!r}")
    if status == 426:
        assert header(head, "sec-websocket-version") == "13", (
            "426 must say which version we speak: 'Sec-WebSocket-Version: 13' (§4.4)")
    assert not app.scopes, f"the app should not be called for a handshake with {what}"


def test_close_before_accept_is_403(exercise):
    async def scenario():
        async with running(exercise, App()) as port:
            try:
                async with connect(f"ws://127.0.0.1:{port}/deny"):
                    return "accepted"
            except InvalidStatus as refused:
                return refused.response.status_code
    got = run(scenario())
    assert got == 403, f"websocket.close before accept should be HTTP 403, the client saw {got!r}"


def test_echo_text_bytes_and_subprotocol_with_a_real_client(exercise):
    async def scenario():
        async with running(exercise, App()) as port:
            async with connect(f"ws://127.0.0.1:{port}/echo", subprotocols=["chat"]) as ws:
                await ws.send("héllo")
                text = await asyncio.wait_for(ws.recv(), 3)
                await ws.send(b"\x00\xff" * 40000)
                data = await asyncio.wait_for(ws.recv(), 3)
                return ws.subprotocol, text, data
    subprotocol, text, data = run(scenario())
    assert subprotocol == "chat", (
        f"the app accepted with subprotocol 'chat': the 101 needs 'Sec-WebSocket-Protocol: "
        f"chat'; the client saw {subprotocol!r}")
    assert text == "héllo", f"a text message should come back as text 'héllo', got {text!r}"
    assert data == b"\x00\xff" * 40000, (
        "an 80000-byte binary message should come back as the same bytes (websocket.send "
        f"with 'bytes' -> a BINARY frame), got {type(data).__name__} of {len(data)}")


def test_fragments_are_joined_and_pings_answered(exercise):
    app = App()
    frames_out = (client_frame(0x1, b"frag", fin=False) + client_frame(0x9, b"are you there")
                  + client_frame(0x0, b"ments"))

    async def scenario():
        async with running(exercise, app) as port:
            return await raw_exchange(port, handshake(), then=frames_out, frames_wanted=2)
    _, rest = run(scenario())
    got = server_frames(rest)
    assert (0xA, b"are you there") in got, (
        f"a ping between two fragments should be answered at once with a pong carrying the "
        f"same payload (RFC 6455 §5.5.2); the server sent {got!r}")
    assert (0x1, b"fragments") in got, (
        f"TEXT 'frag' (FIN=0) + CONTINUATION 'ments' is one message 'fragments' (§5.4); the "
        f"app should receive it whole and echo it; the server sent {got!r}")


@pytest.mark.parametrize("text, code", [("close please", 4000), ("close plainly", 1000)],
                         ids=["code 4000", "no code"])
def test_app_close_code_reaches_the_client(exercise, text, code):
    async def scenario():
        async with running(exercise, App()) as port:
            async with connect(f"ws://127.0.0.1:{port}/echo") as ws:
                await ws.send(text)
                with contextlib.suppress(ConnectionClosed):
                    await asyncio.wait_for(ws.recv(), 3)
                return ws.close_code
    got = run(scenario())
    sent = f"code {code}" if code != 1000 else "no code (the default is 1000)"
    assert got == code, (
        f"the app sent websocket.close with {sent}: the client should see {code}, saw {got!r}")


def test_client_close_reaches_the_app_with_its_code(exercise):
    app = App()

    async def scenario():
        async with running(exercise, app) as port:
            async with connect(f"ws://127.0.0.1:{port}/echo") as ws:
                await ws.close(4001, "bye")
                echoed = ws.protocol.close_rcvd
            return echoed, await app.wait_disconnect()
    echoed, disconnect = run(scenario())
    assert echoed is not None, (
        "the client closed with 4001 and got no close frame back: answer a close frame with "
        "one of your own (RFC 6455 §5.5.1)")
    assert disconnect is not None and disconnect.get("code") == 4001, (
        f"the app should receive websocket.disconnect with code 4001, got {disconnect!r}")


BROKEN = {
    "unmasked frame": (bytes([0x81, 0x02]) + b"hi", 1002),
    "text that is not UTF-8": (client_frame(0x1, b"caf\xe9"), 1007),
    "a reserved opcode": (client_frame(0x3, b""), 1002),
    "a message over 1 MiB": (client_frame(0x2, b"x" * ((1 << 20) + 1)), 1009),
}


@pytest.mark.parametrize("what", list(BROKEN))
def test_broken_frames_close_with_the_right_code(exercise, what):
    data, code = BROKEN[what]
    app = App()

    async def scenario():
        async with running(exercise, app) as port:
            head, rest = await raw_exchange(port, handshake(), then=data)
            if not head.startswith(b"HTTP/1.1 101"):    # fails below: no app to wait for
                return head, rest, None
            return head, rest, await app.wait_disconnect()
    head, rest, disconnect = run(scenario())
    assert head.startswith(b"HTTP/1.1 101"), f"the handshake should succeed first: {head[:40]!r}"
    closes = [payload for opcode, payload in server_frames(rest) if opcode == 0x8]
    got = int.from_bytes(closes[0][:2], "big") if closes and closes[0] else None
    assert got == code, (
        f"{what}: the server should send a close frame with code {code} (RFC 6455 §7.4.1), "
        f"it sent {closes[:1]!r}")
    assert disconnect is not None and disconnect.get("code") == code, (
        f"{what}: the app should then receive websocket.disconnect with code {code}, got "
        f"{disconnect!r}")
