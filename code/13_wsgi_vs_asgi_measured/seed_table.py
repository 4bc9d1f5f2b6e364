"""The seed's WSGI-vs-ASGI table, reprinted row by row with what was measured and a verdict.

Run it:    python code/13_wsgi_vs_asgi_measured/seed_table.py          # reads results/*.json
           python code/13_wsgi_vs_asgi_measured/seed_table.py --quick  # short runs, ~1 minute

Blog posts (this course's seed among them) end with a table of claims: WSGI "processes
requests one at a time", ASGI "efficiently handles concurrency", WSGI "supports HTTP only",
WSGI middleware "is synchronous".  Each row here names the claim, the experiment of this
chapter that tests it, what that experiment measured, and a verdict -- true / true only
when … / false -- computed from the numbers, never typed in.

It reads the JSON files the other scripts saved in ``--out`` (default ``results/``: run
``ladder.py``, ``budget.py``, ``idle_memory.py``, ``blocked_loop.py``, ``gil.py`` and
``fanout.py`` first for the full picture).  An experiment without a saved file is run here in
a short version (seconds, not minutes), and the table says so.  Saves ``seed_table.json``.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

EXPERIMENTS = ("ladder", "budget", "idle_memory", "blocked_loop", "gil", "fanout")


@dataclass
class Row:
    claim: str
    experiment: str
    measured: str
    verdict: str


def quick(name: str, progress=print) -> dict:
    """A short version of one experiment (seconds): what the notebook and ``--quick`` run."""
    import blocked_loop
    import budget
    import fanout
    import gil
    import idle_memory
    import ladder

    def quiet(line: str) -> None:
        """Drop the experiments' progress lines: the table is what the notebook shows."""
    if name == "ladder":
        return ladder.run(runs=2, duration=1, warmup=0.5, concurrency=50,
                          only=["gunicorn gthread", "uvicorn"], progress=quiet)
    if name == "budget":
        return budget.run(levels=(50,), runs=2, duration=1, warmup=0.5, fresh=True,
                          only=["gunicorn sync, 1 worker", budget.THREAD_PER_CONNECTION,
                                budget.UVICORN], progress=quiet)
    if name == "idle_memory":
        return idle_memory.run(levels=(500,), progress=quiet,
                               only=["HTTP, a thread per connection", "HTTP, asyncio (uvicorn)",
                                     "WebSocket, threads", "WebSocket, asyncio (uvicorn)",
                                     "WebSocket, asyncio + deflate"])
    if name == "blocked_loop":
        return blocked_loop.run(runs=2, duration=1, progress=quiet)
    if name == "gil":
        return gil.run(runs=3, work=1_000_000, progress=quiet)
    if name == "fanout":
        return fanout.run(levels=(100,), broadcasts=5, runs=2, progress=quiet)
    raise ValueError(f"no experiment called {name!r}; one of {', '.join(EXPERIMENTS)}")


def _ratio_text(ratio: dict) -> str:
    text = f"{ratio['median']:.2f}× (spread {ratio['low']:.2f}–{ratio['high']:.2f})"
    return text + (": no clear difference" if ratio["verdict"] == "no clear difference" else "")


def row_one_at_a_time(budget: dict) -> Row:
    level = budget["levels"][-1]
    rows = {r["name"]: r for r in level["rows"]}
    sync = rows.get("gunicorn sync, 1 worker")
    wsgi = [r for r in level["rows"] if r["workers"] is not None]
    best = max(wsgi, key=lambda r: r["observed_rps"])
    measured = (f"{level['connections']} clients, 100 ms each: one request at a time would be "
                f"10 req/s. ")
    if sync:
        measured += f"One sync worker served {sync['observed_rps']:.0f} req/s; "
    measured += (f"{best['name']} ({best['workers']} × {best['threads']}) served "
                 f"{best['observed_rps']:.0f} req/s.")
    many = best["observed_rps"] > 2 * 10
    verdict = ("true only of one sync worker: WSGI servers run many calls at once with "
               "processes and threads" if many else "true in this run: no WSGI setup here "
               "served more than one request at a time")
    return Row("WSGI processes requests one at a time", "budget.py", measured, verdict)


