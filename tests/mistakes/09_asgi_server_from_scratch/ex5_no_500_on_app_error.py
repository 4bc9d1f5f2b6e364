"""Mistake: an app that raises before http.response.start just loses the connection; no 500.

Exercise 9.5 -- the whole server (reference solution): asyncio streams + h11.

See the stub in exercises/09_asgi_server_from_scratch/ex5_asgi_server.py for the task.  The
chapter's own server (code/09_asgi_server_from_scratch/asgi_server.py) uses asyncio's
Protocol API instead of streams; this one is shorter and pulls the body from the socket
only when the app asks for it.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from urllib.parse import unquote

import h11


# -- the app your server must serve (given; do not change it) ---------------------------------
async def app(scope, receive, send) -> None:
    """/ -> hello; /stream -> three chunks, no Content-Length; /echo -> the body back;
    /client -> the client's port (two requests on one kept-alive connection share it)."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/stream":
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain")]})
        for i in range(3):
            await send({"type": "http.response.body", "body": b"part %d\n" % i, "more_body": True})
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b""})
        return
    if path == "/echo":
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                break
        body = b"".join(chunks)
    elif path == "/client":
        body = str(scope["client"][1]).encode()
    elif path == "/":
        body = b"Hello from your server!\n"
    else:
        await send({"type": "http.response.start", "status": 404,
                    "headers": [(b"content-length", b"10")]})
        await send({"type": "http.response.body", "body": b"not found\n"})
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


DISCONNECT = {"type": "http.disconnect"}
# Rules h11 0.16 does not check (RFC 9112 §3.2, RFC 9110 §5.3 and §6.5.1).
ABSOLUTE_FORM = re.compile(rb"(?i:https?)://[^/?#]*[^#]*")
AUTHORITY_FORM = re.compile(rb"[^/?#@]+:[0-9]+")
FORBIDDEN_TRAILERS = {b"content-length", b"transfer-encoding", b"host", b"trailer", b"te",
                      b"connection", b"keep-alive", b"upgrade", b"expect", b"max-forwards",
                      b"cache-control", b"pragma", b"range", b"authorization", b"cookie",
                      b"content-type", b"content-encoding", b"content-range"}


class BadRequest(Exception):
    """A rule h11 does not check was broken: answer 400 and close."""


def check_request(request: h11.Request) -> None:
    target, method = request.target, request.method
    if target == b"*":
        if method != b"OPTIONS":
            raise BadRequest("the target * is allowed only with OPTIONS")
    elif method == b"CONNECT":
        if not AUTHORITY_FORM.fullmatch(target):
            raise BadRequest("CONNECT needs a host:port target")
    elif not target.startswith(b"/") and not ABSOLUTE_FORM.fullmatch(target):
        raise BadRequest("the target must start with / or be an absolute URI")
    if sum(name == b"content-type" for name, _ in request.headers) > 1:
        raise BadRequest("the Content-Type field may appear only once")


def check_trailers(end: h11.EndOfMessage) -> None:
    for name, _ in end.headers:
        if name in FORBIDDEN_TRAILERS:
            raise BadRequest(f"{name.decode()} may not be a trailer (RFC 9110 §6.5.1)")


def build_scope(request: h11.Request, client, server) -> dict:
    raw_path, _, query = request.target.partition(b"?")
    if b"://" in raw_path:                           # absolute-form: the path is after the host
        raw_path = b"/" + raw_path.split(b"://", 1)[1].partition(b"/")[2]
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": request.http_version.decode(), "method": request.method.decode(),
            "scheme": "http", "path": unquote(raw_path.decode("ascii")), "raw_path": raw_path,
            "query_string": query, "root_path": "", "headers": list(request.headers),
            "client": client, "server": server, "state": {}}


def plain_response(status: int, text: bytes) -> bytes:
    phrase = {400: b"Bad Request", 500: b"Internal Server Error"}.get(status, b"Error")
    return (b"HTTP/1.1 %d %s\r\ncontent-type: text/plain\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n%s" % (status, phrase, len(text), text))


