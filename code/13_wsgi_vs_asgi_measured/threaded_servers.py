"""Thread-per-connection servers, the opposite of an event loop: one OS thread per open socket.

Run it:  python code/13_wsgi_vs_asgi_measured/threaded_servers.py --kind http   # keep-alive HTTP
         python code/13_wsgi_vs_asgi_measured/threaded_servers.py --kind ws     # WebSocket hub
Try:     curl -i http://127.0.0.1:8000/                  (HTTP/1.1, the connection stays open)
         python -m websockets ws://127.0.0.1:8000/       then type: broadcast hi

It prints ``Listening on http://HOST:PORT`` when ready.  Both come from real libraries:

* ``--kind http`` -- the standard library's ``http.server.ThreadingHTTPServer`` speaking
  HTTP/1.1 keep-alive: every connection gets a thread that blocks in ``readline()`` while the
  client is idle.  (gunicorn's gthread worker is *not* like this: it parks idle keep-alive
  connections in a selector and only gives a thread to a request.)
* ``--kind ws`` -- ``websockets.sync.server`` (the threading implementation of the
  ``websockets`` library): a thread per connection running the handler, plus the
  connection's own reader thread.  The handler is the same hub as ``apps:ws_hub``: a text
  ``broadcast …`` is sent to every connected client.  ``--deflate`` turns on
  permessage-deflate (RFC 7692), off by default here.

``--backlog`` (default 4096) is the listen queue: 10,000 clients connecting at once would
overflow the standard library's default of 5.
"""

from __future__ import annotations

import argparse
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HELLO = b"Hello, world!\n"


class KeepAliveHello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"          # keep the connection (and its thread) after a reply

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(HELLO)))
        self.end_headers()
        self.wfile.write(HELLO)

    def log_message(self, format: str, *args: object) -> None:
        pass                               # one line per request would be the benchmark


def serve_http(host: str, port: int, backlog: int) -> None:
    class Server(ThreadingHTTPServer):
        request_queue_size = backlog
        daemon_threads = True

    with Server((host, port), KeepAliveHello) as server:
        print(f"Listening on http://{host}:{port} (HTTP/1.1, a thread per connection)",
              flush=True)
        server.serve_forever()


def serve_ws(host: str, port: int, backlog: int, deflate: bool) -> None:
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.server import serve

    clients: set = set()
    lock = threading.Lock()

    def hub(connection) -> None:
        with lock:
            clients.add(connection)
        try:
            for message in connection:
                if isinstance(message, str) and message.startswith("broadcast "):
                    with lock:
                        everyone = list(clients)
                    for client in everyone:
                        try:
                            client.send(message)
                        except ConnectionClosed:
                            pass
        finally:
            with lock:
                clients.discard(connection)

    compression = "deflate" if deflate else None
    with serve(hub, host, port, compression=compression, backlog=backlog,
               ping_interval=None, open_timeout=120) as server:
        print(f"Listening on http://{host}:{port} (WebSocket, a thread per connection, "
              f"deflate {'on' if deflate else 'off'})", flush=True)
        server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="thread-per-connection HTTP or WebSocket")
    parser.add_argument("--kind", choices=["http", "ws"], default="http")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--backlog", type=int, default=4096)
    parser.add_argument("--deflate", action="store_true", help="WebSocket permessage-deflate")
    args = parser.parse_args(argv)
    try:
        if args.kind == "http":
            serve_http(args.host, args.port, args.backlog)
        else:
            serve_ws(args.host, args.port, args.backlog, args.deflate)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
