"""Benchmark: the same static file served by nginx, and by a Python app (with and without nginx).

    python code/07_nginx_layer/static_bench.py                  # 3 s per row
    python code/07_nginx_layer/static_bench.py --duration 5 --tool course.load

The file is ``static/app.css`` (about 17 KB).  Three rows:

* ``nginx static`` -- ``location /static/ { alias ...; }``: nginx reads the file itself
  (``sendfile on``, which is off by default; no Python anywhere);
* ``nginx -> gunicorn`` -- nginx proxies ``/files/app.css`` to ``backend_wsgi.py`` under gunicorn
  (``--workers`` sync workers), which opens the file and sends it with ``wsgi.file_wrapper``;
* ``gunicorn direct`` -- the same app with no nginx in front.

It prints requests/s, latency percentiles and each row's rps as a fraction of nginx's, and
names the load generator: ``wrk`` when installed (pinned to its own core with ``taskset``
when there is one), else course.load -- a Python client, whose own limit may be lower than
nginx's, and then nginx's row shows the client's limit, not nginx's.  Numbers vary from run
to run and machine to machine; the ratio is the thing to look at.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the course toolkit, when run from a clone

from course import load, servers  # noqa: E402
from course.nginx import Nginx  # noqa: E402

CONFIG = """
server {
    listen 127.0.0.1:{{port}};
    access_log off;
    sendfile on;
    location /static/ {
        alias {{static_dir}}/;
    }
    location /files/ {
        proxy_pass http://{{app}};
        proxy_http_version 1.1;
    }
}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=3.0, help="seconds of load per row")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--tool", choices=["auto", "wrk", "course.load"], default="auto")
    args = parser.parse_args()
    tool = "course.load" if args.tool == "course.load" else args.tool
    cpu = (os.cpu_count() or 1) - 1 if (os.cpu_count() or 1) > 1 else None

    def measure(url: str) -> load.LoadResult:
        if tool == "course.load":
            return load.run(url, concurrency=args.concurrency, duration=args.duration)
        return load.measure(url, concurrency=args.concurrency, duration=args.duration, cpu=cpu)

    with servers.script(HERE / "backend_wsgi.py", args=["--workers", str(args.workers)]) as app, \
         Nginx(CONFIG, app=f"127.0.0.1:{app.port}", static_dir=HERE / "static") as web:
        rows = [("nginx static", measure(web.url + "/static/app.css")),
                ("nginx -> gunicorn", measure(web.url + "/files/app.css")),
                ("gunicorn direct", measure(app.url + "/files/app.css"))]
    base = rows[0][1].rps or 1.0
    print(f"static file app.css, {args.concurrency} connections, {args.duration:g} s per row, "
          f"load by {rows[0][1].tool}; gunicorn: {args.workers} sync workers")
    print(f"{'served by':20}{'rps':>10}{'p50 ms':>10}{'p99 ms':>10}{'failed':>8}{'x nginx':>10}")
    for label, r in rows:
        print(f"{label:20}{r.rps:>10.0f}{r.p50_ms or 0:>10.2f}{r.p99_ms or 0:>10.2f}"
              f"{r.failed:>8}{r.rps / base:>10.2f}")


if __name__ == "__main__":
    main()
