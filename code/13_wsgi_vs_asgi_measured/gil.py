"""CPU-bound work: the GIL makes threads take turns; processes (workers) use every core.

Run it:    python code/13_wsgi_vs_asgi_measured/gil.py                 # 3 rounds
           python code/13_wsgi_vs_asgi_measured/gil.py --runs 2 --work 200000

The same pure-Python function (``spin``: a loop of integer additions, no I/O) runs as many
times as there are workers, on a pool of threads and on a pool of processes, with 1 worker and
with one worker per usable core.  The pools are created and warmed up before the clock starts.
An event loop is in the same place as a thread: a CPU-bound ``async def`` holds the loop
for as long as it runs, and ``asyncio.to_thread`` does not help either (the GIL again).

What you should see: tasks per second for each setup, then processes over threads pair by
pair with its spread -- "no clear difference" with one worker, more than 1 with several workers
on a machine with several idle cores -- and how each kind scales from 1 worker to one per core:
threads stay near 1.0 (the GIL lets one thread run Python at a time), processes approach the
number of cores.  On a machine busy with other work both can move, and the spreads widen:
the cores the processes would use may not be free.  (On a free-threaded Python build, 3.13t
and later, threads would scale too.)  Saves ``gil.json`` and ``gil.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from course import bench


def spin(n: int) -> int:
    """CPU work that never waits: add up ``n`` integers one by one."""
    total = 0
    for i in range(n):
        total += i
    return total


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def tasks_per_second(pool: Executor, workers: int, work: int) -> float:
    """Run ``workers`` tasks of ``spin(work)`` at once on ``pool``; return tasks per second."""
    started = time.perf_counter()
    list(pool.map(spin, [work] * workers))
    return workers / (time.perf_counter() - started)


def run(*, runs: int = 3, work: int = 2_000_000, progress=print) -> dict:
    cores = usable_cores()
    counts = sorted({1, cores})
    pools: dict[str, Executor] = {}
    for n in counts:
        pools[f"threads × {n}"] = ThreadPoolExecutor(n)
        pools[f"processes × {n}"] = ProcessPoolExecutor(n)
    gil_enabled = getattr(sys, "_is_gil_enabled", lambda: True)()
    progress(f"{cores} usable core(s); GIL {'enabled' if gil_enabled else 'disabled'}; "
             f"spin({work:,}) per task; {runs} interleaved round(s)")
    measured: dict[str, list[float]] = {name: [] for name in pools}
    try:
        for name, pool in pools.items():                      # a warm-up each
            tasks_per_second(pool, int(name.split("× ")[1]), work // 10)
        for k, name in bench.schedule(list(pools), runs):
            workers = int(name.split("× ")[1])
            rate = tasks_per_second(pools[name], workers, work)
            measured[name].append(rate)
            progress(f"  round {k}/{runs}  {name:<16} {rate:8.2f} tasks/s")
    finally:
        for pool in pools.values():
            pool.shutdown()
    ratios = []
    for n in counts:
        pairs = bench.pair_ratios(measured[f"processes × {n}"], measured[f"threads × {n}"])
        ratio = bench.Ratio(f"processes × {n}", f"threads × {n}", pairs, "tasks/s")
        ratios.append({**ratio.as_dict(), "workers": n, "line": ratio.line()})
    scaling = []
    if len(counts) > 1:
        for kind in ("threads", "processes"):
            pairs = bench.pair_ratios(measured[f"{kind} × {cores}"], measured[f"{kind} × 1"])
            ratio = bench.Ratio(f"{kind} × {cores}", f"{kind} × 1", pairs, "tasks/s")
            scaling.append({**ratio.as_dict(), "kind": kind, "line": ratio.line()})
    rows = [{"name": name, "tasks_per_s": values, "median": bench.spread(values)[0]}
            for name, values in measured.items()]
    return {"cores": cores, "gil_enabled": gil_enabled, "work": work, "rows": rows,
            "ratios": ratios, "scaling": scaling}


def plot(data: dict, ax) -> None:
    names = [row["name"] for row in data["rows"]]
    medians = [row["median"] for row in data["rows"]]
    colours = ["tab:purple" if name.startswith("threads") else "tab:green" for name in names]
    ax.bar(names, medians, color=colours)
    ax.set_ylabel("CPU-bound tasks per second (median)")
    ax.set_title(f"the GIL on {data['cores']} core(s): threads (purple) vs processes (green)")


def main(argv: list[str] | None = None) -> None:
    from experiment import add_out_argument, new_figure, save_figure, save_json

    parser = argparse.ArgumentParser(description="CPU-bound work: threads vs processes")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=int, default=2_000_000, help="loop length per task")
    add_out_argument(parser)
    args = parser.parse_args(argv)
    data = run(runs=args.runs, work=args.work, progress=lambda line: print(line, flush=True))
    print()
    for ratio in data["ratios"] + data["scaling"]:
        print(ratio["line"])
    fig, ax = new_figure(7, 3.5)
    plot(data, ax)
    print(f"\nsaved {save_json(args.out, 'gil', data)} and {save_figure(fig, args.out, 'gil')}")


if __name__ == "__main__":
    main()
