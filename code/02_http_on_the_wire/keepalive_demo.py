"""Keep-alive, seen from the server: every reply says which connection carried it.

    python code/02_http_on_the_wire/keepalive_demo.py [--port 8000]

An HTTP/1.1 server (the standard library's ``http.server``, threaded, with keep-alive on)
that numbers the TCP connections it accepts.  Each ``GET`` answers with JSON::

    {"connection": 3, "request_on_connection": 2, "connections_so_far": 3}

Try it:

    curl -s http://127.0.0.1:8000/ ; curl -s http://127.0.0.1:8000/
        # two curl processes: two connections (1 and 2)
    curl -s http://127.0.0.1:8000/ http://127.0.0.1:8000/
        # one curl, two URLs: curl reuses the connection -> the same number, request 1 then 2
    curl -s -H 'Connection: close' http://127.0.0.1:8000/ http://127.0.0.1:8000/
        # asking the server to close: a new connection each time

From Python: ``requests.get(url)`` in a loop opens a connection per call; a
``requests.Session()`` keeps one open and reuses it -- count them with ``/stats``.
"""
import argparse
import itertools
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_numbers = itertools.count(1)
_lock = threading.Lock()
_stats = {"connections": 0, "requests": 0}


class CountingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"          # keep the connection open unless told otherwise
    # Buffer the reply so head and body leave in one write: two small writes on a kept-alive
    # connection meet Nagle's algorithm and delayed ACKs, and every request waits ~40 ms.
    wbufsize = 1 << 16

    def setup(self) -> None:               # once per TCP connection
        super().setup()
        with _lock:
            self.connection_number = next(_numbers)
            _stats["connections"] += 1
        self.requests_here = 0

    def do_GET(self) -> None:              # once per request
        self.requests_here += 1
        with _lock:
            _stats["requests"] += 1
            stats = dict(_stats)
        if self.path == "/stats":
            payload = stats
        else:
            payload = {"connection": self.connection_number,
                       "request_on_connection": self.requests_here,
                       "connections_so_far": stats["connections"]}
        body = (json.dumps(payload) + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass                               # quiet: the JSON tells the story


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="count connections vs requests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = ThreadingHTTPServer((args.host, args.port), CountingHandler)
    server.daemon_threads = True
    print(f"Listening on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
