"""Server-Sent Events in pure ASGI, with a page whose EventSource reconnects and resumes.

Run it:

    python code/11_streaming_and_long_lived/sse_server.py

Then open http://127.0.0.1:8000/ in a browser: the page's ``EventSource`` prints each event.
The server ends every stream after 3 events (``drop_after``); the browser reconnects on its
own after the ``retry`` delay and sends ``Last-Event-ID``, and the stream goes on from the
next event -- none lost, none repeated.  After ``count`` events the server answers 204 No
Content, which tells the browser to stop reconnecting.  The terminal shows one line per
connection: ``stream #2 opened: Last-Event-ID 3, sending from 4``.

With curl:

    curl -N 'http://127.0.0.1:8000/events?count=5&every=0.5'
        the raw stream: ``retry: 500`` once, then ``id:``/``data:`` blocks;
    curl -N -H 'Last-Event-ID: 3' 'http://127.0.0.1:8000/events?count=5'
        resumes with event 4;
    curl -i -H 'Last-Event-ID: 5' 'http://127.0.0.1:8000/events?count=5'
        204: nothing left, a browser stops here.

Query: ``count`` (events in all, default 10), ``every`` (seconds apart, default 1),
``drop_after`` (events per connection before the server hangs up, default 3; 0 = never).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
from pathlib import Path
from urllib.parse import parse_qs

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from course.servers import serve

RETRY_MS = 500
connections = itertools.count(1)

PAGE = b"""<!doctype html>
<meta charset="utf-8">
<title>EventSource, reconnecting</title>
<h1>Events</h1>
<p>readyState: <span id="state">connecting</span></p>
<ol id="events"></ol>
<script>
window.received = [];
window.opened = 0;
const source = new EventSource("/events" + location.search);
const state = document.getElementById("state");
const names = ["connecting", "open", "closed"];
source.onopen = () => { window.opened += 1; state.textContent = names[source.readyState]; };
source.onmessage = (event) => {
  window.received.push({id: event.lastEventId, data: event.data});
  const item = document.createElement("li");
  item.textContent = `id ${event.lastEventId}: ${event.data}`;
  document.getElementById("events").append(item);
};
source.onerror = () => { state.textContent = names[source.readyState]; };
</script>
"""


def number(query: dict, name: str, default: float) -> float:
    return float(query.get(name, [default])[0])


async def wait_for_disconnect(receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def events(scope, receive, send) -> None:
    query = parse_qs(scope["query_string"].decode("latin-1"))
    count = int(number(query, "count", 10))
    every = number(query, "every", 1.0)
    drop_after = int(number(query, "drop_after", 3))
    last_id = dict(scope["headers"]).get(b"last-event-id", b"").decode("latin-1")
    first = int(last_id) + 1 if last_id.isdigit() else 1
    stream = next(connections)
    if first > count:
        print(f"stream #{stream}: Last-Event-ID {last_id}, nothing left: 204", flush=True)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    print(f"stream #{stream} opened: Last-Event-ID {last_id or '(none)'}, sending from {first}",
          flush=True)
    headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache"),
               (b"x-accel-buffering", b"no")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": f"retry: {RETRY_MS}\n\n".encode(),
                "more_body": True})
    gone = asyncio.create_task(wait_for_disconnect(receive))
    sent = 0
    try:
        for event_id in range(first, count + 1):
            if sent:
                await asyncio.wait({gone}, timeout=every)
            if gone.done():
                print(f"stream #{stream}: the client left after {sent} events", flush=True)
                return
            block = f"id: {event_id}\ndata: tick {event_id}\n\n".encode()
            await send({"type": "http.response.body", "body": block, "more_body": True})
            sent += 1
            if sent == drop_after and event_id < count:
                print(f"stream #{stream}: server drops the connection after id {event_id}",
                      flush=True)
                break
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        gone.cancel()


async def app(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    if scope["path"] == "/events":
        await events(scope, receive, send)
        return
    if scope["path"] == "/":
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8")]})
        await send({"type": "http.response.body", "body": PAGE})
        return
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"try / or /events\n"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    serve(app, host=args.host, port=args.port, lifespan="off", log_level="warning")


if __name__ == "__main__":
    main()
