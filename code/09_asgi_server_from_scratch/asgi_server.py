"""An ASGI server from scratch: asyncio + an HTTP/1.1 parser (h11, or our own).

Run it (the app is ``module:attribute``; the default is the demo app in apps.py):

    python code/09_asgi_server_from_scratch/asgi_server.py
    python code/09_asgi_server_from_scratch/asgi_server.py apps:demo --parser hand --loop uvloop

It prints ``Listening on http://127.0.0.1:8000`` when it is ready.  Then try:

    curl -i http://127.0.0.1:8000/                      # hello, world (Content-Length)
    curl -i http://127.0.0.1:8000/stream                # a streamed (chunked) response
    curl -i -d 'some body' http://127.0.0.1:8000/echo   # the request body echoed back
    curl -i http://127.0.0.1:8000/ http://127.0.0.1:8000/scope   # keep-alive: one connection
    curl -i http://127.0.0.1:8000/ -H 'Bad Header : x'   # 400, and the server keeps serving

Stop it with Ctrl-C or SIGTERM: it stops listening, lets requests in flight finish, closes
idle connections, runs the app's lifespan shutdown, and exits.

What it does, in the order a request meets it:

* one :class:`HttpProtocol` per TCP connection (asyncio's Protocol API: the loop calls
  ``data_received`` with bytes; we never block);
* a *wire* turns bytes into events (request head, body chunks, end) and the app's response
  back into bytes -- :class:`H11Wire` wraps h11, :class:`HandWire` our hand_parser.py;
* each request gets a :class:`RequestCycle`: its ``scope``, and ``receive``/``send`` backed
  by a queue.  ``send`` is a state machine: start, then body…, and nothing after the final
  body -- a violation raises ``RuntimeError`` in the app;
* keep-alive (the next request on the same connection), pipelining (it waits), an idle
  timeout, a head timeout (a request head must arrive whole within HEAD_TIMEOUT seconds of
  its first byte, else 408 and close: slow loris), ``http.disconnect`` when the peer goes
  away, backpressure (``send`` waits for the transport's buffer to drain), lifespan,
  graceful shutdown and limits;
* a malformed request is answered 400 (or 431/413/501/505) and that connection closed.

What it is not: a production server.  No TLS, HTTP/2, WebSockets, ``Expect: 100-continue``,
HTTP/1.0 keep-alive, worker processes or reload.  Use uvicorn, hypercorn or granian.
"""

from __future__ import annotations

import argparse
import asyncio
import enum
import importlib
import signal
import sys
import time
import traceback
from collections import deque
from email.utils import formatdate
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

import h11

# hand_parser.py is a sibling file, and code/ is not a package: import it from this directory.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import hand_parser

__all__ = ["Config", "HttpProtocol", "RequestCycle", "ClientDisconnected", "serve", "main"]

DISCONNECT = {"type": "http.disconnect"}
# Seconds a client may take to send a whole request head once its first byte has arrived.
# A client that trickles its head (slow loris, chapter 06) gets a 408 and the connection is
# closed: RFC 9110 §15.5.9 -- the server gave up waiting, and says "connection: close".
HEAD_TIMEOUT = 10.0


class ClientDisconnected(OSError):
    """``send`` on a connection the client has closed (ASGI HTTP spec 2.4)."""


class Config:
    """Everything you can tune; the defaults are the limits a small server should have."""

    def __init__(self, app, *, host: str = "127.0.0.1", port: int = 8000,
                 parser: str = "h11", loop: str = "asyncio", lifespan: str = "auto",
                 keep_alive_timeout: float = 5.0, head_timeout: float = HEAD_TIMEOUT,
                 graceful_timeout: float = 30.0,
                 max_head: int = 16 * 1024, max_headers: int = 100,
                 max_body: int = 10 * 1024 * 1024, high_water: int = 64 * 1024,
                 access_log: bool = False) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.parser = parser
        self.loop = loop
        self.lifespan = lifespan
        self.keep_alive_timeout = keep_alive_timeout
        self.head_timeout = head_timeout
        self.graceful_timeout = graceful_timeout
        self.max_head = max_head
        self.max_headers = max_headers
        self.max_body = max_body
        self.high_water = high_water
        self.access_log = access_log


