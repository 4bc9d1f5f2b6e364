"""The blocking problem, measured: sync workers vs gthread on an endpoint that waits 100 ms.

    python code/06_gunicorn_and_concurrency/blocking_benchmark.py
    python code/06_gunicorn_and_concurrency/blocking_benchmark.py --concurrency 100 \
        --plot /tmp/06.png
    python code/06_gunicorn_and_concurrency/blocking_benchmark.py --quick --duration 1 --runs 1

Each configuration is a real gunicorn serving ``blocking_app:app`` on 127.0.0.1 and a free port;
every request is ``GET /io?ms=100`` -- 100 ms of waiting, almost no CPU, like a slow database
query.  ``--concurrency`` clients (default 50) keep one request in flight each.

The model: a request holds its worker thread for 0.1 s, so ``workers x threads`` threads finish
at most ``workers x threads / 0.1`` requests per second -- and never more than the clients send:

    model rps = min(concurrency, workers x threads) / 0.1 s

What you should see: the ``observed/model`` column close to 1.0 wherever the waiting dominates
-- sync 1/2/4/8 workers at about 10/20/40/80 req/s, gthread rising with its thread count --
because the limit is the *concurrency budget*, not the CPU: the waiting costs nothing, but a
waiting thread can do nothing else.  At hundreds of requests per second the gthread rows fall
short of the model: then the CPU work around the waiting (parsing, connections) becomes the
limit, which the model leaves out -- all the more since the server is pinned to one core when
``taskset`` exists.  The table names the load generator (``wrk`` when installed, else the Python
``course.load``); the medians of ``--runs`` runs are reported, the machine's noise included.
A benchmark is a script, never a timed test.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from course import bench, load, servers

HERE = Path(__file__).resolve().parent
IO_SECONDS = 0.1


@dataclass(frozen=True)
class Config:
    worker_class: str
    workers: int
    threads: int = 1

    @property
    def name(self) -> str:
        return f"{self.worker_class} {self.workers}w x {self.threads}t"

    def model_rps(self, concurrency: int) -> float:
        return min(concurrency, self.workers * self.threads) / IO_SECONDS

    def start(self) -> servers.Server:
        argv = [sys.executable, "-m", "gunicorn", "blocking_app:app", "--chdir", str(HERE),
                "--bind", "{host}:{port}", "--workers", str(self.workers),
                "--worker-class", self.worker_class, "--threads", str(self.threads),
                "--backlog", "2048", "--log-level", "warning"]
        return servers.start(bench.pin(argv), name="gunicorn")


FULL = [Config("sync", 1), Config("sync", 2), Config("sync", 4), Config("sync", 8),
        Config("gthread", 1, 8), Config("gthread", 2, 8), Config("gthread", 2, 25)]
QUICK = [Config("sync", 1), Config("sync", 2), Config("gthread", 1, 4)]


def measure(config: Config, concurrency: int, duration: float, runs: int, warmup: float,
            tool: str) -> bench.Measurement:
    """course.bench's recipe (pinned, warm-up, median of runs), plus a drain between runs.

    wrk stops at its deadline and drops the connections still waiting; a sync worker still
    serves every request already queued in the listen backlog (it cannot know nobody waits),
    so the next run would start behind up to ``concurrency x 0.1 s`` of stale work.  Waiting
    ``concurrency / model rps`` seconds lets the server clear it.
    """
    drain = 1.2 * concurrency / config.model_rps(concurrency) + 0.5
    load_cpu = bench.LOAD_CPU if bench.can_pin() else None
    m = bench.Measurement(config.name)
    with config.start() as server:
        url = server.url + "/io?ms=100"
        if warmup:
            load.measure(url, concurrency=concurrency, duration=warmup, tool=tool, cpu=load_cpu)
            time.sleep(drain)
        for i in range(runs):
            m.runs.append(load.measure(url, concurrency=concurrency, duration=duration,
                                       tool=tool, cpu=load_cpu))
            print(f"  {config.name:<22} run {i + 1}/{runs}: {m.runs[-1].rps:,.1f} req/s",
                  flush=True)
            time.sleep(drain)
    return m


def table(rows: list[tuple[Config, bench.Measurement]], concurrency: int) -> str:
    head = (f"{'config':<22}{'w x t':>6}{'model rps':>11}{'observed rps':>14}"
            f"{'observed/model':>16}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}  tool")
    lines = [head, "-" * len(head)]
    for config, m in rows:
        model = config.model_rps(concurrency)
        p50, p99 = m.median("p50_ms"), m.median("p99_ms")
        lines.append(
            f"{config.name:<22}{config.workers * config.threads:>6}{model:>11.0f}{m.rps:>14.1f}"
            f"{m.rps / model:>16.2f}{(p50 or 0):>9.0f}{(p99 or 0):>9.0f}{m.failed:>8}  {m.tool}")
    return "\n".join(lines)


def plot(rows: list[tuple[Config, bench.Measurement]], concurrency: int, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [c.name for c, _ in rows]
    x = range(len(rows))
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.bar([i - 0.2 for i in x], [c.model_rps(concurrency) for c, _ in rows], 0.4,
           label="model: min(clients, workers×threads) / 0.1 s", color="#bbb")
    ax.bar([i + 0.2 for i in x], [m.rps for _, m in rows], 0.4, label="observed", color="#2a7")
    ax.set_xticks(list(x), names, rotation=20, ha="right")
    ax.set_yscale("log")
    ax.set_ylabel("requests / s (log)")
    ax.set_title(f"GET /io?ms=100, {concurrency} concurrent clients")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    print(f"plot saved to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--tool", default="auto", choices=["auto", "wrk", "python"])
    parser.add_argument("--quick", action="store_true", help="three configurations only")
    parser.add_argument("--plot", help="save a bar chart (PNG/SVG) to this path")
    args = parser.parse_args()

    configs = QUICK if args.quick else FULL
    tool = "course.load" if args.tool == "python" else args.tool
    print(f"GET /io?ms=100 with {args.concurrency} clients, {args.runs} run(s) of "
          f"{args.duration:g} s per configuration")
    measured = [measure(c, args.concurrency, args.duration, args.runs, args.warmup, tool)
                for c in configs]
    rows = list(zip(configs, measured, strict=True))
    print()
    print(table(rows, args.concurrency))
    sync1 = measured[0]
    print()
    for line in bench.ratio_lines(measured, measured[-1].name):
        print(line)
    print("rows well under 1.0 hit a limit the model leaves out: CPU (see the docstring)")
    model_ratio = (configs[-1].model_rps(args.concurrency)
                   / configs[0].model_rps(args.concurrency))
    print(f"model: {configs[-1].name} / {sync1.name} = {model_ratio:.2f}×")
    if args.plot:
        plot(rows, args.concurrency, args.plot)


if __name__ == "__main__":
    main()
