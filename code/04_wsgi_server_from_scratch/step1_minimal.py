"""Step 1: the smallest WSGI server that works for curl -- and why it is not enough.

Run it:    python code/04_wsgi_server_from_scratch/step1_minimal.py
Try:       curl -i http://127.0.0.1:8000/hello?x=1          (200, "Hello from step 1")
           python code/04_wsgi_server_from_scratch/malformed.py --port 8000
                                                           (FAIL after FAIL: it trusts every byte)

One thread, one request per connection, no limits: it reads until the blank line, splits the
head naively, builds a minimal environ, calls the app and writes an HTTP/1.0 response
followed by close.  The notebook runs it first, then shows what goes wrong -- a client that
never finishes its head blocks everybody, Content-Length is trusted blindly, headers go out
before the body exists -- and server.py fixes each problem in turn.
"""

from __future__ import annotations

import argparse
import io
import signal
import socket
import sys


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"Hello from step 1: {environ['REQUEST_METHOD']} {environ['PATH_INFO']}\n".encode()]


def handle(conn: socket.socket, client: tuple[str, int], port: int) -> None:
    data = b""
    while b"\r\n\r\n" not in data:                 # no limit, no timeout: trouble
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    request_line, *lines = head.decode("latin-1").split("\r\n")
    method, target, version = request_line.split(" ", 2)   # ValueError on junk: no answer at all
    headers = dict(line.split(":", 1) for line in lines)     # no checks at all
    length = int(headers.get("Content-Length", "0"))        # trusted blindly
    while len(rest) < length:
        chunk = conn.recv(4096)
        if not chunk:
            return
        rest += chunk
    path, _, query = target.partition("?")
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": str(port), "SCRIPT_NAME": "",
               "SERVER_PROTOCOL": version, "REMOTE_ADDR": client[0],
               "wsgi.input": io.BytesIO(rest), "wsgi.errors": sys.stderr,
               "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.multithread": False,
               "wsgi.multiprocess": False, "wsgi.run_once": False}
    sent = []

    def start_response(status, response_headers, exc_info=None):
        head = f"HTTP/1.0 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in response_headers)
        sent.append(head.encode("latin-1") + b"\r\n")    # sent at once: no exc_info possible
        conn.sendall(sent[-1])
        return conn.sendall

    for chunk in app(environ, start_response):
        conn.sendall(chunk)


def main() -> None:
    parser = argparse.ArgumentParser(description="step 1: a minimal WSGI server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with socket.create_server((args.host, args.port)) as listener:
        print(f"Listening on http://{args.host}:{args.port}", flush=True)
        while True:
            conn, client = listener.accept()
            with conn:
                try:
                    handle(conn, client, args.port)
                except Exception as exc:            # a teaching server: report, go on
                    print(f"request failed: {exc!r}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