# -- the date header: RFC 9110 §6.6.1, an origin server with a clock sends Date ----------------
_date_cache: list = [0, b"", []]


def http_date() -> bytes:
    now = int(time.time())
    if now != _date_cache[0]:
        date = formatdate(now, usegmt=True).encode()
        _date_cache[:] = [now, date, [(b"date", date), (b"server", b"course-asgi")]]
    return _date_cache[1]


def default_headers() -> list[tuple[bytes, bytes]]:
    """``date`` and ``server``, rebuilt once a second rather than once a request."""
    http_date()
    return _date_cache[2]


def error_response(status: int, reason: str) -> bytes:
    """A complete response that ends the connection (used for malformed requests)."""
    body = f"{reason}\n".encode()
    phrase = hand_parser.REASONS.get(status, b"Error")
    return (b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\ndate: %s\r\n\r\n%s"
            % (status, phrase, len(body), http_date(), body))


# -- wires: bytes <-> events.  One interface (Wire), two implementations. --------------------
class ParseError(Exception):
    """The client broke a rule of HTTP/1.1: answer ``status`` and close the connection."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


END = hand_parser.END
NEED_DATA = hand_parser.NEED_DATA
PAUSED = hand_parser.PAUSED
Head = hand_parser.RequestHead
# What next_event() returns: a request head, a piece of body, or one of the three sentinels
# (END, NEED_DATA, PAUSED).
Event = Head | bytes | hand_parser.Sentinel


class Wire(Protocol):
    """What HttpProtocol needs from an HTTP/1.1 implementation: bytes in, events out, and
    the app's response back to bytes.  H11Wire and HandWire both fit; neither inherits it."""

    def feed(self, data: bytes) -> None:
        """Append bytes received from the client."""

    def feed_eof(self) -> None:
        """The client will send nothing more."""

    def next_event(self) -> Event:
        """The next Head, body bytes, END, NEED_DATA or PAUSED; or raise ParseError."""

    def response_head(self, status: int, headers, extra) -> bytes:
        """The status line and header fields of the response, as bytes to write."""

    def response_body(self, data: bytes) -> bytes:
        """One piece of the response body, framed (chunked or not)."""

    def response_end(self) -> bytes:
        """The end of the response body (the last chunk, or nothing)."""

    def buffered(self) -> int:
        """Bytes received but not parsed yet (pipelined requests)."""

    def reusable(self) -> bool:
        """After a response: may the next request come on this connection?  If so, reset."""


