"""Stream a body line by line, and see close() called even when the client hangs up.

    python code/03_wsgi_callables/streaming.py [--port 8000]
    gunicorn --chdir code/03_wsgi_callables streaming:app

Try:

    curl -N 'http://127.0.0.1:8000/?n=5&delay=0.5'
        # five lines, one every half second (-N: curl shows them as they arrive)
    curl -N 'http://127.0.0.1:8000/?n=100&delay=0.2'   # then Ctrl-C after a few lines
        # the server's terminal prints: close() after 4 of 100 lines -- the client went away

The body is an object with ``__iter__`` and ``close()``: the server iterates it and sends each
line as it comes (no Content-Length, so HTTP/1.1 servers use chunked encoding; wsgiref, an
HTTP/1.0 server, just closes the connection at the end), and calls ``close()`` when it is done
-- also when a write failed because the client left.  That is where resources are released.

wsgiref is single-threaded: while one stream runs, other requests wait (gunicorn: per worker).
"""
import sys
import time
from urllib.parse import parse_qs

from hello import serve


class Lines:
    """The response body: produces lines lazily; reports how far it got in close()."""

    def __init__(self, count: int, delay: float) -> None:
        self.count, self.delay, self.sent = count, delay, 0

    def __iter__(self):
        for i in range(1, self.count + 1):
            if i > 1 and self.delay:
                time.sleep(self.delay)
            self.sent = i
            yield f"line {i} of {self.count} at {time.strftime('%H:%M:%S')}\n".encode()

    def close(self) -> None:
        how = "finished" if self.sent == self.count else "the client went away"
        print(f"close() after {self.sent} of {self.count} lines ({how})", file=sys.stderr,
              flush=True)


def app(environ, start_response):
    params = parse_qs(environ.get("QUERY_STRING", ""))
    try:
        count = min(int(params.get("n", ["10"])[0]), 10_000)
        delay = min(float(params.get("delay", ["0.2"])[0]), 5.0)
    except ValueError:
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"n must be an integer, delay a number\n"]
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return Lines(max(count, 0), max(delay, 0.0))


if __name__ == "__main__":
    serve(app, "stream lines, log close()")
