"""Hello-world under four WSGI servers, side by side: ours, wsgiref, gunicorn sync and gthread.

Run it:    python code/04_wsgi_server_from_scratch/benchmark.py             (about 80 s)
           python code/04_wsgi_server_from_scratch/benchmark.py --runs 3 --duration 1
           python code/04_wsgi_server_from_scratch/benchmark.py --tool course.load   (no wrk)

What you should see: one line saying how the numbers are taken (load tool, pinning, rounds),
a progress line per round, then a table (median requests/s with its min–max over the rounds,
p50/p99 latency in ms, failed requests, the load tool) and the ratios "our server / …".

The contenders all serve ``apps:hello`` (a 14-byte body with a Content-Length):

* ``our server``           -- server.py, 64 threads, HTTP/1.1 keep-alive;
* ``wsgiref``              -- wsgiref.simple_server: one thread, HTTP/1.0, a listen backlog of 5;
* ``gunicorn sync``        -- 1 worker; it closes the connection after every response;
* ``gunicorn gthread``     -- 1 worker, 8 threads, keep-alive.

The recipe is :mod:`course.bench`'s: every server is started once and warmed up once, then
they are measured **interleaved** (round 1: all four, round 2: all four, …), so a machine that
slows down for a minute slows every contender alike.  Each server is pinned to CPU 0 and the
load generator to CPU 1 (taskset, when there are two cores).  Load comes from ``wrk`` when it
is installed, else from ``course.load`` -- a Python client, whose own cost caps the rate it
can measure and so can hide the differences between fast servers.

How to read a ratio line: ``our server / wsgiref = M× (spread LOW–HIGH over 5 pairs)`` gives
M, the median of five ratios, each taken between two runs seconds apart, and LOW and HIGH,
the lowest and highest of them.  When the spread contains 1.0 the line ends in "no clear
difference": the two servers swapped places between rounds, so this run cannot tell which is
faster.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from course import bench, servers

HERE = Path(__file__).resolve().parent
PY = sys.executable
SUBJECT = "our server"


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

    return [bench.Contender(SUBJECT, ours),
            bench.Contender("wsgiref", wsgiref),
            bench.Contender("gunicorn sync (1 worker)", gunicorn("sync", 1)),
            bench.Contender("gunicorn gthread (1w x 8t)", gunicorn("gthread", 8))]


def chosen(only: Sequence[str] | None) -> list[bench.Contender]:
    """All contenders, or those whose full name or first word is in ``only``."""
    every = contenders()
    if not only:
        return every
    return [c for c in every if c.name in only or c.name.split()[0] in only]


def run(*, runs: int = 5, duration: float = 3.0, concurrency: int = 50, tool: str = "auto",
        warmup: float = 1.0, only: Sequence[str] | None = None, drain: float = 0.5,
        progress: Callable[[str], None] = print) -> list[bench.Measurement]:
    """Say how the numbers are taken, then measure the contenders interleaved (course.bench).

    ``drain`` seconds pass before each run, so that requests left queued by the previous
    one are served before the next starts (see :func:`course.bench.compare`).
    """
    progress(bench.setup_line(tool, concurrency=concurrency, duration=duration, runs=runs))
    return bench.compare(chosen(only), concurrency=concurrency, duration=duration, runs=runs,
                         tool=tool, warmup=warmup, drain=drain, progress=progress)


def report(results: Sequence[bench.Measurement]) -> str:
    """The table, then every ``our server / …`` ratio with its spread."""
    lines = [bench.format_table(results)]
    if any(m.name == SUBJECT for m in results):
        lines.append("")
        lines.append("ratios of requests/s, round by round (median, min–max spread):")
        lines.extend(bench.ratio_lines(results, SUBJECT))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="hello-world: our server vs wsgiref vs gunicorn")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per run")
    parser.add_argument("--runs", type=int, default=5,
                        help="interleaved rounds (each ratio gets one pair per round)")
    parser.add_argument("--concurrency", type=int, default=50, help="open connections")
    parser.add_argument("--tool", choices=["auto", "wrk", "course.load"], default="auto")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up load")
    parser.add_argument("--only", nargs="*", help="names of contenders to run (default: all)")
    args = parser.parse_args(argv)
    results = run(runs=args.runs, duration=args.duration, concurrency=args.concurrency,
                  tool=args.tool, warmup=args.warmup, only=args.only,
                  progress=lambda line: print(line, flush=True))
    print()
    print(report(results))


if __name__ == "__main__":
    main()
