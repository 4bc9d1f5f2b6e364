"""A slow-loris client against gunicorn's sync workers, with and without nginx in front.

    python code/14_deployment/slowloris.py
    python code/14_deployment/slowloris.py --slow-clients 8 --wait 3

A slow-loris client opens a connection and sends its request headers one line at a time,
slowly, never finishing.  A sync worker that accepted it sits in ``recv()`` waiting for the
end of the headers; with every worker held that way, the server answers nobody else --
a handful of idle sockets take down a site, no bandwidth needed.

The script brings the stack up (``stack.py``: gunicorn with 2 sync workers behind nginx),
starts ``--slow-clients`` such connections, then asks for ``/`` as a normal client would, and
prints whether (and how fast) it was answered:

* **direct to gunicorn** -- the normal request waits behind the slow ones: no answer within
  ``--wait`` seconds (gunicorn's arbiter kills a stuck sync worker only after ``timeout``,
  30 s in gunicorn.conf.py);
* **through nginx** -- nginx holds the slow connections itself (an event loop, a few hundred
  bytes each) and forwards a request only once its headers are complete, so the app's
  workers never see them; the normal request is answered at once.  nginx drops the slow
  ones after ``client_header_timeout`` (10 s in site.conf).
"""

from __future__ import annotations

import argparse
import socket
import ssl
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stack import Stack


def slow_client(host: str, port: int, stop: threading.Event, started: threading.Semaphore,
                context: ssl.SSLContext | None) -> None:
    """Send a request head one header line every 0.2 s until ``stop`` is set."""
    try:
        raw = socket.create_connection((host, port), timeout=5)
        conn = context.wrap_socket(raw, server_hostname="localhost") if context else raw
        with conn:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
            started.release()       # connected and sent a first line: now in the queue
            line = 0
            while not stop.wait(0.2):
                line += 1
                conn.sendall(f"X-Slow-{line}: a\r\n".encode())
    except OSError:
        started.release()   # never block the caller, whatever happened
        return              # the server cut us off: that is its defence working


def normal_request(host: str, port: int, wait: float,
                   context: ssl.SSLContext | None) -> str:
    """One ordinary GET /; what happened, in words, with the time it took."""
    started = time.perf_counter()
    try:
        raw = socket.create_connection((host, port), timeout=wait)
        conn = context.wrap_socket(raw, server_hostname="localhost") if context else raw
        with conn:
            conn.settimeout(wait)
            conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            status_line = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
    except TimeoutError:
        return f"no answer within {wait:g} s"
    elapsed_ms = (time.perf_counter() - started) * 1000
    return f"answered {status_line!r} in {elapsed_ms:.0f} ms"


def attack(host: str, port: int, slow_clients: int, wait: float,
           context: ssl.SSLContext | None) -> str:
    stop = threading.Event()
    started = threading.Semaphore(0)
    threads = [threading.Thread(target=slow_client, args=(host, port, stop, started, context))
               for _ in range(slow_clients)]
    for thread in threads:
        thread.start()
    try:
        for _ in threads:   # every slow client is connected (ahead of us in the queue)
            started.acquire(timeout=10)
        return normal_request(host, port, wait, context)
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow-clients", type=int, default=4)
    parser.add_argument("--wait", type=float, default=2.0,
                        help="how long the normal client waits for its answer")
    args = parser.parse_args()
    with Stack(quiet=True) as stack:
        assert stack.wsgi is not None
        print(f"{args.slow_clients} slow-loris connections, then one normal GET / "
              f"(gunicorn: {stack.wsgi_workers} sync workers)")
        direct = attack("127.0.0.1", stack.wsgi.port, args.slow_clients, args.wait, None)
        print(f"  direct to gunicorn:  {direct}")
        through = attack("127.0.0.1", stack.tls_port, args.slow_clients, args.wait,
                         stack.ssl_context())
        print(f"  through nginx:       {through}")


if __name__ == "__main__":
    main()
