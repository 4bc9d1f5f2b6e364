"""A Flask app and a WebSocket app on one uvicorn: a2wsgi for the one, a router for both.

Run it (a server; Ctrl-C stops it):

    python code/12_bridges_and_frameworks/flask_under_uvicorn.py [--host H] [--port P]

Then try:

    curl -i http://127.0.0.1:8000/            # Flask answers, through a2wsgi
    curl http://127.0.0.1:8000/stream         # a Flask generator, streamed line by line
    python -m websockets ws://127.0.0.1:8000/ws   # type a line: the ASGI app echoes it

The shape many projects grow into: an old WSGI app keeps its pages while a new ASGI app
adds WebSockets, one server runs both.  ``WSGIMiddleware(flask_app)`` (a2wsgi) turns Flask
into an ASGI app that runs each request in a thread of its pool; ``route`` sends ``http``
scopes there and ``websocket`` scopes to ``echo``.  ``lifespan`` goes to ``echo`` only --
a2wsgi's wrapper would just answer ``complete`` for Flask, which has nothing to start.
Exercise 12.3 writes the general router, with lifespan for both apps.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

from a2wsgi import WSGIMiddleware
from flask import Flask, Response

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # find `course` from a clone

from course.servers import serve

flask_app = Flask(__name__)
STARTED = {"echo": False}


@flask_app.get("/")
def index() -> dict:
    return {"framework": "flask", "thread": threading.current_thread().name,
            "echo_app_started": STARTED["echo"]}


@flask_app.get("/stream")
def stream() -> Response:
    def lines():
        for number in range(1, 4):
            yield f"line {number}\n"
            time.sleep(0.2)
    return Response(lines(), mimetype="text/plain")


async def echo(scope, receive, send) -> None:
    """An ASGI WebSocket echo (and the lifespan of the whole server)."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                STARTED["echo"] = True
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await receive()                                   # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        await send({"type": "websocket.send", "text": message.get("text") or ""})


wsgi_side = WSGIMiddleware(flask_app, workers=8)


async def route(scope, receive, send) -> None:
    if scope["type"] == "http":
        await wsgi_side(scope, receive, send)
    else:
        await echo(scope, receive, send)              # websocket and lifespan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    serve(route, host=args.host, port=args.port, lifespan="on")


if __name__ == "__main__":
    main()
