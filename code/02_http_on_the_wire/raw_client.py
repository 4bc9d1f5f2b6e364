"""Send any bytes to a server and print exactly the bytes it answers.

    python code/02_http_on_the_wire/raw_client.py --port 8000 \\
        'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'

The request is given as text in which \\r, \\n, \\t and \\xNN escapes are turned into the
bytes they name (so you can write a NUL or a bare LF); ``--file req.bin`` sends a file's
bytes as they are.  The reply is printed one line per row as a Python bytes literal, so
every CR, LF and odd byte is visible::

    b'HTTP/1.1 200 OK\\r\\n'
    b'content-length: 12\\r\\n'
    ...

It reads until the server closes the connection or stays silent for ``--timeout`` seconds
(1 s by default: a kept-alive connection is never closed by the server on its own).

Try, with any server running on port 8000
(``python code/02_http_on_the_wire/one_request_server.py``):

* two pipelined requests in one write::

      R='GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'
      python code/02_http_on_the_wire/raw_client.py "$R$R"

* a malformed one: ``raw_client.py 'GET / HTTP/1.1\\r\\nHost : x\\r\\n\\r\\n'``
* ``--split 5`` sends the bytes 5 at a time, with a short pause between writes.

This is a one-shot client, not a server: ``--host/--port`` name the server to talk to.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from pathlib import Path


def unescape(text: str) -> bytes:
    """'GET /\\\\r\\\\n' (as typed in a shell) -> b'GET /\\r\\n'."""
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1")


def exchange(host: str, port: int, data: bytes, *, timeout: float = 1.0,
             split: int = 0) -> bytes:
    """Send ``data`` (``split`` bytes per write if > 0) and return every byte of the reply."""
    with socket.create_connection((host, port), timeout=5) as sock:
        step = split or len(data) or 1
        for i in range(0, len(data), step):
            sock.sendall(data[i:i + step])
            if split:
                time.sleep(0.05)
        sock.settimeout(timeout)
        reply = bytearray()
        while True:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            reply += chunk
    return bytes(reply)


def show(reply: bytes) -> str:
    """One bytes literal per line, CRLFs left visible."""
    return "\n".join(repr(line) for line in reply.splitlines(keepends=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("request", nargs="?", help="the bytes to send, with \\r\\n escapes")
    parser.add_argument("--file", type=Path, help="send this file's bytes instead")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--timeout", type=float, default=1.0,
                        help="stop reading after this many seconds of silence")
    parser.add_argument("--split", type=int, default=0, help="send this many bytes per write")
    args = parser.parse_args(argv)
    if args.file:
        data = args.file.read_bytes()
    elif args.request is not None:
        data = unescape(args.request)
    else:
        parser.error("give the request text or --file")
    print(f"--> {len(data)} bytes to {args.host}:{args.port}")
    print(show(data))
    try:
        reply = exchange(args.host, args.port, data, timeout=args.timeout, split=args.split)
    except ConnectionRefusedError:
        print(f"nothing listens on {args.host}:{args.port}", file=sys.stderr)
        return 1
    print(f"<-- {len(reply)} bytes")
    print(show(reply) if reply else "(the server closed the connection without a reply)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
