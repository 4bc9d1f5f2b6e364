"""Mistake: keys the room by name: two clients with the same name share one seat.

See the stub in exercises/10_websockets/ex3_chat.py for the task.
"""

from __future__ import annotations

from urllib.parse import parse_qs

# who is in the room: one ``send`` per member, keyed by something unique to the connection
room: dict = {}


async def broadcast(text: str) -> None:
    for member_send in list(room.values()):     # a copy: members may leave meanwhile
        try:
            await member_send({"type": "websocket.send", "text": text})
        except OSError:
            pass                                # it left a moment ago; its task removes it


async def http(scope, send) -> None:
    if scope["path"] == "/members":
        status, body = 200, str(len(room)).encode()
    else:
        status, body = 404, b"not found\n"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


async def chat(scope, receive, send) -> None:
    query = parse_qs(scope["query_string"].decode("latin-1"))
    name = query.get("name", ["anonymous"])[0]
    await receive()                              # websocket.connect
    await send({"type": "websocket.accept"})
    member = name
    room[member] = send
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is None:      # bytes: not spoken here
                await send({"type": "websocket.close", "code": 1003})
                return
            await broadcast(f"{name}: {message['text']}")
    finally:
        room.pop(member, None)


async def app(scope, receive, send) -> None:
    if scope["type"] == "http":
        await http(scope, send)
    elif scope["type"] == "websocket" and scope["path"] == "/chat":
        await chat(scope, receive, send)
    elif scope["type"] == "websocket":
        await receive()                          # websocket.connect
        await send({"type": "websocket.close"})  # before accept: HTTP 403