def row_concurrency(budget: dict) -> Row:
    level = budget["levels"][-1]
    ratio = level.get("thread_per_connection_vs_uvicorn")
    if ratio is None:
        return Row("ASGI efficiently handles concurrency", "budget.py",
                   "not measured (needs the thread-per-connection server and uvicorn)", "-")
    rows = {r["name"]: r for r in level["rows"]}
    small = [r for r in level["rows"] if r["workers"] is not None
             and r["workers"] * r["threads"] < level["connections"]]
    measured = (f"{level['connections']} clients waiting 100 ms each: a thread per connection "
                f"/ uvicorn = {_ratio_text(ratio)}")
    if small:
        worst = min(small, key=lambda r: r["observed_rps"])
        measured += (f"; {worst['name']} (budget {worst['workers'] * worst['threads']}) "
                     f"served {worst['observed_rps']:.0f} req/s against uvicorn's "
                     f"{rows['uvicorn (asyncio)']['observed_rps']:.0f}")
    if ratio["verdict"] == "no clear difference" or ratio["low"] > 1:
        verdict = ("true only when the WSGI server's budget (workers × threads) is smaller "
                   "than the number of clients: with a thread per connection the gap is gone")
    else:
        verdict = ("true when waiting requests outnumber the threads a WSGI server can "
                   "afford; here one thread per connection still fell behind uvicorn")
    return Row("ASGI efficiently handles concurrency", "budget.py", measured, verdict)


def row_faster(ladder: dict) -> Row:
    rows = sorted(ladder["contenders"], key=lambda c: c["median_rps"], reverse=True)
    kinds = ladder["interfaces"]
    wsgi = [c for c in rows if kinds[c["name"]] == "WSGI"]
    asgi = [c for c in rows if kinds[c["name"]] == "ASGI"]
    if not wsgi or not asgi:
        return Row("ASGI is faster", "ladder.py",
                   "not measured (the ladder needs a WSGI and an ASGI server)", "-")
    top_wsgi, top_asgi = wsgi[0], asgi[0]
    pairs = [a / w for a, w in zip(top_asgi["rps"], top_wsgi["rps"], strict=True) if w]
    from course import bench
    ratio = bench.Ratio(top_asgi["name"], top_wsgi["name"], pairs).as_dict()
    measured = (f"hello world, {len(rows)} servers: fastest ASGI ({top_asgi['name']}) / fastest "
                f"WSGI ({top_wsgi['name']}) = {_ratio_text(ratio)}; load: {ladder['tool']}")
    mixed = wsgi[0]["median_rps"] > asgi[-1]["median_rps"] and \
        asgi[0]["median_rps"] > wsgi[-1]["median_rps"]
    if mixed:
        verdict = ("false as a rule: WSGI and ASGI servers interleave on the ladder -- speed "
                   "is the server's (parser, loop), not the interface's")
    elif ratio["verdict"] == "higher":
        verdict = "true in this run for hello world (parser and loop overhead only)"
    else:
        verdict = "false in this run: the fastest WSGI server was not slower"
    return Row("ASGI is faster", "ladder.py", measured, verdict)


def row_idle(idle: dict) -> Row:
    top = max(idle["levels"])
    rows = [r for r in idle["rows"] if r["connections"] == top]
    threads = [r for r in rows if r["model"] == "threads" and not r["deflate"]]
    loops = [r for r in rows if r["model"] == "asyncio" and not r["deflate"]]
    parts = []
    for r in threads + loops:
        failed = f", {r['failed']:,} failed to open" if r["failed"] else ""
        parts.append(f"{r['name']}: {r['kib_per_connection']:.1f} KiB{failed}")
    measured = f"{top:,} idle connections -- " + "; ".join(parts)
    cheaper = all(a["kib_per_connection"] < t["kib_per_connection"]
                  for a in loops for t in threads if a["protocol"] == t["protocol"])
    verdict = ("true: each idle connection costs an event loop less memory than a thread "
               "(and no thread at all)" if cheaper else
               "not in this run: asyncio did not use less memory per idle connection")
    return Row("Async holds many idle connections cheaply", "idle_memory.py", measured, verdict)


def row_websocket(fanout: dict) -> Row:
    level = fanout["levels"][-1]
    ratio = level["p99_threads_vs_uvicorn"]
    measured = (f"broadcast to {level['clients']} WebSocket clients: both hubs delivered every "
                f"message; p99 thread-per-connection / uvicorn = {_ratio_text(ratio)}")
    verdict = ("true of the interface: PEP 3333 has no WebSocket and ASGI does; a threaded "
               "server outside WSGI can still hold WebSockets, one thread per client")
    return Row("WSGI supports HTTP only (ASGI adds WebSocket)", "fanout.py", measured, verdict)