class H11Wire:
    """h11 does the parsing *and* the framing of our response; we translate its events."""

    def __init__(self, config: Config) -> None:
        self.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=config.max_head)
        self.max_headers = config.max_headers
        self.max_head = config.max_head
        self.head_request = False

    def feed(self, data: bytes) -> None:
        self.conn.receive_data(data)

    def feed_eof(self) -> None:
        self.conn.receive_data(b"")

    def next_event(self):
        try:
            event = self.conn.next_event()
        except h11.RemoteProtocolError as exc:
            raise ParseError(str(exc), exc.error_status_hint) from None
        cls = event.__class__
        if cls is h11.Data:
            return bytes(event.data)   # h11 may hand us a bytearray
        if cls is h11.Request:
            headers = list(event.headers)   # h11's Headers is a Sequence: iterate it once
            if len(headers) > self.max_headers:
                raise ParseError("too many header fields", 431)
            # h11 checks its limit only while a head is incomplete; a whole oversized head
            # that arrives in one read would slip through, so measure it here too.
            size = len(event.target)
            keep_alive = event.http_version == b"1.1"
            for name, value in headers:
                size += len(name) + len(value) + 4
                if name == b"connection" and b"close" in [
                        t.strip() for t in value.lower().split(b",")]:
                    keep_alive = False
            if size > self.max_head:
                raise ParseError("request head larger than the limit", 431)
            version = event.http_version.decode()
            if version not in ("1.0", "1.1"):   # h11 parses any HTTP/x.y
                raise ParseError("only HTTP/1.0 and HTTP/1.1 are spoken here", 505)
            self.check_like_the_hand_parser(event.method, event.target, headers)
            self.head_request = event.method == b"HEAD"
            return Head(event.method, event.target, version, headers, keep_alive)
        if cls is h11.EndOfMessage:
            for name, _ in event.headers:       # trailer fields (h11 accepts any)
                self.check(hand_parser.check_trailer, name)
            return END
        if event is h11.NEED_DATA:
            return NEED_DATA
        if event is h11.PAUSED:
            return PAUSED
        if cls is h11.ConnectionClosed:
            return NEED_DATA
        raise ParseError(f"unexpected {cls.__name__}")

    def check(self, rule, *args) -> None:
        """Run one of hand_parser's checks, raising this module's ParseError."""
        try:
            rule(*args)
        except hand_parser.ParseError as exc:
            raise ParseError(str(exc), exc.status) from None

    def check_like_the_hand_parser(self, method: bytes, target: bytes, headers) -> None:
        """Rules h11 0.16 does not enforce: the target's form, one Host, one Content-Type."""
        self.check(hand_parser.check_target, method, target)
        self.check(hand_parser.check_singletons, headers)

    def response_head(self, status: int, headers, extra) -> bytes:
        try:
            return self.conn.send(h11.Response(status_code=status, headers=[*extra, *headers],
                                               reason=hand_parser.REASONS.get(status, b"")))
        except h11.LocalProtocolError as exc:
            raise RuntimeError(f"invalid response start: {exc}") from None

    def response_body(self, data: bytes) -> bytes:
        if self.head_request or not data:
            return b""
        try:
            return self.conn.send(h11.Data(data=data))
        except h11.LocalProtocolError as exc:
            raise RuntimeError(f"invalid response body: {exc}") from None

    def response_end(self) -> bytes:
        try:
            return self.conn.send(h11.EndOfMessage()) or b""
        except h11.LocalProtocolError as exc:
            raise RuntimeError(f"invalid response end: {exc}") from None

    def buffered(self) -> int:
        """Bytes received but not parsed yet (pipelined requests)."""
        return len(self.conn.trailing_data[0])

    def reusable(self) -> bool:
        """After a response: can the next request come on this connection?  If so, reset."""
        if self.conn.our_state is h11.DONE and self.conn.their_state is h11.DONE:
            self.conn.start_next_cycle()
            return True
        return False


class HandWire:
    """Our own parser (hand_parser.py): the same interface as H11Wire."""

    def __init__(self, config: Config) -> None:
        self.parser = hand_parser.RequestParser(config.max_head, config.max_headers)
        self.writer = hand_parser.ResponseWriter()
        self.keep_alive = True
        self.head_request = False

    def feed(self, data: bytes) -> None:
        self.parser.feed(data)

    def feed_eof(self) -> None:
        pass

    def next_event(self):
        try:
            event = self.parser.next_event()
        except hand_parser.ParseError as exc:
            raise ParseError(str(exc), exc.status) from None
        if event.__class__ is Head:
            self.keep_alive = event.keep_alive
            self.head_request = event.method == b"HEAD"
        return event

    def response_head(self, status: int, headers, extra) -> bytes:
        return self.writer.head(status, headers, request_keep_alive=self.keep_alive,
                                head_request=self.head_request, extra=extra)

    def response_body(self, data: bytes) -> bytes:
        return self.writer.body(data)

    def response_end(self) -> bytes:
        return self.writer.end()

    def buffered(self) -> int:
        return len(self.parser.buffer)

    def reusable(self) -> bool:
        if self.writer.keep_alive and self.parser.request_done:
            self.parser.start_next_cycle()
            return True
        return False


WIRES: dict[str, type[Wire]] = {"h11": H11Wire, "hand": HandWire}


