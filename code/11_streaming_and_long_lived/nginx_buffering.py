"""What nginx does to a stream of Server-Sent Events: one table, measured live.

Run it (one shot, about 20 s; needs nothing but the course's requirements):

    python code/11_streaming_and_long_lived/nginx_buffering.py

It starts the chapter's backend (``backend.py``) under uvicorn, then one real nginx per row
in front of it, asks each for 5 events sent ``EVERY`` seconds apart, and prints when each
event reached the client (seconds after the request), read off a raw socket:

* ``direct``            -- no nginx, the reference;
* ``defaults``          -- a bare ``proxy_pass``;
* ``http 1.0``          -- ``proxy_http_version 1.0`` (what older nginx releases used by default);
* ``gzip``              -- ``gzip on`` with ``text/event-stream`` in ``gzip_types``;
* ``buffering off``     -- ``proxy_buffering off``;
* ``X-Accel-Buffering`` -- the app sends ``X-Accel-Buffering: no``, nginx config untouched;
* ``read timeout``      -- ``proxy_read_timeout 800ms`` and events 1 s apart;
* ``+ heartbeats``      -- the same, with an SSE comment every 0.4 s: any bytes from the app
  restart nginx's read timer, so a heartbeat shorter than the timeout keeps the stream open.
  (nginx skips re-arming a timer whose new deadline is less than 300 ms later --
  ``NGX_TIMER_LAZY_DELAY`` -- which only matters for timeouts close to the heartbeat.)

A ``-`` means the event never arrived.  Try: change ``EVERY``, or add a row of your own to
``ROWS`` (the nginx directives go inside ``location /``).

A second table shows where buffering matters: a client that reads nothing asks for 300
events of 100 kB each.  For each of ``direct``, ``defaults``, ``buffering off`` and
``X-Accel-Buffering`` it prints what the app reported first: ``all 300 sent`` (something
swallowed the whole 30 MB for the client) or ``send waited at event N`` (the slow client's
backpressure reached the app).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from course import servers
from course.nginx import Nginx, nginx_version

HERE = Path(__file__).resolve().parent
EVENTS = 5
EVERY = 0.25   # seconds between two events

SERVER = """
server {
    listen 127.0.0.1:{{port}};
    %(server)s
    location / {
        proxy_pass http://127.0.0.1:{{backend}};
        %(location)s
    }
}
"""


@dataclass
class Row:
    name: str
    location: str = ""          # directives inside `location /`
    server: str = ""            # directives at server level
    query: str = ""             # extra query string for /events
    direct: bool = False        # talk to the backend without nginx


ROWS = [
    Row("direct", direct=True),
    Row("defaults"),
    Row("http 1.0", "proxy_http_version 1.0;"),
    Row("gzip", server="gzip on; gzip_types text/event-stream; gzip_min_length 1;"),
    Row("buffering off", "proxy_buffering off;"),
    Row("X-Accel-Buffering", query="&accel=no"),
    Row("read timeout", "proxy_buffering off; proxy_read_timeout 800ms;", query="&every=1"),
    Row("+ heartbeats", "proxy_buffering off; proxy_read_timeout 800ms;",
        query="&every=1&heartbeat=0.4"),
]


@dataclass
class Arrivals:
    row: str
    times: list[float] = field(default_factory=list)   # one per event that arrived
    http_version: str = "?"                            # what the app was spoken to with
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)


def read_events(port: int, path: str, timeout: float = 10.0) -> Arrivals:
    """GET ``path`` over a raw socket; note when each complete SSE event arrives."""
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n"
               "Connection: close\r\n\r\n").encode()
    result = Arrivals(row=path)
    raw = b""
    head = None
    decoder = None
    text = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        started = time.monotonic()
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            raw += chunk
            if head is None and b"\r\n\r\n" in raw:
                head, raw = raw.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                result.status = int(lines[0].split()[1])
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    result.headers[name.strip().lower()] = value.strip()
                if result.headers.get("content-encoding") == "gzip":
                    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
            if head is None:
                continue
            body, raw = dechunk(raw, result.headers)
            text += decoder.decompress(body) if decoder else body
            while b"\n\n" in text:
                event, text = text.split(b"\n\n", 1)
                data = [line[6:] for line in event.split(b"\n") if line.startswith(b"data: ")]
                if data:
                    result.times.append(time.monotonic() - started)
                    result.http_version = json.loads(data[0])["http_version"]
    return result


def dechunk(raw: bytes, headers: dict[str, str]) -> tuple[bytes, bytes]:
    """Split complete chunks off ``raw`` (chunked framing) -> (payload, rest)."""
    if headers.get("transfer-encoding") != "chunked":
        return raw, b""
    payload = b""
    while b"\r\n" in raw:
        size_line, rest = raw.split(b"\r\n", 1)
        size = int(size_line.split(b";")[0], 16)
        if len(rest) < size + 2:
            break
        payload += rest[:size]
        raw = rest[size + 2:]
    return payload, raw


def measure(rows: list[Row] = ROWS, events: int = EVENTS, every: float = EVERY) -> list[Arrivals]:
    results = []
    with servers.script(HERE / "backend.py") as backend:
        for row in rows:
            path = f"/events?count={events}&every={every}{row.query}"
            if row.direct:
                arrivals = read_events(backend.port, path)
            else:
                config = SERVER % {"server": row.server, "location": row.location}
                with Nginx(config, backend=backend.port) as web:
                    arrivals = read_events(web.port, path)
            arrivals.row = row.name
            results.append(arrivals)
    return results


SLOW_ROWS = ["direct", "defaults", "buffering off", "X-Accel-Buffering"]
SLOW_QUERY = "/events?count=300&every=0&pad=100000"


def slow_reader(port: int, backend: servers.Server, query: str, timeout: float = 20.0) -> str:
    """A client that reads nothing: what does the app report first?"""
    already = len(backend.output())
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.sendall(f"GET {query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in backend.output()[already:].splitlines():
                if "send waited" in line or "sent" in line:
                    return line.removeprefix("events: ")
            time.sleep(0.05)
    return "(nothing within the timeout)"


def measure_slow_reader(names: list[str] = SLOW_ROWS) -> dict[str, str]:
    rows = {row.name: row for row in ROWS}
    seen = {}
    with servers.script(HERE / "backend.py") as backend:
        for name in names:
            row = rows[name]
            query = SLOW_QUERY + row.query
            if row.direct:
                seen[name] = slow_reader(backend.port, backend, query)
                continue
            config = SERVER % {"server": row.server, "location": row.location}
            with Nginx(config, backend=backend.port) as web:
                seen[name] = slow_reader(web.port, backend, query)
    return seen


def format_table(results: list[Arrivals], events: int = EVENTS) -> str:
    header = f"{'row':<19}" + "".join(f"{'event ' + str(n):>9}" for n in range(1, events + 1))
    lines = [header + "   app saw", "-" * (len(header) + 10)]
    for arrivals in results:
        cells = [f"{t:>8.2f}s" for t in arrivals.times]
        cells += [f"{'-':>9}"] * (events - len(cells))
        lines.append(f"{arrivals.row:<19}" + "".join(cells) + f"   HTTP/{arrivals.http_version}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    print(f"nginx {nginx_version()}, {EVENTS} events; seconds after the request:", flush=True)
    print(format_table(measure()), flush=True)
    print("\nA client that reads nothing, 300 events of 100 kB: the app's first report", flush=True)
    for name, report in measure_slow_reader().items():
        print(f"{name:<19}{report}", flush=True)


if __name__ == "__main__":
    main()
