"""Hello-world under load: our server vs uvicorn, in one run, with ratios.

    python code/09_asgi_server_from_scratch/benchmark.py                # 3 runs x 5 s each
    python code/09_asgi_server_from_scratch/benchmark.py --duration 2 --runs 1   # quicker

Contenders (the same app, apps:hello, one process each, pinned to one core with taskset
when the machine has two or more; the load generator gets another core):

    ours (h11, asyncio)            asgi_server.py --parser h11
    ours (hand parser, asyncio)    asgi_server.py --parser hand
    ours (hand parser, uvloop)     asgi_server.py --parser hand --loop uvloop
    uvicorn (h11, asyncio)         uvicorn --http h11 --loop asyncio
    uvicorn (httptools, uvloop)    uvicorn --http httptools --loop uvloop

It prints each run as it goes, then a table (median req/s, p50/p99 latency, failures and
the load tool: ``wrk`` when installed, else ``course.load``, whose own cost caps what it can
measure) and the ratios that matter: ours on h11 against uvicorn on h11 (same parser: the
rest of the server is what differs), and our hand parser against uvicorn's fastest setup.
uvicorn runs with ``--no-access-log`` because ours logs nothing per request either.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course import bench, load, servers

HERE = Path(__file__).resolve().parent
SERVER = HERE / "asgi_server.py"

OURS_H11 = "ours (h11, asyncio)"
OURS_HAND = "ours (hand parser, asyncio)"
OURS_HAND_UVLOOP = "ours (hand parser, uvloop)"
UVICORN_H11 = "uvicorn (h11, asyncio)"
UVICORN_FAST = "uvicorn (httptools, uvloop)"


def ours(*args: str):
    return lambda: servers.start(bench.pin([sys.executable, str(SERVER), "apps:hello",
                                            "--host", "{host}", "--port", "{port}", *args]),
                                 name="asgi_server.py")


def uvicorn(http: str, loop: str):
    return lambda: servers.start(bench.pin([
        sys.executable, "-m", "uvicorn", "apps:hello", "--app-dir", str(HERE),
        "--host", "{host}", "--port", "{port}", "--http", http, "--loop", loop,
        "--no-access-log", "--log-level", "warning", "--lifespan", "off"]), name="uvicorn")


CONTENDERS = {
    OURS_H11: ours("--parser", "h11", "--lifespan", "off"),
    OURS_HAND: ours("--parser", "hand", "--lifespan", "off"),
    OURS_HAND_UVLOOP: ours("--parser", "hand", "--loop", "uvloop", "--lifespan", "off"),
    UVICORN_H11: uvicorn("h11", "asyncio"),
    UVICORN_FAST: uvicorn("httptools", "uvloop"),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="ours vs uvicorn on hello-world")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--tool", choices=["auto", "wrk", "course.load"], default="auto")
    parser.add_argument("--only", nargs="*", choices=sorted(CONTENDERS),
                        help="measure only these contenders")
    args = parser.parse_args(argv)
    tool = "python" if args.tool == "course.load" else args.tool
    if tool == "python":
        tool_said = "course.load (a Python client: it caps what it can measure)"
    elif load.wrk_available():
        tool_said = "wrk"
    else:
        tool_said = "course.load (wrk is not installed; a Python client caps what it can measure)"
    pinned = "server on CPU 0, load on CPU 1" if bench.can_pin() else "not pinned"
    print(f"load generator: {tool_said}; {args.concurrency} connections, "
          f"{args.runs} x {args.duration:g} s per server; {pinned}", flush=True)

    names = args.only or list(CONTENDERS)
    contenders = [bench.Contender(name, CONTENDERS[name]) for name in names]
    results = bench.compare(contenders, concurrency=args.concurrency, duration=args.duration,
                            runs=args.runs, tool=tool, warmup=min(1.0, args.duration),
                            progress=lambda line: print(line, flush=True))
    print()
    print(bench.format_table(results))
    print()
    for subject in (OURS_H11, OURS_HAND, OURS_HAND_UVLOOP):
        if subject in names:
            for line in bench.ratio_lines(results, subject):
                if "uvicorn" in line:
                    print(line)


if __name__ == "__main__":
    main()
