"""Hello-world under four WSGI servers, side by side, in one run: ours, wsgiref, gunicorn x2.

Run it:    python code/04_wsgi_server_from_scratch/benchmark.py
           python code/04_wsgi_server_from_scratch/benchmark.py --duration 1 --runs 1 --warmup 0
           python code/04_wsgi_server_from_scratch/benchmark.py --tool course.load      (no wrk)

What you should see: progress lines, then a table (median requests/s, p50/p99 latency in ms,
failed requests, the load tool) and the ratios "our server / …" from the same run.

The contenders all serve ``apps:hello`` (a 14-byte body with a Content-Length):

* ``our server``           -- server.py, 64 threads, HTTP/1.1 keep-alive;
* ``wsgiref``              -- wsgiref.simple_server: one thread, HTTP/1.0, a listen backlog of 5;
* ``gunicorn sync``        -- 1 worker; it closes the connection after every response;
* ``gunicorn gthread``     -- 1 worker, 8 threads, keep-alive.

Each server is pinned to CPU 0 and the load generator to CPU 1 (taskset, when there are two
cores).  Load comes from ``wrk`` when it is installed, else from ``course.load`` -- a Python
client, which tops out at a few thousand requests/s and so hides the differences between fast
servers: the output says which one was used.  Numbers from a shared machine are noisy: trust
the ratios from one run more than any absolute number.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course import bench, load, servers

HERE = Path(__file__).resolve().parent
PY = sys.executable


def contenders(threads: int = 64) -> list[bench.Contender]:
    def ours():
        return servers.start(bench.pin([PY, str(HERE / "server.py"), "--app", "apps:hello",
                                        "--host", "{host}", "--port", "{port}",
                                        "--threads", str(threads)]), name="server.py")

    def wsgiref():
        return servers.start(bench.pin([PY, str(HERE / "apps.py"), "--app", "hello", "--quiet",
                                         "--host", "{host}", "--port", "{port}"]),
                             name="wsgiref")

    def gunicorn(worker_class: str, n_threads: int):
        def start():
            return servers.start(bench.pin(
                [PY, "-m", "gunicorn", "apps:hello", "--chdir", str(HERE), "--bind",
                 "{host}:{port}", "--workers", "1", "--worker-class", worker_class,
                 "--threads", str(n_threads)]), name=f"gunicorn-{worker_class}")
        return start

    return [bench.Contender("our server", ours),
            bench.Contender("wsgiref", wsgiref),
            bench.Contender("gunicorn sync (1 worker)", gunicorn("sync", 1)),
            bench.Contender("gunicorn gthread (1w x 8t)", gunicorn("gthread", 8))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="hello-world: our server vs wsgiref vs gunicorn")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per server (median reported)")
    parser.add_argument("--concurrency", type=int, default=50, help="open connections")
    parser.add_argument("--tool", choices=["auto", "wrk", "course.load"], default="auto")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up load")
    parser.add_argument("--only", nargs="*", help="names of contenders to run (default: all)")
    args = parser.parse_args(argv)
    tool = args.tool
    used = "wrk" if tool == "wrk" or (tool == "auto" and load.wrk_available()) else "course.load"
    print(f"load generator: {used}"
          + ("" if used == "wrk" else " (a Python client: it caps the rate it can measure)"))
    print(f"pinning: {'server on CPU 0, load on CPU 1' if bench.can_pin() else 'none'}; "
          f"{args.concurrency} connections, {args.runs} x {args.duration:g} s per server")
    chosen = [c for c in contenders() if not args.only or c.name.split()[0] in args.only
              or c.name in args.only]
    results = bench.compare(chosen, concurrency=args.concurrency, duration=args.duration,
                            runs=args.runs, tool=tool, warmup=args.warmup)
    print()
    print(bench.format_table(results))
    print()
    if any(m.name == "our server" for m in results):
        for line in bench.ratio_lines(results, "our server"):
            print(line)


if __name__ == "__main__":
    main()
