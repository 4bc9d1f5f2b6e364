"""WebSockets for the chapter 09 server: the upgrade, the frames, and ``websocket.*`` events.

Run it (the app is chat.py's: a page at /, an echo at /echo, a chat room at /chat):

    python code/10_websockets/ws_server.py --port 8000

It prints ``Listening on http://127.0.0.1:8000`` when it is ready.  Then try:

    python -m websockets ws://127.0.0.1:8000/echo      # type a line: it comes back
    curl -i http://127.0.0.1:8000/echo -H 'Connection: Upgrade' -H 'Upgrade: websocket' \\
         -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='
                                    # the 101 and its Sec-WebSocket-Accept (Ctrl-C to leave)
    curl -i http://127.0.0.1:8000/echo -H 'Connection: Upgrade' -H 'Upgrade: websocket' \\
         -H 'Sec-WebSocket-Version: 8' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='
                                    # 426 Upgrade Required, Sec-WebSocket-Version: 13
    python code/10_websockets/conformance.py ws://127.0.0.1:8000/echo   # broken frames

What it adds to ``code/09_asgi_server_from_scratch/asgi_server.py`` (imported, not copied):

* :class:`UpgradingProtocol` is the chapter 09 connection with one change: a request that asks
  for ``Upgrade: websocket`` does not become an HTTP request cycle.  It is checked (RFC 6455
  §4.2.1: GET, HTTP/1.1, ``Sec-WebSocket-Version: 13``, a 16-byte key) and handed to a
  :class:`WebSocketSession`; every byte after that goes to the session, not to the HTTP parser;
* :class:`WebSocketSession` gives the app ``receive``/``send`` for the ``websocket`` scope
  (ASGI spec 2.5) and runs the states CONNECTING → OPEN → CLOSING → CLOSED.  ``accept`` writes
  the ``101 Switching Protocols``; ``close`` before accept is an HTTP 403; the
  ``websocket.http.response`` extension sends any HTTP response instead;
* frames come from frames.py (written by hand): a broken frame closes the connection with
  1002, bad UTF-8 with 1007, a message over ``--max-message`` bytes with 1009; the app sees
  ``websocket.disconnect`` with that code, and the server goes on serving everyone else.

What it is not: no permessage-deflate, no server pings, no TLS.  Use uvicorn, hypercorn or daphne.
"""

from __future__ import annotations

import argparse
import asyncio
import enum
import sys
import traceback
from pathlib import Path
from urllib.parse import unquote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "09_asgi_server_from_scratch"))
import asgi_server
import frames
from frames import Opcode, ProtocolError

__all__ = ["UpgradingProtocol", "WebSocketSession", "handshake_problem", "main", "serve"]

MAX_MESSAGE = 1 << 20          # 1 MiB, like the chapter 09 server's body limit in spirit
CLOSE_TIMEOUT = 2.0            # how long we wait for the peer's close frame after ours


class SessionState(enum.Enum):
    CONNECTING = "handshake received, the app has not accepted yet"
    OPEN = "accepted: messages flow both ways"
    CLOSING = "we sent a close frame and wait for the peer's"
    CLOSED = "the TCP connection is gone (or was never upgraded)"


# -- the handshake (RFC 6455 §4.2.1) -----------------------------------------------------------
def header_tokens(headers, name: bytes) -> list[bytes]:
    """Every comma-separated token of every ``name`` header, lower-cased."""
    tokens = []
    for header_name, value in headers:
        if header_name == name:
            tokens += [token.strip().lower() for token in value.split(b",")]
    return tokens


def header_value(headers, name: bytes) -> bytes | None:
    for header_name, value in headers:
        if header_name == name:
            return value
    return None


def wants_websocket(headers) -> bool:
    return b"websocket" in header_tokens(headers, b"upgrade")


