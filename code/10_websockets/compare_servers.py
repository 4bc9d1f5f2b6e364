"""One WebSocket app on five servers: what each one advertises and does at the edges.

Run it (it starts and stops every server itself, one at a time, on free ports):

    python code/10_websockets/compare_servers.py
    python code/10_websockets/compare_servers.py --only hypercorn daphne

It prints one row per server: the ``spec_version`` in the websocket scope, whether the app's
close reason reaches the client, what the app's ``websocket.disconnect`` says when the client
closes with code 4002 and a reason, what the client sees when the server is stopped
(SIGTERM), and the server's default ping interval (read from its installed code).  A server that is
not installed (daphne is optional: ``pip install -r requirements-servers.txt``) gets a row
saying so.

This file is also the app (``compare_servers:app``), so every server runs the same code.  To
serve it yourself: ``python code/10_websockets/compare_servers.py --serve --port 8000``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


# -- the app every server runs -----------------------------------------------------------------
async def app(scope, receive, send) -> None:
    if scope["type"] != "websocket":
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"a WebSocket probe\n"})
        return                         # lifespan: not supported, every server carries on
    await receive()                    # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            # the server's log shows what the app was told (printed, flushed, read back)
            print(f"app saw disconnect code={message.get('code')} "
                  f"reason={message.get('reason')!r}", flush=True)
            return
        if message.get("text") == "scope":
            await send({"type": "websocket.send", "text": json.dumps(scope.get("asgi", {}))})
        elif message.get("text") == "close":
            await send({"type": "websocket.close", "code": 4001, "reason": "bye now"})


# -- the servers -------------------------------------------------------------------------------
SERVERS = {
    "uvicorn (websockets-sansio)": ["-m", "uvicorn", "compare_servers:app", "--host", "{host}",
                                    "--port", "{port}", "--ws", "websockets-sansio"],
    "uvicorn (wsproto)": ["-m", "uvicorn", "compare_servers:app", "--host", "{host}",
                          "--port", "{port}", "--ws", "wsproto"],
    "gunicorn -k asgi": ["-m", "gunicorn", "compare_servers:app", "-k", "asgi", "--bind",
                         "{host}:{port}", "--graceful-timeout", "3"],
    "hypercorn": ["-m", "hypercorn", "compare_servers:app", "--bind", "{host}:{port}"],
    "daphne": ["-m", "daphne", "-b", "{host}", "-p", "{port}", "compare_servers:app"],
}


def ping_default(name: str) -> str:
    """The default interval between server pings, read from the installed package."""
    if name.startswith("uvicorn"):
        import uvicorn
        return f"{uvicorn.Config(app).ws_ping_interval:g} s"
    if name == "hypercorn":
        from hypercorn.config import Config
        interval = Config().websocket_ping_interval
        return "none" if interval is None else f"{interval:g} s"
    if name == "daphne":
        import inspect

        from daphne.server import Server
        return f"{inspect.signature(Server).parameters['ping_interval'].default:g} s"
    return "none"        # gunicorn/asgi/websocket.py sends no pings


async def probe(url: str) -> dict:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    result = {}
    async with connect(url) as ws:
        await ws.send("scope")
        result["spec_version"] = json.loads(await ws.recv()).get("spec_version", "(none)")
        await ws.send("close")
        try:
            await asyncio.wait_for(ws.recv(), 5)
        except ConnectionClosed as closed:
            frame = closed.rcvd
            result["close_seen"] = "no close frame" if frame is None else (
                f"{frame.code} {frame.reason!r}")
    async with connect(url) as ws:
        await ws.close(4002, "see you")
    return result


async def shutdown_code(url: str, server) -> str:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    async with connect(url) as ws:
        await ws.send("scope")
        await ws.recv()                                   # the app is running
        server.send_signal(15)                            # SIGTERM to the server's master
        try:
            await asyncio.wait_for(ws.recv(), 10)
        except ConnectionClosed as closed:
            frame = closed.rcvd
            return "no close frame (1006)" if frame is None else f"{frame.code} {frame.reason!r}"
        except TimeoutError:
            return "still open after 10 s"
    return "?"


def second_disconnect_line(server, timeout: float = 5.0) -> str:
    """What the app printed when the *second* probe (client close 4002) went away."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [line for line in server.output().splitlines()
                 if line.startswith("app saw disconnect ")]
        if len(lines) >= 2:
            return lines[1].removeprefix("app saw disconnect ")
        time.sleep(0.05)      # polling the server's log file for a line, like servers.start
    return "(nothing printed)"


def installed(name: str) -> bool:
    """daphne is optional (requirements-servers.txt); the others come with the course."""
    module = SERVERS[name][1]                      # argv is ["-m", module, ...]
    return importlib.util.find_spec(module) is not None


async def measure_async(name: str) -> dict:
    """One row of the table (for callers that already run an event loop: a notebook)."""
    from course import servers

    if not installed(name):
        missing = "not installed (pip install -r requirements-servers.txt)"
        return {"server": name, "spec_version": missing, "close_seen": "-", "app_saw": "-",
                "on_shutdown": "-", "ping_default": "-"}
    argv = [sys.executable, *SERVERS[name]]
    with servers.start(argv, cwd=HERE, name=name.split()[0]) as server:
        url = f"ws://127.0.0.1:{server.port}/probe"
        row = {"server": name, **await probe(url)}
        row["app_saw"] = second_disconnect_line(server)
        row["on_shutdown"] = await shutdown_code(url, server)
        server.stop(grace=5)
    row["ping_default"] = ping_default(name)
    return row


def measure(name: str) -> dict:
    return asyncio.run(measure_async(name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", nargs="*", help="names (or first words) of servers")
    parser.add_argument("--serve", action="store_true", help="serve the app under uvicorn")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    if args.serve:
        from course.servers import serve
        serve(app, host=args.host, port=args.port, log_level="warning")
        return
    names = [name for name in SERVERS
             if not args.only or any(name.startswith(word) for word in args.only)]
    columns = ["server", "spec_version", "close_seen", "app_saw", "on_shutdown", "ping_default"]
    for name in names:
        row = measure(name)
        print(" | ".join(str(row[column]) for column in columns), flush=True)


if __name__ == "__main__":
    main()
