"""A pure-ASGI echo and chat room, plus the page a browser uses to join it.

Run it under uvicorn:

    python code/10_websockets/chat.py --port 8000

It prints ``Listening on http://127.0.0.1:8000``.  Then open http://127.0.0.1:8000/ in two
browser tabs and type in one: the line appears in both.  Or from a shell:

    python -m websockets ws://127.0.0.1:8000/echo          # type a line, get it back
    python -m websockets 'ws://127.0.0.1:8000/chat?name=ann'

Routes: ``GET /`` the HTML page; ``GET /headers`` the request headers as JSON (what a proxy
passed on); ``/echo`` echoes each message (text as text, bytes as
bytes); ``/chat?name=ann`` broadcasts ``ann: <text>`` to everyone in the room, the sender
included; any other WebSocket path is refused before accept (the client sees HTTP 403).

No framework: ``app(scope, receive, send)`` reads ``websocket.*`` messages itself.  The room
is a dict of per-client queues; each client has one task writing to its socket, so a slow
client never holds up the others, and a client that leaves is removed in a ``finally``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from urllib.parse import parse_qs

PAGE = """<!doctype html>
<meta charset="utf-8">
<title>chat</title>
<p>name <input id="name" value="guest"> <button id="join">join</button></p>
<form id="say"><input id="text" autocomplete="off"> <button>send</button></form>
<ul id="log"></ul>
<script>
let socket = null;
const log = (line) => {
  const item = document.createElement("li");
  item.textContent = line;
  document.getElementById("log").append(item);
};
document.getElementById("join").onclick = () => {
  const name = encodeURIComponent(document.getElementById("name").value);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/chat?name=${name}`);
  socket.onopen = () => { document.body.dataset.state = "open"; };
  socket.onmessage = (event) => log(event.data);
  socket.onclose = (event) => log(`(closed ${event.code})`);
};
document.getElementById("say").onsubmit = (event) => {
  event.preventDefault();
  const box = document.getElementById("text");
  socket.send(box.value);
  box.value = "";
};
</script>
"""


class Room:
    """Who is connected: one outgoing queue per client.  Sending never blocks the sender."""

    def __init__(self) -> None:
        self.members: dict[int, asyncio.Queue] = {}

    def join(self, client_id: int) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=100)
        self.members[client_id] = queue
        return queue

    def leave(self, client_id: int) -> None:
        self.members.pop(client_id, None)

    def broadcast(self, text: str) -> None:
        for queue in list(self.members.values()):
            if queue.full():          # a client that stopped reading loses lines, not us
                continue
            queue.put_nowait(text)


room = Room()


async def page(send) -> None:
    body = PAGE.encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def show_headers(scope, send) -> None:
    seen = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
    body = json.dumps(seen).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


async def not_found(send) -> None:
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"not found\n"})


async def echo(receive, send) -> None:
    await receive()                                  # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") is not None:
            await send({"type": "websocket.send", "text": message["text"]})
        else:
            await send({"type": "websocket.send", "bytes": message["bytes"]})


async def write_lines(queue: asyncio.Queue, send) -> None:
    """The only task that writes to this client's socket."""
    while True:
        text = await queue.get()
        await send({"type": "websocket.send", "text": text})


async def chat(scope, receive, send) -> None:
    query = parse_qs(scope["query_string"].decode("latin-1"))
    name = query.get("name", ["anonymous"])[0]
    await receive()                                  # websocket.connect
    await send({"type": "websocket.accept"})
    client_id = id(scope)
    queue = room.join(client_id)
    writer = asyncio.ensure_future(write_lines(queue, send))
    room.broadcast(f"* {name} joined ({len(room.members)} here)")
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                break
            if message.get("text") is not None:
                room.broadcast(f"{name}: {message['text']}")
    finally:
        room.leave(client_id)          # first: nobody queues lines for a gone client
        writer.cancel()
        await asyncio.gather(writer, return_exceptions=True)
        room.broadcast(f"* {name} left ({len(room.members)} here)")


async def app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        return                                       # nothing to set up
    if scope["type"] == "http":
        if scope["path"] == "/":
            await page(send)
        elif scope["path"] == "/headers":
            await show_headers(scope, send)
        else:
            await not_found(send)
        return
    if scope["path"] == "/echo":
        await echo(receive, send)
    elif scope["path"] == "/chat":
        await chat(scope, receive, send)
    else:
        await receive()                              # websocket.connect
        await send({"type": "websocket.close", "code": 1008})   # before accept: HTTP 403


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    from course.servers import serve
    serve(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