# -- one request: scope, receive, send ---------------------------------------------------------
def build_scope(head: Head, client, server, lifespan_state: dict) -> dict:
    """The ASGI HTTP connection scope for one request (asgiref: specs/www.rst)."""
    raw_path, _, query = head.target.partition(b"?")
    if not raw_path.startswith(b"/"):            # absolute-form (a proxy request) or "*"
        if b"://" in raw_path:
            raw_path = b"/" + raw_path.split(b"://", 1)[1].partition(b"/")[2]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": head.http_version,
        "method": head.method.decode("ascii"),
        "scheme": "http",
        "path": unquote(raw_path.decode("ascii")),
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": head.headers,
        "client": client,
        "server": server,
        "state": lifespan_state.copy(),   # what lifespan startup stored (a shallow copy)
    }


class SendProgress(enum.Enum):
    """Where the app is in the messages it must send for one response (ASGI HTTP spec)."""
    START = "waiting for http.response.start"
    STREAMING = "the head is decided; waiting for http.response.body messages"
    DONE = "the final body was sent; nothing more may be sent"



class RequestCycle:
    """One request/response: the app's ``receive`` and ``send`` for it."""

    def __init__(self, protocol: HttpProtocol, scope: dict) -> None:
        self.protocol = protocol
        self.scope = scope
        self.queue: deque[dict] = deque()   # http.request messages not yet received
        self.queued_bytes = 0
        self.waiter: asyncio.Future | None = None
        self.body_done = False
        self.disconnected = False
        self.progress = SendProgress.START
        self.status = 0
        self.pending_head = b""

    # receive: events TO the app -----------------------------------------------------------
    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def feed_body(self, data: bytes, more_body: bool) -> None:
        self.queue.append({"type": "http.request", "body": data, "more_body": more_body})
        self.queued_bytes += len(data)
        if more_body is False:
            self.body_done = True
        self._wake()

    def disconnect(self) -> None:
        self.disconnected = True
        self._wake()

    async def receive(self) -> dict:
        while not self.queue:
            if self.disconnected or self.progress is SendProgress.DONE:
                return DISCONNECT
            self.waiter = self.protocol.loop.create_future()
            await self.waiter
            self.waiter = None
        message = self.queue.popleft()
        self.queued_bytes -= len(message["body"])
        self.protocol.body_consumed(self)
        return message

    # send: events FROM the app -------------------------------------------------------------
    async def send(self, message: dict) -> None:
        kind = message["type"]
        protocol = self.protocol
        if self.progress is SendProgress.START:
            if kind != "http.response.start":
                raise RuntimeError(f"ASGI: expected 'http.response.start' first, got {kind!r}")
            if self.disconnected:
                raise ClientDisconnected("the client closed the connection")
            self.status = message["status"]
            # The spec lets a server hold the head until the first body message; writing
            # both in one transport.write saves a system call per request.
            self.pending_head = protocol.wire.response_head(
                self.status, message.get("headers", ()), protocol.extra_headers())
            self.progress = SendProgress.STREAMING
        elif self.progress is SendProgress.STREAMING:
            if kind != "http.response.body":
                raise RuntimeError(f"ASGI: expected 'http.response.body', got {kind!r}")
            if self.disconnected:
                raise ClientDisconnected("the client closed the connection")
            more_body = message.get("more_body", False)
            data = protocol.wire.response_body(message.get("body", b""))
            if self.pending_head:
                data = self.pending_head + data
                self.pending_head = b""
            if not more_body:
                data += protocol.wire.response_end()
                self.progress = SendProgress.DONE
            if data:
                protocol.transport.write(data)
            if not more_body:
                self._wake()             # a receive() waiting now gets http.disconnect
                protocol.response_complete(self)
            elif protocol.write_paused:
                await protocol.drain()   # backpressure: wait until the client reads
        else:
            raise RuntimeError(f"ASGI: {kind!r} sent after the response was complete")


