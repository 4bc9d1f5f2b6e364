"""ws_server.py in process: the ASGI side of its WebSocket support, edge by edge."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from course.modules import load_path

CODE = Path(__file__).resolve().parent.parent / "code" / "10_websockets"
ws_server = load_path(CODE / "ws_server.py")
asgi_server = ws_server.asgi_server


class EdgeApp:
    """One behaviour per path; records every message it receives."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.scopes: list[dict] = []
        self.done = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        self.scopes.append(scope)
        path = scope["path"]
        self.received.append(await receive())
        try:
            if path == "/deny":
                await send({"type": "websocket.http.response.start", "status": 401,
                            "headers": [(b"content-type", b"text/plain")]})
                await send({"type": "websocket.http.response.body", "body": b"log in",
                            "more_body": True})
                await send({"type": "websocket.http.response.body", "body": b" first\n"})
                return
            if path == "/crash-before":
                raise RuntimeError("boom before accept")
            subprotocol = "chat" if "chat" in scope["subprotocols"] else None
            await send({"type": "websocket.accept", "subprotocol": subprotocol,
                        "headers": [(b"x-extra", b"yes")]})
            if path == "/crash-after":
                raise RuntimeError("boom after accept")
            if path == "/return":
                return
            while True:
                message = await receive()
                self.received.append(message)
                if message["type"] == "websocket.disconnect":
                    return
        finally:
            self.done.set()


@contextlib.asynccontextmanager
async def running(app):
    config = asgi_server.Config(app, port=0, lifespan="off", graceful_timeout=1)
    stop = asyncio.Event()
    ready: asyncio.Future = asyncio.get_running_loop().create_future()
    task = asyncio.ensure_future(ws_server.serve(config, ready=ready.set_result, stop=stop,
                                                 handle_signals=False))
    try:
        port = await asyncio.wait_for(ready, 5)
        yield f"ws://127.0.0.1:{port}"
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)


async def close_code_of(url: str, **options) -> int | None:
    async with connect(url, **options) as ws:
        with contextlib.suppress(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        return ws.close_code


def test_ch10_ws_server_denial_subprotocol_errors_and_disconnect_reason():
    app = EdgeApp()

    async def scenario():
        found = {}
        async with running(app) as base:
            try:
                async with connect(base + "/deny"):
                    pass
            except InvalidStatus as refused:
                found["deny"] = (refused.response.status_code, bytes(refused.response.body))
            try:
                async with connect(base + "/crash-before"):
                    pass
            except InvalidStatus as refused:
                found["crash-before"] = refused.response.status_code
            found["crash-after"] = await close_code_of(base + "/crash-after")
            found["return"] = await close_code_of(base + "/return")
            async with connect(base + "/talk", subprotocols=["chat"]) as ws:
                found["subprotocol"] = ws.subprotocol
                found["extra"] = ws.response.headers.get("x-extra")
                app.done.clear()
                await ws.close(4001, "see you")
            await asyncio.wait_for(app.done.wait(), 5)
        return found

    found = asyncio.run(asyncio.wait_for(scenario(), 20))
    assert found["deny"] == (401, b"log in first\n"), found
    assert found["crash-before"] == 500, found
    assert found["crash-after"] == 1011, found
    assert found["return"] == 1000, found
    assert (found["subprotocol"], found["extra"]) == ("chat", "yes"), found
    assert app.received[0] == {"type": "websocket.connect"}, app.received
    assert app.received[-1] == {"type": "websocket.disconnect", "code": 4001,
                                "reason": "see you"}, app.received
    scope = app.scopes[-1]
    assert scope["asgi"]["spec_version"] == "2.5" and scope["scheme"] == "ws", scope
    assert "websocket.http.response" in scope["extensions"], scope
