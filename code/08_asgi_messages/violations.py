"""Apps that break the ASGI HTTP rules, one per path, to see what a real server does.

Run it (under uvicorn):

    python code/08_asgi_messages/violations.py           # Listening on http://127.0.0.1:8000

Then try each path and read both the client's view and this terminal's log:

    curl -i http://127.0.0.1:8000/ok               # 200, the well-behaved baseline
    curl -i http://127.0.0.1:8000/body-first       # 500: body sent before http.response.start
    curl -i http://127.0.0.1:8000/no-response      # 500: the app returned without a response
    curl -i http://127.0.0.1:8000/str-body         # headers went out, then a str body: cut off
    curl -i http://127.0.0.1:8000/unfinished       # more_body=True, then return: cut off
    curl -i http://127.0.0.1:8000/after-complete   # 200 arrives; the extra send is an error
    curl -i http://127.0.0.1:8000/returns-value    # 200 arrives; returning a value is logged

The rule the server enforces each time: ``http.response.start`` exactly once, first; then
``http.response.body`` messages (bytes) until one has ``more_body`` false; then nothing.
Before the start message a server can still answer 500. uvicorn writes the status line and
headers to the socket as soon as ``http.response.start`` arrives (both its httptools and h11
protocols do), so after it all uvicorn can do is close the connection, which the client sees
as a truncated body. That is uvicorn's choice, not the spec's: a server may hold the head until
the first body message (chapter 09's server does), and could then still answer 500 to a ``str``
body.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

START = {"type": "http.response.start", "status": 200,
         "headers": [(b"content-type", b"text/plain; charset=utf-8")]}


async def ok(send):
    await send(START)
    await send({"type": "http.response.body", "body": b"fine\n"})


async def body_first(send):
    await send({"type": "http.response.body", "body": b"too early\n"})


async def no_response(send):
    return None


async def str_body(send):
    await send(START)
    await send({"type": "http.response.body", "body": "text, not bytes\n"})


async def unfinished(send):
    await send(START)
    await send({"type": "http.response.body", "body": b"part one\n", "more_body": True})


async def after_complete(send):
    await ok(send)
    await send({"type": "http.response.body", "body": b"one more\n"})


async def returns_value(send):
    await ok(send)
    return "a value"


CASES = {"/ok": ok, "/body-first": body_first, "/no-response": no_response,
         "/str-body": str_body, "/unfinished": unfinished, "/after-complete": after_complete,
         "/returns-value": returns_value}


async def app(scope, receive, send):
    if scope["type"] != "http":
        return None  # no lifespan support: uvicorn logs that and carries on
    case = CASES.get(scope["path"], ok)
    return await case(send)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # find `course` from a clone
    from course.servers import serve

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    serve(app, args.host, args.port, lifespan="off")
