"""Kill one of three backends under load and count the requests that fail -- three times.

    python code/07_nginx_layer/failover_demo.py                 # 4 s of load per run
    python code/07_nginx_layer/failover_demo.py --duration 2 --concurrency 4

Three uvicorn backends (b1, b2, b3) sit behind one nginx upstream.  Load runs against nginx
(course.load: bounded, ``--concurrency`` connections for ``--duration`` seconds; it asks for
``/ping``, an answer that leaves the backend in one write) and a third of the way in, b1 is
killed with SIGKILL: its port refuses connections from then on, and the requests it was
working on are cut off.  It is done three times, with three nginx configs:

* ``proxy_next_upstream off`` and ``max_fails=0`` -- nginx passes every failure on to the
  client (502) and never stops sending b1 its share;
* ``proxy_next_upstream off`` and ``max_fails=1 fail_timeout=5s`` -- after one failure b1 is
  left out for 5 s, so only the requests that hit it before that fail;
* ``proxy_next_upstream error timeout http_502`` and ``max_fails=1 fail_timeout=5s`` -- nginx
  retries a failed request on the next server (``error timeout`` is nginx's default: the first
  two runs switch retrying off to show what it prevents): the client never sees the failure.

It prints one table row per run: requests, failed requests, requests each backend answered
(from nginx's access log, ``$upstream_addr``), and how many times nginx tried dead b1 (the
``[error]`` lines of nginx's error log for b1: one per failed attempt; the ``[warn] upstream
server temporarily disabled`` lines that ``max_fails`` adds are not attempts).  Expect many
failures in the first row (nginx keeps sending b1 its share),
a few in the second (b1 is benched for ``fail_timeout`` after each failure), 0 in the third.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the course toolkit, when run from a clone

from course import load, servers  # noqa: E402
from course.nginx import Nginx  # noqa: E402

CONFIG = """
log_format upstreams '$status upstream=$upstream_addr time=$upstream_response_time';

upstream app {
    server {{b1}} {{health}};
    server {{b2}} {{health}};
    server {{b3}} {{health}};
}

server {
    listen 127.0.0.1:{{port}};
    access_log {{prefix}}/logs/upstreams.log upstreams;
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_next_upstream {{next_upstream}};
        proxy_connect_timeout 1s;
        proxy_read_timeout 2s;
    }
}
"""

RUNS = [  # (label, proxy_next_upstream, server parameters)
    ("no retry, max_fails=0", "off", "max_fails=0"),
    ("no retry, max_fails=1", "off", "max_fails=1 fail_timeout=5s"),
    ("retry, max_fails=1", "error timeout http_502", "max_fails=1 fail_timeout=5s"),
]


def start_backends() -> list[servers.Server]:
    started = [servers.uvicorn("backend_asgi:app", app_dir=HERE, wait=False,
                               env={"BACKEND_NAME": name}, args=["--log-level", "warning"])
               for name in ("b1", "b2", "b3")]
    for server in started:
        servers.wait_for_port(server.host, server.port, 20, server.proc)
    return started


def one_run(next_upstream: str, health: str, duration: float,
            concurrency: int) -> dict[str, object]:
    backends = start_backends()
    try:
        addrs = {f"127.0.0.1:{b.port}": f"b{i}" for i, b in enumerate(backends, start=1)}
        with Nginx(CONFIG, next_upstream=next_upstream, health=health,
                   **{name: addr for addr, name in addrs.items()}) as web:
            killer = threading.Timer(duration / 3, backends[0].proc.send_signal,
                                     args=(signal.SIGKILL,))
            killer.start()
            result = load.run(web.url + "/ping", concurrency=concurrency, duration=duration,
                              timeout=5)
            killer.join()
            log = (web.prefix / "logs" / "upstreams.log").read_text()
            answered: Counter = Counter()
            for addr in re.findall(r"^200 upstream=(\S+)", log, re.M):
                answered[addrs.get(addr.split(",")[-1].strip(), "?")] += 1
            b1 = next(a for a, n in addrs.items() if n == "b1")
            tried_dead = len(re.findall(rf"\[error\].*upstream: \"http://{re.escape(b1)}",
                                        web.error_log()))
    finally:
        for b in backends:
            b.stop()
    return {"requests": result.requests + result.errors, "failed": result.failed,
            "b1": answered["b1"], "b2": answered["b2"], "b3": answered["b3"],
            "tried dead b1": tried_dead}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=4.0, help="seconds of load per run")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    print(f"load: course.load, {args.concurrency} connections, {args.duration:g} s per run; "
          f"b1 is killed at {args.duration / 3:.1f} s", flush=True)
    columns = ["requests", "failed", "b1", "b2", "b3", "tried dead b1"]
    print(f"{'nginx config':34}" + "".join(f"{c:>15}" for c in columns))
    for label, next_upstream, health in RUNS:
        row = one_run(next_upstream, health, args.duration, args.concurrency)
        print(f"{label:34}" + "".join(f"{row[c]:>15}" for c in columns), flush=True)
    print("failed = connection errors + 5xx answers seen by the client.")


if __name__ == "__main__":
    main()
