"""The chat room of chat.py, written with Starlette: the framework reads the messages for you.

Run it under uvicorn:

    python code/10_websockets/starlette_chat.py --port 8000

It prints ``Listening on http://127.0.0.1:8000``.  Then, in two terminals:

    python -m websockets 'ws://127.0.0.1:8000/chat?name=ann'
    python -m websockets 'ws://127.0.0.1:8000/chat?name=bob'

and type: each line reaches both.  ``GET /members`` answers how many are connected.

Compare with chat.py: ``websocket.accept()`` sends ``websocket.accept``;
``iter_text()`` loops over ``websocket.receive`` and ends at ``websocket.disconnect``
(Starlette raises ``WebSocketDisconnect`` inside ``receive_text``; the iterator catches it);
the ``finally`` does the same clean-up.  Same messages underneath, fewer lines on top.
"""

from __future__ import annotations

import argparse

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketState

members: set[WebSocket] = set()


async def broadcast(text: str) -> None:
    for member in list(members):
        if member.application_state is not WebSocketState.CONNECTED:
            continue
        try:
            await member.send_text(text)
        except OSError:        # it left a moment ago (ASGI 2.4: send raises OSError)
            members.discard(member)


async def chat(websocket: WebSocket) -> None:
    name = websocket.query_params.get("name", "anonymous")
    await websocket.accept()
    members.add(websocket)
    try:
        async for text in websocket.iter_text():
            await broadcast(f"{name}: {text}")
    finally:
        members.discard(websocket)


async def count(request) -> PlainTextResponse:
    return PlainTextResponse(str(len(members)))


app = Starlette(routes=[WebSocketRoute("/chat", chat), Route("/members", count)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    from course.servers import serve
    serve(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
