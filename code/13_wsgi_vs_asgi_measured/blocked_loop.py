"""A blocked event loop: ``time.sleep`` inside ``async def`` stalls every request on that loop.

Run it:    python code/13_wsgi_vs_asgi_measured/blocked_loop.py            # 3 rounds x 3 s
           python code/13_wsgi_vs_asgi_measured/blocked_loop.py --runs 2 --duration 1

One client keeps calling a slow endpoint (100 ms each) while four others call ``/fast``; we
measure ``/fast``'s latency.  Four ways to serve the slow endpoint, interleaved round by round:

    uvicorn, no slow client          the baseline: /fast alone
    uvicorn, time.sleep in async     /block -- the loop is stuck for 100 ms each time
    uvicorn, asyncio.to_thread       /fixed -- the same sleep in a worker thread
    gunicorn gthread 1 × 4, sleep    a WSGI /block: it holds one thread of four; /fast uses others

A monitor task inside the uvicorn app (``apps.LoopLagMonitor``) sleeps 10 ms in a loop and
records how late it wakes: the loop lag.  What you should see: a table of /fast's p50/p99 and
the worst loop lag per setup (the median over rounds of each round's worst), each p99 against
the baseline pair by pair with its spread, and
``blocked_loop.json`` + ``blocked_loop.png``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import urllib.request
from pathlib import Path

from course import bench, load, servers

HERE = Path(__file__).resolve().parent
PY = sys.executable
SLOW_MS = 100
BASELINE = "uvicorn, no slow client"

# name -> (server, path the slow client calls or None)
SETUPS = {
    BASELINE: ("uvicorn", None),
    "uvicorn, time.sleep in async def": ("uvicorn", f"/block?ms={SLOW_MS}"),
    "uvicorn, asyncio.to_thread": ("uvicorn", f"/fixed?ms={SLOW_MS}"),
    "gunicorn gthread 1 × 4, time.sleep": ("gunicorn", f"/block?ms={SLOW_MS}"),
}


def start_servers(stack) -> dict[str, servers.Server]:
    uvicorn = servers.start(bench.pin(
        [PY, "-m", "uvicorn", "apps:asgi_blocking", "--app-dir", str(HERE), "--host", "{host}",
         "--port", "{port}", "--no-access-log", "--log-level", "warning"]), name="uvicorn")
    stack.enter_context(uvicorn)
    gunicorn = servers.start(bench.pin(
        [PY, "-m", "gunicorn", "apps:wsgi_blocking", "--chdir", str(HERE), "--bind",
         "{host}:{port}", "--workers", "1", "--worker-class", "gthread", "--threads", "4",
         "--log-level", "warning"]), name="gunicorn")
    stack.enter_context(gunicorn)
    return {"uvicorn": uvicorn, "gunicorn": gunicorn}


def worst_lag_ms(server: servers.Server) -> float:
    """Ask the app for the worst loop lag since the last time anyone asked (and reset it)."""
    with urllib.request.urlopen(server.url + "/lag", timeout=10) as reply:
        return json.loads(reply.read())["worst_lag_ms"]


async def _one_run(fast_url: str, slow_url: str | None, duration: float) -> load.LoadResult:
    jobs = [load.run_async(fast_url, concurrency=4, duration=duration)]
    if slow_url:
        jobs.append(load.run_async(slow_url, concurrency=1, duration=duration))
    fast, *_ = await asyncio.gather(*jobs)
    return fast


def run(*, runs: int = 3, duration: float = 3.0, progress=print) -> dict:
    import contextlib

    results = {name: bench.Measurement(name) for name in SETUPS}
    lags: dict[str, list[float]] = {name: [] for name in SETUPS}
    progress("load generator: course.load (both clients in one Python process); "
             f"{runs} interleaved round(s) of {duration:g} s")
    with contextlib.ExitStack() as stack:
        running = start_servers(stack)
        for which, _slow_path in SETUPS.values():              # a warm-up each
            server = running[which]
            asyncio.run(_one_run(server.url + "/fast", None, min(duration, 0.5)))
        for k, name in bench.schedule(list(SETUPS), runs):
            which, slow_path = SETUPS[name]
            server = running[which]
            if which == "uvicorn":
                worst_lag_ms(server)                            # reset the monitor
            slow_url = server.url + slow_path if slow_path else None
            fast = asyncio.run(_one_run(server.url + "/fast", slow_url, duration))
            results[name].runs.append(fast)
            if which == "uvicorn":
                lags[name].append(worst_lag_ms(server))
            progress(f"  round {k}/{runs}  {name:<36} /fast p99 {fast.p99_ms:8.1f} ms")
    measured = list(results.values())
    rows = [{"name": m.name, "p50_ms": m.median("p50_ms"), "p99_ms": m.median("p99_ms"),
             "p99_runs": m.values("p99_ms"), "rps": m.rps,
             "worst_lag_ms": statistics.median(lags[m.name]) if lags[m.name] else None}
            for m in measured]
    ratio_rows = bench.ratios(measured, BASELINE, metric="p99_ms")
    return {"slow_ms": SLOW_MS, "rows": rows, "baseline": BASELINE, "tool": "course.load",
            "ratios": [r.as_dict() for r in ratio_rows],
            "ratio_lines": [_inverse_line(r) for r in ratio_rows]}


def _inverse_line(ratio: bench.Ratio) -> str:
    """The p99 of each setup over the baseline's (the Ratio is baseline / setup)."""
    inverse = bench.Ratio(ratio.other, ratio.subject, [1 / p for p in ratio.pairs], "p99_ms")
    return "p99: " + inverse.line()


def table(data: dict) -> str:
    lines = [f"{'setup':<38}{'p50 ms':>9}{'p99 ms':>9}{'worst loop lag ms':>20}", "-" * 76]
    for row in data["rows"]:
        lag = "-" if row["worst_lag_ms"] is None else f"{row['worst_lag_ms']:.0f}"
        lines.append(f"{row['name']:<38}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}{lag:>20}")
    return "\n".join(lines)


def plot(data: dict, ax) -> None:
    names = [row["name"] for row in data["rows"]]
    ax.barh(names, [row["p99_ms"] for row in data["rows"]], color="tab:red", label="p99")
    ax.barh(names, [row["p50_ms"] for row in data["rows"]], color="tab:blue", label="p50")
    ax.axvline(data["slow_ms"], color="gray", linestyle=":", label="one slow call")
    ax.set_xlabel("latency of GET /fast (ms, median over rounds)")
    ax.legend()


def main(argv: list[str] | None = None) -> None:
    from experiment import add_out_argument, new_figure, save_figure, save_json

    parser = argparse.ArgumentParser(description="time.sleep in async def, measured")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=3.0)
    add_out_argument(parser)
    args = parser.parse_args(argv)
    data = run(runs=args.runs, duration=args.duration,
               progress=lambda line: print(line, flush=True))
    print()
    print(table(data))
    print()
    print("\n".join(data["ratio_lines"]))
    fig, ax = new_figure(8, 3.2)
    plot(data, ax)
    print(f"\nsaved {save_json(args.out, 'blocked_loop', data)} and "
          f"{save_figure(fig, args.out, 'blocked_loop')}")


if __name__ == "__main__":
    main()
