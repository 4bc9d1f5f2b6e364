"""The concurrency budget: a 100 ms I/O endpoint at 100 and 1000 connections, model vs observed.

Run it:    python code/13_wsgi_vs_asgi_measured/budget.py                 # about 2 minutes
           python code/13_wsgi_vs_asgi_measured/budget.py --connections 20 --runs 1 --duration 1

Every server answers ``GET /?ms=100`` after 100 ms of waiting (``apps:wsgi_io`` sleeps in a
thread, ``apps:asgi_io`` awaits ``asyncio.sleep``).  A server that can hold ``workers × threads``
requests at once finishes at most that many every 0.1 s, and never more than the clients send:

    model req/s = min(connections, workers × threads) / 0.1 s

uvicorn has no such budget (one task per connection), so its model is ``connections / 0.1 s``.
The last WSGI contender gets one thread per connection (gunicorn gthread with
``--threads`` = connections): its budget is as large as uvicorn's.  What you should see: a
table per connection count with ``model``, ``observed`` and ``observed/model`` (near 1.0
where waiting is the bottleneck, lower where the CPU is), the thread-per-connection server
against uvicorn pair by pair with its spread, and ``budget.json`` + ``budget.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course import bench, servers

HERE = Path(__file__).resolve().parent
PY = sys.executable
SECONDS = 0.1
UVICORN = "uvicorn (asyncio)"
THREAD_PER_CONNECTION = "gunicorn gthread, a thread per connection"


def model_rps(connections: int, workers: int | None, threads: int | None,
              seconds: float = SECONDS) -> float:
    """``min(connections, workers × threads) / seconds``; no budget (None) means connections."""
    budget = connections if workers is None or threads is None else workers * threads
    return min(connections, budget) / seconds


def _gunicorn(worker_class: str, workers: int, threads: int, connections: int):
    argv = [PY, "-m", "gunicorn", "apps:wsgi_io", "--chdir", str(HERE), "--bind",
            "{host}:{port}", "--workers", str(workers), "--worker-class", worker_class,
            "--threads", str(threads), "--worker-connections", str(connections + 100),
            "--backlog", "4096", "--log-level", "warning", "--timeout", "120"]
    return lambda: servers.start(bench.pin(argv), name="gunicorn")


def _uvicorn():
    argv = [PY, "-m", "uvicorn", "apps:asgi_io", "--app-dir", str(HERE), "--host", "{host}",
            "--port", "{port}", "--no-access-log", "--log-level", "warning",
            "--backlog", "4096", "--limit-concurrency", "100000"]
    return lambda: servers.start(bench.pin(argv), name="uvicorn")


def configurations(connections: int) -> list[tuple[str, int | None, int | None, object]]:
    """(name, workers, threads, start) -- budgets from 1 to one thread per connection."""
    return [
        ("gunicorn sync, 1 worker", 1, 1, _gunicorn("sync", 1, 1, connections)),
        ("gunicorn sync, 4 workers", 4, 1, _gunicorn("sync", 4, 1, connections)),
        ("gunicorn gthread, 2 × 16", 2, 16, _gunicorn("gthread", 2, 16, connections)),
        (THREAD_PER_CONNECTION, 1, connections,
         _gunicorn("gthread", 1, connections, connections)),
        (UVICORN, None, None, _uvicorn()),
    ]


def run(*, levels=(100, 1000), runs: int = 2, duration: float = 3.0, tool: str = "auto",
        warmup: float = 1.0, progress=print, only: list[str] | None = None,
        fresh: bool = True) -> dict:
    """Measure every configuration at each connection count; JSON-able results.

    Each run starts its server anew (``fresh``): a sync worker left with a queue of 1000
    requests by the previous run would spend the next run serving clients that are gone.
    ``only``: names of the configurations to run (default: all).
    """
    from experiment import raise_open_files

    raise_open_files(max(levels) * 2 + 1024)
    progress(bench.setup_line(tool, concurrency=max(levels), duration=duration, runs=runs))
    data: dict = {"seconds_per_request": SECONDS, "levels": []}
    for connections in levels:
        progress(f"\n{connections} connections, GET /?ms={SECONDS * 1000:g}")
        configs = [c for c in configurations(connections) if not only or c[0] in only]
        # Warm up with as many connections as the budget holds: enough to start every
        # thread, too few to leave a queue behind.
        contenders = [bench.Contender(name, start, path=f"/?ms={SECONDS * 1000:g}",
                                      warmup_concurrency=int(model_rps(connections, w, t)
                                                             * SECONDS))
                      for name, w, t, start in configs]
        results = bench.compare(contenders, concurrency=connections, duration=duration,
                                runs=runs, tool=tool, warmup=warmup, progress=progress,
                                fresh=fresh)
        rows = []
        for (name, workers, threads, _), measured in zip(configs, results, strict=True):
            model = model_rps(connections, workers, threads)
            rows.append({"name": name, "workers": workers, "threads": threads,
                         "model_rps": model, "observed_rps": measured.rps,
                         "rps": measured.values("rps"), "p99_ms": measured.median("p99_ms"),
                         "observed_over_model": measured.rps / model, "tool": measured.tool})
        level = {"connections": connections, "rows": rows}
        names = [name for name, *_ in configs]
        if THREAD_PER_CONNECTION in names and UVICORN in names:
            (ratio,) = [r for r in bench.ratios(results, THREAD_PER_CONNECTION)
                        if r.other == UVICORN]
            level["thread_per_connection_vs_uvicorn"] = ratio.as_dict()
            level["ratio_line"] = ratio.line()
        data["levels"].append(level)
    return data


def table(level: dict) -> str:
    lines = [f"{level['connections']} connections",
             f"{'server':<44}{'model':>9}{'observed':>10}{'obs/model':>11}{'p99 ms':>9}",
             "-" * 83]
    for row in level["rows"]:
        p99 = "-" if row["p99_ms"] is None else f"{row['p99_ms']:.0f}"
        lines.append(f"{row['name']:<44}{row['model_rps']:>9,.0f}{row['observed_rps']:>10,.0f}"
                     f"{row['observed_over_model']:>11.2f}{p99:>9}")
    return "\n".join(lines)


def plot(data: dict, axes) -> None:
    """One panel per connection count: model and observed req/s side by side, log scale."""
    for ax, level in zip(axes, data["levels"], strict=True):
        rows = level["rows"]
        positions = range(len(rows))
        ax.bar([p - 0.2 for p in positions], [r["model_rps"] for r in rows], width=0.4,
               label="model min(conn, w×t)/0.1 s", color="lightgray", edgecolor="gray")
        ax.bar([p + 0.2 for p in positions], [r["observed_rps"] for r in rows], width=0.4,
               label="observed (median)", color="tab:green")
        ax.set_xticks(list(positions))
        ax.set_xticklabels([r["name"].replace(", ", "\n", 1) for r in rows], fontsize=7)
        ax.set_yscale("log")
        ax.set_title(f"{level['connections']} connections, 100 ms of waiting per request")
        ax.set_ylabel("requests/s")
    axes[0].legend(fontsize=8)


def main(argv: list[str] | None = None) -> None:
    from experiment import add_out_argument, new_figure, save_figure, save_json

    parser = argparse.ArgumentParser(description="model vs observed on a 100 ms endpoint")
    parser.add_argument("--connections", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--tool", choices=["auto", "wrk", "course.load"], default="auto")
    add_out_argument(parser)
    args = parser.parse_args(argv)
    data = run(levels=args.connections, runs=args.runs, duration=args.duration, tool=args.tool,
               warmup=args.warmup, progress=lambda line: print(line, flush=True))
    for level in data["levels"]:
        print()
        print(table(level))
        print(level.get("ratio_line", ""))
    fig, axes = new_figure(5 * len(data["levels"]), 4.5)
    fig.clf()
    axes = fig.subplots(1, len(data["levels"]), squeeze=False)[0]
    plot(data, axes)
    saved_json = save_json(args.out, "budget", data)
    saved_png = save_figure(fig, args.out, "budget")
    print(f"\nsaved {saved_json} and {saved_png}")


if __name__ == "__main__":
    main()