# -- one connection ----------------------------------------------------------------------------
class HttpProtocol(asyncio.Protocol):
    def __init__(self, server: Server) -> None:
        self.server = server
        self.config = server.config
        self.app = server.config.app
        self.loop = server.loop
        self.wire: Wire = WIRES[self.config.parser](self.config)
        self.transport: asyncio.Transport | None = None
        self.cycle: RequestCycle | None = None
        self.write_paused = False
        self.read_paused = False
        self.drain_waiter: asyncio.Future | None = None
        self.idle_timer: asyncio.TimerHandle | None = None    # no request started yet
        self.head_timer: asyncio.TimerHandle | None = None    # a head is arriving
        self.closed = False

    # asyncio calls these ------------------------------------------------------------------
    def connection_made(self, transport) -> None:
        self.transport = transport
        self.client = tuple(transport.get_extra_info("peername")[:2])
        self.sockname = tuple(transport.get_extra_info("sockname")[:2])
        self.server.connections.add(self)
        self._start_idle_timer()

    def data_received(self, data: bytes) -> None:
        if self.idle_timer is not None:
            self.idle_timer.cancel()
            self.idle_timer = None
        self.wire.feed(data)
        self.handle_events()
        self.watch_head()

    def eof_received(self) -> None:
        # The client will send nothing more.  Like uvicorn, we treat that as the client
        # going away: returning None lets asyncio close the transport (connection_lost).
        self.wire.feed_eof()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.server.connections.discard(self)
        if self.idle_timer is not None:
            self.idle_timer.cancel()
        self.stop_head_timer()
        if self.cycle is not None:
            self.cycle.disconnect()       # the app's next receive() gets http.disconnect
        self._release_drain()

    def pause_writing(self) -> None:       # the transport's write buffer is over its limit
        self.write_paused = True

    def resume_writing(self) -> None:
        self.write_paused = False
        self._release_drain()

    # our own logic ---------------------------------------------------------------------------
    def handle_events(self) -> None:
        """Turn buffered bytes into events, until the parser needs more or must wait."""
        wire = self.wire
        while not self.closed:
            try:
                event = wire.next_event()
            except ParseError as exc:
                self.reject(exc.status, str(exc))
                return
            if event.__class__ is bytes:
                cycle = self.cycle
                cycle.feed_body(event, True)
                if cycle.queued_bytes > self.config.high_water and not self.read_paused:
                    self.read_paused = True
                    self.transport.pause_reading()   # flow control: the app reads slowly
            elif event is END:
                self.cycle.feed_body(b"", False)
                return      # the next event can only be PAUSED until the response is done
            elif event.__class__ is Head:
                self.start_cycle(event)
            elif event is NEED_DATA:
                return
            else:  # PAUSED: this request is complete; the next one waits for our response
                # Stop reading only if pipelined bytes pile up past the high-water mark.
                # (uvicorn's h11 protocol pauses as soon as h11 says PAUSED, i.e. as soon as
                # one pipelined request is buffered; for an ordinary request, one at a time,
                # neither uvicorn nor we pause reading at all.)
                if wire.buffered() > self.config.high_water and not self.read_paused:
                    self.read_paused = True
                    self.transport.pause_reading()
                return

    def start_cycle(self, head: Head) -> None:
        for name, value in head.headers:
            if name == b"content-length" and int(value) > self.config.max_body:
                self.reject(413, "request body larger than the limit")
                return
        scope = build_scope(head, self.client, self.sockname, self.server.lifespan_state)
        cycle = self.cycle = RequestCycle(self, scope)
        self.loop.create_task(self.run_app(cycle))

    async def run_app(self, cycle: RequestCycle) -> None:
        self.server.in_flight += 1
        try:
            await self.app(cycle.scope, cycle.receive, cycle.send)
        except ClientDisconnected:
            pass
        except Exception:
            if cycle.progress is SendProgress.DONE:   # the response went out whole: report it
                traceback.print_exc()
                return
            print(f"Exception in ASGI application ({cycle.scope['method']} "
                  f"{cycle.scope['path']}):\n{traceback.format_exc()}", file=sys.stderr)
            if cycle.progress is SendProgress.START and not cycle.disconnected:
                self.transport.write(error_response(500, "Internal Server Error"))
            self.close()
        else:
            if cycle.progress is not SendProgress.DONE and not cycle.disconnected:
                print(f"ASGI app returned without completing the response "
                      f"({cycle.scope['path']})", file=sys.stderr)
                if cycle.progress is SendProgress.START:
                    self.transport.write(error_response(500, "Internal Server Error"))
                self.close()
        finally:
            self.server.in_flight -= 1
            if self.config.access_log:
                print(f'{self.client[0]}:{self.client[1]} - "{cycle.scope["method"]} '
                      f'{cycle.scope["path"]}" {cycle.status}')

    def response_complete(self, cycle: RequestCycle) -> None:
        """The final body was written: reuse the connection for the next request, or close."""
        if cycle is not self.cycle:
            return
        if self.server.shutting_down or cycle.disconnected or not self.wire.reusable():
            self.close()
            return
        self.cycle = None
        if self.read_paused:
            self.read_paused = False
            self.transport.resume_reading()
        self.handle_events()                # a pipelined request may be waiting
        self.watch_head()
        if self.cycle is None and self.head_timer is None:
            self._start_idle_timer()

    def body_consumed(self, cycle: RequestCycle) -> None:
        if self.read_paused and cycle is self.cycle and cycle.queued_bytes < self.config.high_water:
            self.read_paused = False
            self.transport.resume_reading()

    def reject(self, status: int, reason: str) -> None:
        """A malformed request: answer it (if no response started) and close."""
        if self.cycle is None or self.cycle.progress is SendProgress.START:
            self.transport.write(error_response(status, f"Invalid HTTP request: {reason}"))
        if self.cycle is not None:
            self.cycle.disconnect()
        self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.transport.close()     # flushes what is buffered, then closes

    def shutdown(self) -> None:
        """Graceful shutdown: close when idle; a request in flight may finish first."""
        if self.cycle is None:
            self.close()

    def extra_headers(self) -> list[tuple[bytes, bytes]]:
        return default_headers()

    async def drain(self) -> None:
        if self.write_paused and not self.closed:
            self.drain_waiter = self.loop.create_future()
            await self.drain_waiter
        if self.closed and self.cycle is not None:
            raise ClientDisconnected("the client closed the connection")

    def _release_drain(self) -> None:
        waiter = self.drain_waiter
        self.drain_waiter = None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def watch_head(self) -> None:
        """Time a request head from its first byte to its last (slow loris: HEAD_TIMEOUT)."""
        if self.closed or self.cycle is not None:
            self.stop_head_timer()              # the head is complete: a request is running
        elif self.wire.buffered() and self.head_timer is None:
            self.head_timer = self.loop.call_later(self.config.head_timeout, self.head_too_slow)

    def stop_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def head_too_slow(self) -> None:
        self.head_timer = None
        if self.cycle is None and not self.closed:
            self.reject(408, "the request head did not arrive in time")

    def _start_idle_timer(self) -> None:
        self.idle_timer = self.loop.call_later(self.config.keep_alive_timeout, self.close)


