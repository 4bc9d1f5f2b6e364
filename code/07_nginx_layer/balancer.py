"""nginx balancing three uvicorn backends -- watch which one answers each request.

    python code/07_nginx_layer/balancer.py                      # round robin, on port 8000
    python code/07_nginx_layer/balancer.py --method least_conn --slow-b1 0.2
    python code/07_nginx_layer/balancer.py --method ip_hash

    for i in 1 2 3 4 5 6; do curl -s http://127.0.0.1:8000/ | grep '"backend"'; done
    curl -s http://127.0.0.1:8000/static/hello.txt              # a file nginx serves itself
    curl -sI http://127.0.0.1:8000/ | grep -i server            # "nginx", no version

Round robin answers b1, b2, b3, b1, ...; ip_hash sends every request from one client address
to the same backend; least_conn prefers the backend with the fewest requests in flight, which
matters when one is slow (``--slow-b1 0.2`` adds 200 ms to each of b1's answers -- put some
concurrent load on it, e.g. ``wrk -c 12 -d 3 http://127.0.0.1:8000/``).

nginx writes one access-log line per request with ``$upstream_addr`` (which backend) and
``$upstream_response_time`` (how long it took); on Ctrl-C (or SIGTERM) the script prints how
many requests each backend served, counted from that log, and stops all four processes.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the course toolkit, when run from a clone

from course import servers  # noqa: E402
from course.nginx import Nginx  # noqa: E402

CONFIG = """
log_format upstreams '$remote_addr "$request" $status upstream=$upstream_addr '
                     'upstream_time=$upstream_response_time total_time=$request_time';

upstream backends {
    {{method}}
    server {{b1}};
    server {{b2}};
    server {{b3}};
    keepalive 8;                       # reuse connections to the backends
}

server {
    listen 127.0.0.1:{{port}};
    server_tokens off;
    access_log {{prefix}}/logs/upstreams.log upstreams;

    location /static/ {
        alias {{static_dir}}/;
    }

    location / {
        proxy_pass http://backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";             # needed for upstream keepalive
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
"""

METHODS = {"round_robin": "# no directive: round robin", "least_conn": "least_conn;",
           "ip_hash": "ip_hash;"}


def spread(log_lines: list[str], names: dict[str, str]) -> Counter:
    """Requests per backend name, from access-log lines carrying upstream=ADDR."""
    counts: Counter = Counter()
    for line in log_lines:
        for part in line.split():
            if part.startswith("upstream=") and part != "upstream=-":
                last = part.removeprefix("upstream=").split(",")[-1].strip()
                counts[names.get(last, last)] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="nginx listens here (loopback only)")
    parser.add_argument("--port", type=int, default=8000, help="nginx's port")
    parser.add_argument("--method", choices=sorted(METHODS), default="round_robin")
    parser.add_argument("--slow-b1", type=float, default=0.0, metavar="SECONDS",
                        help="extra delay on each answer of backend b1")
    args = parser.parse_args()
    if args.host != "127.0.0.1":
        parser.error("the course's servers only listen on 127.0.0.1")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    backends = [servers.uvicorn("backend_asgi:app", app_dir=HERE, wait=False,
                                env={"BACKEND_NAME": name,
                                     "BACKEND_DELAY": str(args.slow_b1 if name == "b1" else 0)},
                                args=["--log-level", "warning"])
                for name in ("b1", "b2", "b3")]
    try:
        for b in backends:
            servers.wait_for_port(b.host, b.port, 20, b.proc)
        names = {f"127.0.0.1:{b.port}": f"b{i}" for i, b in enumerate(backends, start=1)}
        with Nginx(CONFIG, port=args.port, method=METHODS[args.method],
                   static_dir=HERE / "static",
                   **{f"b{i}": f"127.0.0.1:{b.port}" for i, b in enumerate(backends, 1)}) as web:
            for addr, name in names.items():
                print(f"backend {name}: uvicorn on http://{addr}")
            print(f"balancing: {args.method}")
            print(f"Listening on {web.url}   try: curl -s {web.url}/ | grep backend", flush=True)
            log = web.prefix / "logs" / "upstreams.log"
            try:
                while all(s.alive for s in [*backends, web.server]):
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
            finally:
                lines = log.read_text().splitlines() if log.exists() else []
                counts = spread(lines, names)
                print(f"requests per backend ({len(lines)} logged): "
                      + ", ".join(f"{n}={counts.get(n, 0)}" for n in ("b1", "b2", "b3")),
                      flush=True)
    finally:
        for b in backends:
            b.stop()
    print("stopped nginx and the three backends.", flush=True)


if __name__ == "__main__":
    main()