def _times_baseline(ratio: dict) -> str:
    """A stored ``baseline / setup`` ratio read the other way: ``setup`` in baseline units.

    The pairs are inverted one by one (the median of inverses is not the inverse of the
    median), so the numbers match a ratio line computed the same way.
    """
    from course import bench
    inverse = bench.Ratio("setup", "baseline", [1 / pair for pair in ratio["pairs"] if pair])
    text = (f"{inverse.median:.1f}× the baseline's (spread {inverse.low:.1f}–"
            f"{inverse.high:.1f})")
    return text + (": no clear difference" if inverse.verdict == "no clear difference" else "")


def row_blocking(blocked: dict) -> Row:
    by_name = {r["other"]: r for r in blocked["ratios"]}
    rows = {r["name"]: r for r in blocked["rows"]}
    bad = next(r for name, r in by_name.items() if "time.sleep in async" in name)
    wsgi = next(r for name, r in by_name.items() if name.startswith("gunicorn"))
    lag = rows["uvicorn, time.sleep in async def"]["worst_lag_ms"]
    measured = (f"one client calling a {blocked['slow_ms']} ms time.sleep in async def: /fast p99 "
                f"{_times_baseline(bad)}, loop lag {lag:.0f} ms; the same sleep in a gthread "
                f"worker: p99 {_times_baseline(wsgi)}")
    verdict = ("true of the signatures only: async def does not make code non-blocking -- a "
               "blocking call inside it stalls every request on the loop, where a gthread "
               "worker loses one of its threads")
    return Row("WSGI middleware is synchronous, ASGI's is not (so never blocks)",
               "blocked_loop.py", measured, verdict)


def row_gil(gil: dict) -> Row:
    ratio = max(gil["ratios"], key=lambda r: r["workers"])
    measured = (f"CPU-bound Python on {gil['cores']} core(s): {ratio['subject']} / "
                f"{ratio['other']} = {_ratio_text(ratio)}")
    if ratio["workers"] < 2:
        verdict = "not testable on one core"
    elif ratio["verdict"] == "higher":
        verdict = ("false: threads (and one event loop) run Python on one core at a time; "
                   "CPU-bound work needs processes (workers)")
    else:
        verdict = ("not shown in this run: processes were not clearly faster (on a shared "
                   "machine the second core may not have been free)")
    return Row("Threads (or async) use every core for CPU work", "gil.py", measured, verdict)


BUILDERS = [("budget", row_one_at_a_time), ("budget", row_concurrency), ("ladder", row_faster),
            ("idle_memory", row_idle), ("fanout", row_websocket),
            ("blocked_loop", row_blocking), ("gil", row_gil)]


def build(results: dict[str, dict]) -> list[Row]:
    """One Row per claim whose experiment is in ``results`` (name -> that script's JSON)."""
    return [builder(results[name]) for name, builder in BUILDERS if name in results]


def format_rows(rows: list[Row], width: int = 100) -> str:
    blocks = []
    for row in rows:
        blocks.append("\n".join([
            f"CLAIM     {row.claim}   [{row.experiment}]",
            textwrap.fill(row.measured, width, initial_indent="MEASURED  ",
                          subsequent_indent=" " * 10),
            textwrap.fill(row.verdict, width, initial_indent="VERDICT   ",
                          subsequent_indent=" " * 10)]))
    return "\n\n".join(blocks)


def main(argv: list[str] | None = None) -> None:
    from experiment import add_out_argument, load_json, save_json

    parser = argparse.ArgumentParser(description="the seed's table, re-run")
    parser.add_argument("--quick", action="store_true",
                        help="run the short version of every experiment, ignore saved files")
    add_out_argument(parser)
    args = parser.parse_args(argv)
    results: dict[str, dict] = {}
    sources = {}
    for name in EXPERIMENTS:
        saved = None if args.quick else load_json(args.out, name)
        if saved is None:
            print(f"running a short version of {name} ...", flush=True)
            results[name] = quick(name)
            sources[name] = "short run (seed_table.py)"
        else:
            results[name] = saved
            sources[name] = f"{args.out / (name + '.json')} ({saved['machine']['when']})"
    rows = build(results)
    print()
    print(format_rows(rows))
    print("\nsources: " + "; ".join(f"{k}: {v}" for k, v in sources.items()))
    path = save_json(args.out, "seed_table", {"rows": [asdict(r) for r in rows],
                                              "sources": sources})
    print(f"saved {path}")


if __name__ == "__main__":
    main()
