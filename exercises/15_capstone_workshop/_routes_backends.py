"""Two small stand-in backends for the graded tests of exercise 15.1 (not an exercise).

The tests run your nginx config in front of these, each under its own uvicorn:

* ``pages`` -- stands in for the WSGI half: answers **every** URL with JSON saying what it
  received (``app``, ``method``, ``path``, ``query``, ``http_version``, ``headers``).
* ``live`` -- stands in for the ASGI live service:
    WS   /live/ws/{poll_id}   echoes each text message back;
    GET  /live/sse/{poll_id}  an event stream: its status and headers at once, one event
                              ``?first_event_after=`` seconds later (default 0), then
                              silence until the client leaves.  It does not send
                              ``X-Accel-Buffering: no``: the nginx config has to switch
                              buffering off itself;
    POST /live/publish        202 ``{"app": "live", "published": <the body as text>}``;
    GET  /live/info           what the request looked like on arrival (like pages).
  Anything else: 404 ``{"app": "live", "error": …}``.

Both keep a list of every request they received; the tests read it at ``GET /__seen__``,
asking the backend directly (never through nginx), to check that a request did *not* get
through.

Run one by hand: ``uvicorn _routes_backends:live --app-dir exercises/15_capstone_workshop``.
"""

from __future__ import annotations

import asyncio
import json

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _describe(request: Request, app: str) -> dict:
    return {"app": app, "method": request.method, "path": request.url.path,
            "query": request.url.query, "http_version": request.scope["http_version"],
            "headers": {k.decode("latin-1"): v.decode("latin-1")
                        for k, v in request.scope["headers"]}}


def _recording(name: str, app: Starlette):
    """``app``, noting each request it receives; ``GET /__seen__`` answers the list."""
    seen: list[str] = []

    async def recorded(scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket"):
            if scope["path"] == "/__seen__":
                await JSONResponse(seen)(scope, receive, send)
                return
            method = scope.get("method", "WS")
            seen.append(f"{method} {scope['path']}?{scope['query_string'].decode('latin-1')}")
        await app(scope, receive, send)

    async def error(request: Request, exc: Exception) -> JSONResponse:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return JSONResponse({"app": name, "error": str(exc)}, status_code=status)

    app.add_exception_handler(HTTPException, error)
    return recorded


# -- pages ------------------------------------------------------------------------------
async def pages_echo(request: Request) -> JSONResponse:
    return JSONResponse(_describe(request, "pages"))


pages = _recording("pages", Starlette(routes=[
    Route("/{path:path}", pages_echo, methods=ALL_METHODS),
]))


# -- live -------------------------------------------------------------------------------
async def live_ws(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


async def live_sse(request: Request) -> StreamingResponse:
    poll_id = request.path_params["poll_id"]
    delay = float(request.query_params.get("first_event_after", "0"))

    async def events():
        await asyncio.sleep(delay)
        yield f"id: 1\ndata: {json.dumps({'id': poll_id, 'app': 'live'})}\n\n"
        await asyncio.Event().wait()          # silence until the client goes away

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache"})


async def live_publish(request: Request) -> JSONResponse:
    body = (await request.body()).decode("utf-8", "replace")
    return JSONResponse({"app": "live", "published": body}, status_code=202)


async def live_info(request: Request) -> JSONResponse:
    return JSONResponse(_describe(request, "live"))


live = _recording("live", Starlette(routes=[
    WebSocketRoute("/live/ws/{poll_id:int}", live_ws),
    Route("/live/sse/{poll_id:int}", live_sse),
    Route("/live/publish", live_publish, methods=["POST"]),
    Route("/live/info", live_info, methods=ALL_METHODS),
]))
