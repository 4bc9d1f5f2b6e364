"""An HTTP server in 40 lines of plain sockets: one request per connection, then close.

    python code/02_http_on_the_wire/one_request_server.py [--port 8000] [--once]

It prints the exact bytes of each request it reads and answers with a small text body that
counts them.  Try it:

    curl -v http://127.0.0.1:8000/hello
    curl -v -d 'name=ada' http://127.0.0.1:8000/form      # a body framed by Content-Length
    python code/02_http_on_the_wire/raw_client.py 'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'

It reads the head up to the empty line, then exactly Content-Length body bytes, answers
with ``Connection: close`` and closes.  It is a teaching toy, *not* a safe parser: it does
none of the checks of exercise 2.1 (no limits, no chunked bodies, no 400s).  ``--once``
exits after the first answered request.
"""
import argparse
import signal
import socket
import sys


def read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return data                                   # the client gave up early
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        body += conn.recv(4096)
    return head + b"\r\n\r\n" + body


def serve(host: str, port: int, once: bool) -> None:
    with socket.create_server((host, port)) as listener:
        print(f"Listening on http://{host}:{port}", flush=True)
        while True:
            conn, _ = listener.accept()
            with conn:
                request = read_request(conn)
                if not request:
                    continue                              # connected, sent nothing
                print(request, flush=True)
                body = f"you sent {len(request)} bytes\n".encode()
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
                             + body)
            if once:
                return


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="one request per connection")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--once", action="store_true", help="exit after one request")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve(args.host, args.port, args.once)
    except KeyboardInterrupt:
        pass
