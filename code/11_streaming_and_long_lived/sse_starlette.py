"""The same kind of SSE feed in Starlette: a StreamingResponse over an async generator.

Run it:

    python code/11_streaming_and_long_lived/sse_starlette.py

Then ``curl -N 'http://127.0.0.1:8000/events?every=0.5'`` prints an event every half
second; press Ctrl-C in curl and the server's terminal says
``generator closed after N events (cleanup ran)``: Starlette watches ``receive`` for
``http.disconnect`` itself and cancels the generator, so its ``finally`` block runs.
``Last-Event-ID`` resumes as in ``sse_server.py``.

Starlette adds nothing SSE-specific: the framing (``id:``, ``data:``, blank line) is
written by hand, and ``X-Accel-Buffering: no`` is just another header.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from course.servers import serve


async def ticks(first: int, every: float):
    sent = 0
    try:
        event_id = first
        while True:
            yield f"id: {event_id}\ndata: tick {event_id}\n\n"
            sent += 1
            event_id += 1
            await asyncio.sleep(every)
    finally:
        print(f"generator closed after {sent} events (cleanup ran)", flush=True)


async def events(request: Request) -> StreamingResponse:
    last_id = request.headers.get("last-event-id", "")
    first = int(last_id) + 1 if last_id.isdigit() else 1
    every = float(request.query_params.get("every", "1"))
    print(f"stream opened, sending from {first}", flush=True)
    return StreamingResponse(ticks(first, every), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


app = Starlette(routes=[Route("/events", events)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    serve(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
