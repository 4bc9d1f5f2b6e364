"""Print every ASGI message of every request: a logging middleware around the app suite.

Run it:

    python code/08_asgi_messages/trace_messages.py       # Listening on http://127.0.0.1:8000

Then, in another terminal, make requests and watch this terminal:

    curl http://127.0.0.1:8000/hello
    curl --data-binary 'ping' http://127.0.0.1:8000/echo
    curl -N 'http://127.0.0.1:8000/countdown?from=3&delay=0.2'

Each line is one event, numbered per connection scope::

    #1 scope    http GET /echo (http/1.1, client 127.0.0.1:53018)
    #1 receive  http.request body=b'ping' more_body=False        (server -> app)
    #1 send     http.response.start status=200 headers=[...]      (app -> server)
    #1 send     http.response.body body=b'ping' more_body=False
    #1 return   the app returned

``receive`` lines are events the server delivered *to* the app; ``send`` lines are events
the app emitted.  At start and Ctrl-C you also see the lifespan messages (#0).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # find `course` from a clone

from course.modules import load_path  # noqa: E402


def short(message: dict) -> str:
    """One message on one line: its type, then its other keys (long bytes cut short)."""
    parts = [message.get("type", "?")]
    for key, value in message.items():
        if key == "type":
            continue
        if isinstance(value, bytes) and len(value) > 40:
            value = value[:40] + b"..." + f"({len(value)} bytes)".encode()
        parts.append(f"{key}={value!r}")
    return " ".join(parts)


class TraceMiddleware:
    """Wraps an ASGI app; prints the scope and every message that passes in either direction."""

    def __init__(self, app, write=print) -> None:
        self.app = app
        self.write = write
        self.numbers = itertools.count(1)

    async def __call__(self, scope, receive, send) -> None:
        number = 0 if scope["type"] == "lifespan" else next(self.numbers)
        tag = f"#{number}"
        if scope["type"] == "http":
            client = scope.get("client")
            who = f"{client[0]}:{client[1]}" if client else "?"
            self.write(f"{tag} scope    http {scope['method']} {scope['path']} "
                       f"(http/{scope['http_version']}, client {who})")
        else:
            self.write(f"{tag} scope    {scope['type']}")

        async def traced_receive():
            message = await receive()
            self.write(f"{tag} receive  {short(message)}")
            return message

        async def traced_send(message):
            self.write(f"{tag} send     {short(message)}")
            await send(message)

        try:
            await self.app(scope, traced_receive, traced_send)
        except BaseException as exc:
            self.write(f"{tag} raise    {type(exc).__name__}: {exc}")
            raise
        self.write(f"{tag} return   the app returned")


app_suite = load_path(HERE / "app_suite.py", "course_app_suite")
app = TraceMiddleware(app_suite.app, write=lambda line: print(line, flush=True))


if __name__ == "__main__":
    from course.servers import serve

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    serve(app, args.host, args.port, access_log=False)
