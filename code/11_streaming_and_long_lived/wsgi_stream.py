"""A WSGI app that streams Server-Sent Events from a generator, under gunicorn's gthread.

Run it:

    python code/11_streaming_and_long_lived/wsgi_stream.py --workers 1 --threads 4

Then ``curl -N 'http://127.0.0.1:8000/events?count=20&every=0.5'``.  Each stream holds one
gunicorn thread for its whole life: open five such curls and the fifth gets nothing until
one of the first four ends -- its connection is accepted, but no thread is free to run the
app.  The terminal logs ``stream #3 started`` when a thread picks a request up, and
``stream #3 closed after 7 events (client gone)`` -- 7 events written without an error; the
write of the 8th failed -- when gunicorn calls the body's
``close()``: after the last event, or -- if the client hung up -- when a write to the
dead socket fails.  Writing is the only way a WSGI app learns that the client left, so a
generator that waits long between events finds out late.

Query: ``count`` (events, default 10) and ``every`` (seconds apart, default 1).
Options: ``--workers`` and ``--threads`` (gunicorn's, defaults 1 and 4).
"""

from __future__ import annotations

import argparse
import itertools
import threading
import time
from urllib.parse import parse_qs

from gunicorn.app.base import BaseApplication

streams = itertools.count(1)


class EventStream:
    """The response body: an iterable of SSE events, with a ``close()`` gunicorn calls."""

    def __init__(self, number: int, count: int, every: float) -> None:
        self.number = number
        self.count = count
        self.every = every
        self.sent = 0

    def __iter__(self):
        print(f"stream #{self.number} started in {threading.current_thread().name}",
              flush=True)
        for event_id in range(1, self.count + 1):
            if event_id > 1:
                time.sleep(self.every)
            data = f'{{"n": {event_id}, "sent": {time.time()}}}'
            yield f"id: {event_id}\ndata: {data}\n\n".encode()
            self.sent += 1

    def close(self) -> None:
        how = "all sent" if self.sent == self.count else "client gone"
        print(f"stream #{self.number} closed after {self.sent} events ({how})", flush=True)


def app(environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    count = int(query.get("count", ["10"])[0])
    every = float(query.get("every", ["1"])[0])
    if environ["PATH_INFO"] != "/events":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"try /events\n"]
    start_response("200 OK", [("Content-Type", "text/event-stream"),
                              ("Cache-Control", "no-cache"), ("X-Accel-Buffering", "no")])
    return EventStream(next(streams), count, every)


class Gunicorn(BaseApplication):
    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    address = f"{args.host}:{args.port}"

    def when_ready(server) -> None:
        print(f"Listening on http://{address} (gthread: {args.workers} worker(s) x "
              f"{args.threads} threads)", flush=True)

    Gunicorn({"bind": address, "workers": args.workers, "threads": args.threads,
              "worker_class": "gthread", "when_ready": when_ready,
              "loglevel": "warning"}).run()


if __name__ == "__main__":
    main()