# -- lifespan ----------------------------------------------------------------------------------
class Lifespan:
    """Drive the app's lifespan protocol: startup before serving, shutdown after."""

    def __init__(self, app, lifespan_state: dict) -> None:
        self.app = app
        self.lifespan_state = lifespan_state
        self.inbox: asyncio.Queue[dict] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict] = asyncio.Queue()
        self.task: asyncio.Task | None = None
        self.supported = True
        self.error: BaseException | None = None

    async def _run(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"},
                 "state": self.lifespan_state}
        try:
            await self.app(scope, self.inbox.get, self.outbox.put)
        except BaseException as exc:  # an app without lifespan support raises here
            self.error = exc
        finally:
            await self.outbox.put({"type": "_returned"})

    async def _ask(self, kind: str) -> None:
        await self.inbox.put({"type": f"lifespan.{kind}"})
        reply = await self.outbox.get()
        if reply["type"] == f"lifespan.{kind}.complete":
            return
        if reply["type"] == f"lifespan.{kind}.failed":
            raise RuntimeError(f"lifespan {kind} failed: {reply.get('message', '')}")
        if reply["type"] == "_returned" and kind == "startup":
            self.supported = False       # the app does not do lifespan: serve anyway
            return
        raise RuntimeError(f"lifespan: unexpected {reply['type']!r} during {kind}")

    async def startup(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())
        await self._ask("startup")

    async def shutdown(self) -> None:
        if self.supported and self.task is not None and not self.task.done():
            await self._ask("shutdown")


