"""Hello-world under load: our server vs uvicorn, side by side, with ratios and their spreads.

    python code/09_asgi_server_from_scratch/benchmark.py                 # 5 rounds x 3 s, ~95 s
    python code/09_asgi_server_from_scratch/benchmark.py --runs 3 --duration 1   # quicker

Contenders (the same app, apps:hello, one process each, pinned to one core with taskset
when the machine has two or more; the load generator gets another core):

    ours (h11, asyncio)            asgi_server.py --parser h11
    ours (hand parser, asyncio)    asgi_server.py --parser hand
    ours (hand parser, uvloop)     asgi_server.py --parser hand --loop uvloop
    uvicorn (h11, asyncio)         uvicorn --http h11 --loop asyncio
    uvicorn (httptools, uvloop)    uvicorn --http httptools --loop uvloop

The recipe is :mod:`course.bench`'s: each contender is started and warmed up once, then they
are measured **interleaved** (round 1: all five, round 2: all five, …).  It prints how the
numbers are taken (the load tool: ``wrk`` when installed, else ``course.load``, whose own cost
caps what it can measure), a line per round, then a table (median req/s and its min–max,
p50/p99 latency, failures, tool) and the ratios that each isolate one difference (PAIRS):
ours on h11 against uvicorn on h11 (same parser and loop: the rest of the server), the hand
parser against h11 inside our server, uvloop against asyncio, our hand parser against
uvicorn's fastest setup, and uvicorn's two setups against each other.  Each ratio is taken
round by round and printed with its min–max spread; a spread that contains 1.0 ends in
"no clear difference".  uvicorn runs with ``--no-access-log`` because ours logs nothing per
request either.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from course import bench, servers

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

# (subject, other, what the ratio isolates): each pair differs in one thing, or says so.
PAIRS = [
    (OURS_H11, UVICORN_H11, "same parser, same loop: the rest of the server"),
    (OURS_HAND, OURS_H11, "our server, parser swapped: what leaving h11 buys"),
    (OURS_HAND_UVLOOP, OURS_HAND, "our server, loop swapped: what uvloop buys"),
    (OURS_HAND_UVLOOP, UVICORN_FAST, "both on uvloop: our pure-Python parser vs httptools (C)"),
    (UVICORN_FAST, UVICORN_H11, "uvicorn's fast setup vs its h11 setup"),
]


def run(*, runs: int = 5, duration: float = 3.0, concurrency: int = 50, tool: str = "auto",
        warmup: float = 1.0, only: Sequence[str] | None = None, drain: float = 0.5,
        progress: Callable[[str], None] = print) -> list[bench.Measurement]:
    """Say how the numbers are taken, then measure the contenders interleaved (course.bench).

    ``drain`` seconds pass before each run, so that requests left queued by the previous
    one are served before the next starts (see :func:`course.bench.compare`).
    """
    names = list(only) if only else list(CONTENDERS)
    contenders = [bench.Contender(name, CONTENDERS[name]) for name in names]
    progress(bench.setup_line(tool, concurrency=concurrency, duration=duration, runs=runs))
    return bench.compare(contenders, concurrency=concurrency, duration=duration, runs=runs,
                         tool=tool, warmup=warmup, drain=drain, progress=progress)


def pair_ratios(results: Sequence[bench.Measurement]) -> list[tuple[bench.Ratio, str]]:
    """The ratios of PAIRS whose two contenders were measured, each with what it isolates."""
    measured = {m.name for m in results}
    found = []
    for subject, other, meaning in PAIRS:
        if subject in measured and other in measured:
            for ratio in bench.ratios(results, subject):
                if ratio.other == other:
                    found.append((ratio, meaning))
    return found


def report(results: Sequence[bench.Measurement]) -> str:
    """The table, then each ratio of PAIRS with its spread and what it isolates."""
    lines = [bench.format_table(results), "",
             "ratios of requests/s, round by round (median, min–max spread):"]
    for ratio, meaning in pair_ratios(results):
        lines.append(ratio.line())
        lines.append(f"    ({meaning})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="ours vs uvicorn on hello-world")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per run")
    parser.add_argument("--runs", type=int, default=5,
                        help="interleaved rounds (each ratio gets one pair per round)")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--tool", choices=["auto", "wrk", "course.load"], default="auto")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up load")
    parser.add_argument("--only", nargs="*", choices=sorted(CONTENDERS),
                        help="measure only these contenders")
    args = parser.parse_args(argv)
    results = run(runs=args.runs, duration=args.duration, concurrency=args.concurrency,
                  tool=args.tool, warmup=args.warmup, only=args.only,
                  progress=lambda line: print(line, flush=True))
    print()
    print(report(results))


if __name__ == "__main__":
    main()