def handshake_problem(head) -> tuple[int, str] | None:
    """Why this upgrade request must be refused, as (status, reason); None when it is fine."""
    if head.method != b"GET":
        return 400, "a WebSocket handshake is a GET"
    if head.http_version != "1.1":
        return 400, "a WebSocket handshake needs HTTP/1.1"
    if b"upgrade" not in header_tokens(head.headers, b"connection"):
        return 400, "Connection must include 'Upgrade'"
    if header_value(head.headers, b"sec-websocket-version") != b"13":
        return 426, "only WebSocket version 13 is spoken here"
    key = header_value(head.headers, b"sec-websocket-key")
    if key is None or not frames.valid_client_key(key.decode("latin-1")):
        return 400, "Sec-WebSocket-Key must be 16 bytes, base64-encoded"
    return None


def http_response(status: int, headers, body: bytes) -> bytes:
    """A whole HTTP/1.1 response that ends the connection (refusals and denials)."""
    phrase = asgi_server.hand_parser.REASONS.get(status, b"")
    lines = [b"HTTP/1.1 %d %s" % (status, phrase)]
    for name, value in headers:
        lines.append(name + b": " + value)
    lines.append(b"content-length: %d" % len(body))
    lines.append(b"connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def websocket_scope(head, client, server, state: dict) -> dict:
    """The ASGI ``websocket`` scope (asgiref specs/www.rst, "Websocket")."""
    raw_path, _, query = head.target.partition(b"?")
    subprotocols = [token.decode("latin-1")
                    for token in header_tokens(head.headers, b"sec-websocket-protocol")]
    return {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.5"},
        "http_version": head.http_version,
        "scheme": "ws",
        "path": unquote(raw_path.decode("ascii")),
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": head.headers,
        "client": client,
        "server": server,
        "subprotocols": subprotocols,
        "state": state.copy(),
        "extensions": {"websocket.http.response": {}},
    }


# -- one upgraded connection -------------------------------------------------------------------
class WebSocketSession:
    """The app's ``receive`` and ``send`` for one WebSocket, fed with bytes by the protocol."""

    def __init__(self, protocol: UpgradingProtocol, scope: dict, key: bytes,
                 max_message: int) -> None:
        self.protocol = protocol
        self.scope = scope
        self.key = key
        self.state = SessionState.CONNECTING
        self.reader = frames.FrameReader(require_mask=True, max_frame=max_message)
        self.assembler = frames.MessageAssembler(max_message=max_message)
        self.inbox: asyncio.Queue[dict] = asyncio.Queue()
        self.inbox.put_nowait({"type": "websocket.connect"})
        self.disconnect_sent = False
        self.denial_status = 0
        self.denial_headers: list = []
        self.denial_body = b""
        self.close_timer: asyncio.TimerHandle | None = None

    # the chapter 09 connection treats us like a request cycle: these two keep it happy
    def feed_body(self, data: bytes, more_body: bool) -> None:
        pass                                   # a handshake GET has no body

    def disconnect(self) -> None:
        self.connection_lost()

    # receive: events TO the app ------------------------------------------------------------
    async def receive(self) -> dict:
        message = await self.inbox.get()
        if self.protocol.read_paused and self.inbox.qsize() < 16:
            self.protocol.read_paused = False
            self.protocol.transport.resume_reading()
        return message

    def deliver(self, message: dict) -> None:
        if self.disconnect_sent:
            return
        if message["type"] == "websocket.disconnect":
            self.disconnect_sent = True
        self.inbox.put_nowait(message)
        if self.inbox.qsize() > 64 and not self.protocol.read_paused:
            self.protocol.read_paused = True
            self.protocol.transport.pause_reading()    # the app reads slowly: stop reading

    # bytes from the peer ---------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        self.reader.feed(data)
        if self.state is SessionState.OPEN or self.state is SessionState.CLOSING:
            self.read_frames()

    def read_frames(self) -> None:
        while self.state is not SessionState.CLOSED:
            try:
                frame = self.reader.next_frame()
                if frame is None:
                    return
                message = self.assembler.add(frame)
            except ProtocolError as error:
                self.fail(error.code, error.reason)
                return
            if message is not None:
                self.on_message(*message)

    def on_message(self, opcode: Opcode, payload) -> None:
        if opcode is Opcode.TEXT:
            self.deliver({"type": "websocket.receive", "text": payload})
        elif opcode is Opcode.BINARY:
            self.deliver({"type": "websocket.receive", "bytes": payload})
        elif opcode is Opcode.PING:
            self.write_frame(Opcode.PONG, payload)     # §5.5.2: same payload back
        elif opcode is Opcode.CLOSE:
            code, reason = payload
            if self.state is SessionState.OPEN:        # the peer closes first: echo its code
                echoed = b"" if code == 1005 else frames.close_payload(code)
                self.write_frame(Opcode.CLOSE, echoed)
            self.deliver({"type": "websocket.disconnect", "code": code, "reason": reason})
            self.finish()
        # a PONG needs no answer

    def fail(self, code: int, reason: str) -> None:
        """The peer broke the protocol: close frame with the code, then drop the connection."""
        if self.state is SessionState.OPEN:
            self.write_frame(Opcode.CLOSE, frames.close_payload(code, reason))
        self.deliver({"type": "websocket.disconnect", "code": code, "reason": reason})
        self.finish()

    def connection_lost(self) -> None:
        self.state = SessionState.CLOSED
        if self.close_timer is not None:
            self.close_timer.cancel()
        self.deliver({"type": "websocket.disconnect", "code": 1006, "reason": ""})

    def finish(self) -> None:
        self.state = SessionState.CLOSED
        self.protocol.close()

    def write_frame(self, opcode: Opcode, payload: bytes) -> None:
        self.protocol.transport.write(frames.encode_frame(opcode, payload))

    # send: events FROM the app -------------------------------------------------------------
    async def send(self, message: dict) -> None:
        kind = message["type"]
        if self.state is SessionState.CONNECTING:
            self.send_before_accept(kind, message)
        elif self.state is SessionState.OPEN:
            if kind == "websocket.send":
                self.send_data(message)
                await self.protocol.drain()            # backpressure from the socket
            elif kind == "websocket.close":
                self.start_closing(message.get("code", 1000), message.get("reason") or "")
            else:
                raise RuntimeError(f"ASGI: {kind!r} is not allowed on an open WebSocket")
        else:
            raise asgi_server.ClientDisconnected(f"{kind!r} on a closed WebSocket")

    def send_before_accept(self, kind: str, message: dict) -> None:
        protocol = self.protocol
        if kind == "websocket.accept":
            protocol.transport.write(self.switching_protocols(message))
            self.state = SessionState.OPEN
            self.read_frames()                        # bytes that came with the handshake
        elif kind == "websocket.close":              # refused before accept: HTTP 403
            reason = (message.get("reason") or "").encode() + b"\n"
            protocol.transport.write(http_response(403, [], reason))
            self.closed_by_server()
        elif kind == "websocket.http.response.start" and not self.denial_status:
            self.denial_status = message["status"]
            self.denial_headers = list(message.get("headers", []))
        elif kind == "websocket.http.response.body" and self.denial_status:
            self.denial_body += message.get("body", b"")
            if not message.get("more_body", False):
                protocol.transport.write(
                    http_response(self.denial_status, self.denial_headers, self.denial_body))
                self.closed_by_server()
        else:
            raise RuntimeError(f"ASGI: {kind!r} before websocket.accept")

    def switching_protocols(self, message: dict) -> bytes:
        accept = frames.accept_key(self.key.decode("ascii")).encode("ascii")
        lines = [b"HTTP/1.1 101 Switching Protocols", b"upgrade: websocket",
                 b"connection: Upgrade", b"sec-websocket-accept: " + accept]
        subprotocol = message.get("subprotocol")
        if subprotocol is not None:
            lines.append(b"sec-websocket-protocol: " + subprotocol.encode("latin-1"))
        for name, value in message.get("headers", []):
            lines.append(name + b": " + value)
        return b"\r\n".join(lines) + b"\r\n\r\n"

    def send_data(self, message: dict) -> None:
        text = message.get("text")
        data = message.get("bytes")
        if (text is None) == (data is None):
            raise RuntimeError("ASGI: websocket.send needs exactly one of 'text' or 'bytes'")
        if text is not None:
            self.write_frame(Opcode.TEXT, text.encode("utf-8"))
        else:
            self.write_frame(Opcode.BINARY, bytes(data))

    def start_closing(self, code: int, reason: str) -> None:
        self.write_frame(Opcode.CLOSE, frames.close_payload(code, reason))
        self.state = SessionState.CLOSING
        # the peer should answer with its own close frame; if it does not, stop waiting
        self.close_timer = self.protocol.loop.call_later(CLOSE_TIMEOUT, self.finish)

    def closed_by_server(self) -> None:
        self.deliver({"type": "websocket.disconnect", "code": 1000, "reason": ""})
        self.finish()


# -- the chapter 09 connection, taught to upgrade ---------------------------------------------
class UpgradingProtocol(asgi_server.HttpProtocol):
    """An HTTP connection that becomes a WebSocket when a request asks for it."""

    max_message = MAX_MESSAGE

    def __init__(self, server) -> None:
        super().__init__(server)
        self.websocket: WebSocketSession | None = None

    def start_cycle(self, head) -> None:
        if not wants_websocket(head.headers):
            super().start_cycle(head)                  # ordinary HTTP, as in chapter 09
            return
        problem = handshake_problem(head)
        if problem is not None:
            status, reason = problem
            extra = [(b"sec-websocket-version", b"13")] if status == 426 else []
            self.transport.write(http_response(status, extra, reason.encode() + b"\n"))
            self.close()                               # handle_events stops: we are closed
            return
        scope = websocket_scope(head, self.client, self.sockname, self.server.lifespan_state)
        key = header_value(head.headers, b"sec-websocket-key")
        session = WebSocketSession(self, scope, key, self.max_message)
        self.websocket = session
        self.cycle = session                           # the chapter 09 code sees a cycle
        self.loop.create_task(self.run_websocket_app(session))

    def data_received(self, data: bytes) -> None:
        if self.websocket is None:
            super().data_received(data)
        else:
            self.websocket.feed(data)                  # after the upgrade: frames, not HTTP

    def shutdown(self) -> None:
        session = self.websocket
        if session is not None and session.state is SessionState.OPEN:
            session.start_closing(frames.GOING_AWAY, "server shutting down")
        else:
            super().shutdown()

    async def run_websocket_app(self, session: WebSocketSession) -> None:
        try:
            await self.app(session.scope, session.receive, session.send)
        except asgi_server.ClientDisconnected:
            pass
        except Exception:
            print(f"Exception in ASGI application (websocket {session.scope['path']}):\n"
                  f"{traceback.format_exc()}", file=sys.stderr, flush=True)
            self.end_after_app(session, error=True)
        else:
            self.end_after_app(session, error=False)

    def end_after_app(self, session: WebSocketSession, *, error: bool) -> None:
        if session.state is SessionState.CONNECTING:   # never accepted: an HTTP error
            self.transport.write(http_response(500, [], b"Internal Server Error\n"))
            session.finish()
        elif session.state is SessionState.OPEN:       # returned (or raised) while open
            session.start_closing(frames.INTERNAL_ERROR if error else frames.NORMAL_CLOSURE, "")


async def serve(config: asgi_server.Config, *, ready=None, stop: asyncio.Event | None = None,
                handle_signals: bool = True) -> None:
    """Chapter 09's ``serve``, with :class:`UpgradingProtocol` for each connection (its
    graceful shutdown calls each connection's ``shutdown()``: WebSockets get close 1001)."""
    await asgi_server.serve(config, ready=ready, stop=stop, handle_signals=handle_signals,
                            protocol=UpgradingProtocol)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("app", nargs="?", default="chat:app", help="module:attribute")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--parser", choices=["h11", "hand"], default="h11")
    parser.add_argument("--max-message", type=int, default=MAX_MESSAGE,
                        help="bytes; a bigger message is closed with 1009")
    parser.add_argument("--graceful-timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    UpgradingProtocol.max_message = args.max_message
    config = asgi_server.Config(asgi_server.load_app(args.app), host=args.host, port=args.port,
                                parser=args.parser, lifespan="off",
                                graceful_timeout=args.graceful_timeout)
    asyncio.run(serve(config))


if __name__ == "__main__":
    main()
