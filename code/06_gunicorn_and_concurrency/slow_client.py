"""A slow client pins a sync worker; a buffering nginx in front takes the hit instead.

    python code/06_gunicorn_and_concurrency/slow_client.py
    python code/06_gunicorn_and_concurrency/slow_client.py --hold 3

It runs gunicorn with ONE sync worker, and the same gunicorn behind nginx, and in each case:

1. a *slow client* connects and sends its request headers a line at a time, one every
   0.2 s, for ``--hold`` seconds (slow-loris style, but bounded: then it finishes);
2. meanwhile a normal client asks for ``/whoami`` and times the answer.

What you should see: straight to gunicorn, the normal request waits about ``--hold`` seconds --
the only sync worker is stuck reading the slow client's headers and cannot accept anyone
else.  Through nginx it is answered in milliseconds: nginx reads (buffers) the whole request
before it opens a connection to gunicorn, so the worker only ever sees complete, fast
requests.  This is why gunicorn's docs tell you to run sync workers behind a buffering proxy.
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
import urllib.request
from pathlib import Path

from course import servers
from course.nginx import Nginx

HERE = Path(__file__).resolve().parent

NGINX_CONF = """
server {
    listen 127.0.0.1:{{port}};
    location / {
        proxy_pass http://127.0.0.1:{{app_port}};
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        # proxy_request_buffering and proxy_buffering are on by default: nginx reads the
        # whole request before calling gunicorn, and the whole answer before sending it.
    }
}
"""


def slow_request(port: int, hold: float, done: dict) -> None:
    """Send a request's headers slowly for ``hold`` seconds, then finish it and read the reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=hold + 10) as sock:
        sock.sendall(b"GET /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        deadline = time.monotonic() + hold
        n = 0
        while time.monotonic() < deadline:
            time.sleep(0.2)
            sock.sendall(f"X-Slow-{n}: still typing\r\n".encode())
            n += 1
        sock.sendall(b"Connection: close\r\n\r\n")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    done["status"] = reply.split(b"\r\n", 1)[0].decode(errors="replace")


def normal_request_while_slow_one_runs(port: int, hold: float) -> tuple[float, str]:
    """Start a slow client, then time one normal request; return (seconds, slow status)."""
    done: dict = {}
    slow = threading.Thread(target=slow_request, args=(port, hold, done))
    slow.start()
    time.sleep(0.3)                       # let the slow client connect first
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/whoami", timeout=hold + 10) as resp:
        resp.read()
    took = time.perf_counter() - started
    slow.join()
    return took, done.get("status", "?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", type=float, default=2.0,
                        help="seconds the slow client takes to send its headers")
    args = parser.parse_args()
    with servers.gunicorn("blocking_app:app", chdir=HERE, workers=1) as app:
        direct, slow_status = normal_request_while_slow_one_runs(app.port, args.hold)
        print(f"1 sync worker, direct:  a normal request took {direct:.2f} s "
              f"while a slow client took {args.hold:g} s to send its headers "
              f"(slow client got: {slow_status})")
        with Nginx(NGINX_CONF, app_port=app.port) as web:
            proxied, slow_status = normal_request_while_slow_one_runs(web.port, args.hold)
        print(f"1 sync worker, nginx:   a normal request took {proxied:.2f} s "
              f"(slow client got: {slow_status})")


if __name__ == "__main__":
    main()