class Cycle:
    """One request: receive pulls the body from the socket on demand; send writes."""

    def __init__(self, conn: h11.Connection, reader, writer, head_request: bool) -> None:
        self.conn, self.reader, self.writer = conn, reader, writer
        self.head_request = head_request
        self.state = "start"
        self.disconnected = False
        self.refused = ""                            # why the request is refused (trailers)

    async def _event(self):
        while True:
            event = self.conn.next_event()
            if isinstance(event, h11.EndOfMessage):
                check_trailers(event)
            if event is not h11.NEED_DATA:
                return event
            data = await self.reader.read(65536)
            self.conn.receive_data(data)
            if not data:
                self.disconnected = True
                return None

    async def receive(self) -> dict:
        if self.disconnected or self.state == "done":
            return DISCONNECT
        if self.conn.their_state is h11.DONE:        # body over: wait for the client to leave
            data = await self.reader.read(65536)
            if data:
                self.conn.receive_data(data)         # a pipelined request: h11 keeps it
                return await self.receive() if self.state == "done" else DISCONNECT
            self.disconnected = True
            return DISCONNECT
        try:
            event = await self._event()
        except (h11.RemoteProtocolError, BadRequest) as exc:
            self.refused = str(exc)
            self.disconnected = True
            return DISCONNECT
        if isinstance(event, h11.Data):
            return {"type": "http.request", "body": bytes(event.data), "more_body": True}
        if isinstance(event, h11.EndOfMessage):
            return {"type": "http.request", "body": b"", "more_body": False}
        self.disconnected = True
        return DISCONNECT

    async def send(self, message: dict) -> None:
        kind = message["type"]
        if self.refused:                             # the request broke a rule: 400, not this
            if self.state == "start":
                self.writer.write(plain_response(400, f"Bad request: {self.refused}\n".encode()))
                self.state = "refused"
            raise ConnectionResetError("the request was refused; the connection is closing")
        if self.state == "start" and kind == "http.response.start":
            data = self.conn.send(h11.Response(status_code=message["status"],
                                               headers=list(message.get("headers", ()))))
            self.state = "streaming"
        elif self.state == "streaming" and kind == "http.response.body":
            data = b""
            if message.get("body") and not self.head_request:
                data = self.conn.send(h11.Data(data=message["body"]))
            if not message.get("more_body", False):
                data += self.conn.send(h11.EndOfMessage())
                self.state = "done"
        elif self.state == "done":
            raise RuntimeError(f"{kind!r} after the final response body")
        else:
            raise RuntimeError(f"unexpected {kind!r} in state {self.state!r}")
        self.writer.write(data)
        await self.writer.drain()


async def handle_connection(app, reader: asyncio.StreamReader,
                            writer: asyncio.StreamWriter) -> None:
    conn = h11.Connection(h11.SERVER)
    client = writer.get_extra_info("peername")[:2]
    server = writer.get_extra_info("sockname")[:2]
    try:
        while True:
            cycle = Cycle(conn, reader, writer, head_request=False)
            try:
                event = await asyncio.wait_for(cycle._event(), 5.0)   # keep-alive timeout
                if isinstance(event, h11.Request):
                    check_request(event)
            except (h11.RemoteProtocolError, BadRequest) as exc:
                writer.write(plain_response(400, f"Bad request: {exc}\n".encode()))
                await writer.drain()
                return
            if not isinstance(event, h11.Request):
                return                                   # closed, or idle too long
            cycle.head_request = event.method == b"HEAD"
            try:
                await app(build_scope(event, client, server), cycle.receive, cycle.send)
            except Exception:
                return
            if cycle.state != "done":
                if cycle.state == "start":
                    writer.write(plain_response(500, b"No response\n"))
                return
            while conn.their_state is h11.SEND_BODY:      # a body the app did not read
                try:
                    event = await cycle._event()
                except BadRequest:
                    return                               # the response is out: just close
                if not isinstance(event, (h11.Data, h11.EndOfMessage)):
                    return
            if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
                conn.start_next_cycle()
            else:
                return
    except (TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve(app, host: str, port: int) -> None:
    server = await asyncio.start_server(lambda r, w: handle_connection(app, r, w), host, port)
    print(f"Listening on http://{host}:{port}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description="exercise 9.5: an ASGI server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    try:
        asyncio.run(serve(app, args.host, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