# -- the server --------------------------------------------------------------------------------
class Server:
    """What every connection shares: the config, the open connections, the lifespan state."""

    def __init__(self, config: Config, loop: asyncio.AbstractEventLoop) -> None:
        self.config = config
        self.loop = loop
        self.connections: set[HttpProtocol] = set()
        self.lifespan_state: dict = {}     # scope["state"]: filled by lifespan startup
        self.in_flight = 0
        self.shutting_down = False


async def serve(config: Config, *, ready=None, stop: asyncio.Event | None = None,
                handle_signals: bool = True,
                protocol: type[HttpProtocol] | None = None) -> None:
    """Serve until SIGINT/SIGTERM (or until ``stop`` is set), then shut down gracefully.

    ``ready(port)`` is called once the socket listens.  Pass ``handle_signals=False`` when
    the event loop is not yours (a notebook kernel, a test): then set ``stop`` or cancel.
    ``protocol`` is the class that handles each connection: :class:`HttpProtocol`, or a
    subclass that adds to it (chapter 10's WebSocket upgrade).
    """
    protocol = protocol or HttpProtocol
    loop = asyncio.get_running_loop()
    server = Server(config, loop)
    lifespan = Lifespan(config.app, server.lifespan_state)
    if config.lifespan != "off":
        await lifespan.startup()
    listener = await loop.create_server(lambda: protocol(server),
                                        config.host, config.port, backlog=2048)
    port = listener.sockets[0].getsockname()[1]
    print(f"Listening on http://{config.host}:{port}", flush=True)
    if ready is not None:
        ready(port)

    stop = stop or asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM) if handle_signals else ():
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows, or not the main thread
            pass
    try:
        await stop.wait()
    finally:
        # graceful shutdown: stop accepting, close idle connections, let requests finish
        server.shutting_down = True
        listener.close()
        for conn in list(server.connections):
            conn.shutdown()
        deadline = loop.time() + config.graceful_timeout
        while server.connections and loop.time() < deadline:
            await asyncio.sleep(0.05)
        for conn in list(server.connections):
            conn.close()
        if config.lifespan != "off":
            await lifespan.shutdown()
        print("Stopped.", flush=True)


def load_app(spec: str):
    module_name, _, attr = spec.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr or "app")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("app", nargs="?", default="apps:demo", help="module:attribute")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--parser", choices=sorted(WIRES), default="h11")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    parser.add_argument("--lifespan", choices=["auto", "off"], default="auto")
    parser.add_argument("--app-dir", default=".", help="put this directory on sys.path")
    parser.add_argument("--keep-alive-timeout", type=float, default=5.0)
    parser.add_argument("--head-timeout", type=float, default=HEAD_TIMEOUT)
    parser.add_argument("--graceful-timeout", type=float, default=30.0)
    parser.add_argument("--access-log", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(args.app_dir).resolve()))
    config = Config(load_app(args.app), host=args.host, port=args.port, parser=args.parser,
                    loop=args.loop, lifespan=args.lifespan,
                    keep_alive_timeout=args.keep_alive_timeout,
                    head_timeout=args.head_timeout,
                    graceful_timeout=args.graceful_timeout, access_log=args.access_log)
    if args.loop == "uvloop":
        import uvloop
        uvloop.run(serve(config))
    else:
        asyncio.run(serve(config))


if __name__ == "__main__":
    main()
