"""Mistake: ignores pings (no pong with the same payload).

See the stub in exercises/10_websockets/ex5_upgrade.py for the task.
"""

from __future__ import annotations

import asyncio
from urllib.parse import unquote

from course.modules import load_path
from course.settings import ROOT

frames = load_path(ROOT / "code" / "10_websockets" / "frames.py")
Opcode = frames.Opcode


def parse_head(head: bytes) -> tuple[bytes, bytes, list[tuple[bytes, bytes]]]:
    request_line, *header_lines = head.rstrip(b"\r\n").split(b"\r\n")
    method, target, _version = request_line.split(b" ", 2)
    headers = []
    for line in header_lines:
        name, _, value = line.partition(b":")
        headers.append((name.strip().lower(), value.strip()))
    return method, target, headers


def tokens(headers, name: bytes) -> list[bytes]:
    found = []
    for header_name, value in headers:
        if header_name == name:
            found += [token.strip().lower() for token in value.split(b",")]
    return found


def value_of(headers, name: bytes) -> bytes:
    for header_name, value in headers:
        if header_name == name:
            return value
    return b""


def error_response(status: bytes, extra: bytes = b"") -> bytes:
    body = status + b"\n"
    return (b"HTTP/1.1 " + status + b"\r\n" + extra + b"content-length: %d\r\n"
            b"connection: close\r\n\r\n" % len(body) + body)


def handshake_error(method: bytes, headers) -> bytes | None:
    key = value_of(headers, b"sec-websocket-key").decode("latin-1")
    if (method != b"GET" or b"websocket" not in tokens(headers, b"upgrade")
            or b"upgrade" not in tokens(headers, b"connection")
            or not frames.valid_client_key(key)):
        return error_response(b"400 Bad Request")
    if value_of(headers, b"sec-websocket-version") != b"13":
        return error_response(b"426 Upgrade Required", b"sec-websocket-version: 13\r\n")
    return None


class Session:
    """receive/send for one WebSocket; CONNECTING -> OPEN -> CLOSED."""

    def __init__(self, writer: asyncio.StreamWriter, key: bytes) -> None:
        self.writer = writer
        self.key = key
        self.state = "CONNECTING"
        self.inbox: asyncio.Queue[dict] = asyncio.Queue()
        self.inbox.put_nowait({"type": "websocket.connect"})
        self.decided = asyncio.Event()        # the app accepted, refused, or returned

    async def receive(self) -> dict:
        return await self.inbox.get()

    async def send(self, message: dict) -> None:
        kind = message["type"]
        if self.state == "CONNECTING" and kind == "websocket.accept":
            self.writer.write(self.switching_protocols(message.get("subprotocol")))
            self.state = "OPEN"
            self.decided.set()
        elif self.state == "CONNECTING" and kind == "websocket.close":
            self.writer.write(error_response(b"403 Forbidden"))
            self.end()
        elif self.state == "OPEN" and kind == "websocket.send":
            if message.get("text") is not None:
                self.write_frame(Opcode.TEXT, message["text"].encode("utf-8"))
            else:
                self.write_frame(Opcode.BINARY, message["bytes"])
        elif self.state == "OPEN" and kind == "websocket.close":
            self.write_frame(Opcode.CLOSE, frames.close_payload(message.get("code", 1000)))
            self.state = "CLOSING"
        elif self.state == "CLOSED":
            raise OSError("the WebSocket is closed")
        else:
            raise RuntimeError(f"{kind!r} is not allowed in state {self.state}")
        await self.writer.drain()

    def switching_protocols(self, subprotocol: str | None) -> bytes:
        accept = frames.accept_key(self.key.decode("ascii")).encode("ascii")
        head = (b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n"
                b"connection: Upgrade\r\nsec-websocket-accept: " + accept + b"\r\n")
        if subprotocol is not None:
            head += b"sec-websocket-protocol: " + subprotocol.encode("latin-1") + b"\r\n"
        return head + b"\r\n"

    def write_frame(self, opcode: int, payload: bytes) -> None:
        self.writer.write(frames.encode_frame(opcode, payload))

    def disconnected(self, code: int) -> None:
        if self.state != "CLOSED":
            self.inbox.put_nowait({"type": "websocket.disconnect", "code": code})
        self.end()

    def end(self) -> None:
        self.state = "CLOSED"
        self.decided.set()

    def app_returned(self) -> None:
        if self.state == "OPEN":                 # returned without closing: close normally
            self.write_frame(Opcode.CLOSE, frames.close_payload(1000))
            self.state = "CLOSING"
        self.decided.set()


async def read_frames(reader: asyncio.StreamReader, session: Session) -> None:
    frame_reader = frames.FrameReader(require_mask=True)
    assembler = frames.MessageAssembler()
    while session.state != "CLOSED":
        data = await reader.read(65536)
        if not data:
            session.disconnected(1006)
            return
        frame_reader.feed(data)
        try:
            frame = frame_reader.next_frame()
            while frame is not None:
                opcode, payload = assembler.add(frame) or (None, None)
                if opcode is Opcode.TEXT:
                    session.inbox.put_nowait({"type": "websocket.receive", "text": payload})
                elif opcode is Opcode.BINARY:
                    session.inbox.put_nowait({"type": "websocket.receive", "bytes": payload})
                elif opcode is Opcode.PING:
                    pass
                elif opcode is Opcode.CLOSE:
                    code, _reason = payload
                    if session.state == "OPEN":
                        echoed = b"" if code == 1005 else frames.close_payload(code)
                        session.write_frame(Opcode.CLOSE, echoed)
                    session.disconnected(code)
                    return
                frame = frame_reader.next_frame()
        except frames.ProtocolError as error:
            session.write_frame(Opcode.CLOSE, frames.close_payload(error.code))
            session.disconnected(error.code)
            return


async def handle_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                            app) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, headers = parse_head(head)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
        writer.close()
        return
    problem = handshake_error(method, headers)
    if problem is not None:
        writer.write(problem)
        await writer.drain()
        writer.close()
        return
    raw_path, _, query_string = target.partition(b"?")
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "scheme": "ws",
        "path": unquote(raw_path.decode("ascii")),
        "raw_path": raw_path,
        "query_string": query_string,
        "root_path": "",
        "headers": headers,
        "subprotocols": [t.decode("latin-1") for t in tokens(headers, b"sec-websocket-protocol")],
    }
    session = Session(writer, value_of(headers, b"sec-websocket-key"))
    app_task = asyncio.ensure_future(app(scope, session.receive, session.send))
    app_task.add_done_callback(lambda _task: session.app_returned())
    await session.decided.wait()                       # accepted, refused, or returned
    if session.state in ("OPEN", "CLOSING"):
        await read_frames(reader, session)
    try:
        await asyncio.wait_for(asyncio.shield(app_task), 2)
    except (TimeoutError, Exception):
        app_task.cancel()
    if session.state == "CONNECTING":                   # the app returned without a word
        writer.write(error_response(b"500 Internal Server Error"))
    try:
        await writer.drain()
    except ConnectionError:
        pass
    writer.close()
