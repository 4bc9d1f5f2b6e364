"""The throughput ladder: hello world, keep-alive, 50 connections, on every server that installs.

Run it:    python code/13_wsgi_vs_asgi_measured/ladder.py                    # 3 rounds x 5 s
           python code/13_wsgi_vs_asgi_measured/ladder.py --runs 2 --duration 1 --only uvicorn
           python code/13_wsgi_vs_asgi_measured/ladder.py --out /tmp/ch13      # where to save

What you should see: the load generator and the pinning, one line per measured run (rounds
interleave the servers: A B C … A B C …), then a table (median req/s, min–max over the rounds,
p50/p99 latency, failures, tool), the ratio of every server to ``uvicorn (h11)`` pair by
pair with its spread, and where ``ladder.json`` and ``ladder.png`` (a bar plot) went.

Every server runs one process (one worker) pinned to CPU 0; the load generator gets CPU 1.
A server that is not installed (granian, daphne, waitress are optional) is skipped and said so.

What hello world measures: the cost of parsing a request, calling the app and writing the
answer -- the server's parser and loop overhead.  What it does not: anything your app does.
A real endpoint that spends 5 ms in a database makes every server here look the same.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from course import bench, servers

HERE = Path(__file__).resolve().parent
CH04 = HERE.parent / "04_wsgi_server_from_scratch"
CH09 = HERE.parent / "09_asgi_server_from_scratch"
PY = sys.executable
BASELINE = "uvicorn (h11)"


def _start(argv: list[str], name: str, cwd: Path = HERE):
    return lambda: servers.start(bench.pin(argv), name=name, cwd=cwd)


def _gunicorn(app: str, worker_class: str, threads: int = 1) -> list[str]:
    return [PY, "-m", "gunicorn", app, "--chdir", str(HERE), "--bind", "{host}:{port}",
            "--workers", "1", "--worker-class", worker_class, "--threads", str(threads),
            "--log-level", "warning"]


def _uvicorn(http: str, loop: str) -> list[str]:
    return [PY, "-m", "uvicorn", "apps:asgi_hello", "--app-dir", str(HERE), "--host", "{host}",
            "--port", "{port}", "--http", http, "--loop", loop, "--no-access-log",
            "--log-level", "warning"]


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def contenders() -> dict[str, tuple[str, object]]:
    """name -> (interface, start factory); only servers that are installed here."""
    found: dict[str, tuple[str, object]] = {
        "gunicorn sync": ("WSGI", _start(_gunicorn("apps:wsgi_hello", "sync"), "gunicorn")),
        "gunicorn gthread (8 threads)": (
            "WSGI", _start(_gunicorn("apps:wsgi_hello", "gthread", 8), "gunicorn")),
        "wsgiref": ("WSGI", _start([PY, str(CH04 / "apps.py"), "--app", "hello", "--quiet",
                                    "--host", "{host}", "--port", "{port}"], "wsgiref", CH04)),
        "ours, chapter 04 (threads)": (
            "WSGI", _start([PY, str(CH04 / "server.py"), "--app", "apps:hello", "--host",
                            "{host}", "--port", "{port}", "--threads", "64"], "server.py", CH04)),
    }
    if _installed("waitress"):
        found["waitress (4 threads)"] = ("WSGI", _start(
            [PY, "-m", "waitress", "--listen={host}:{port}", "--threads=4",
             "apps:wsgi_hello"], "waitress"))
    if _installed("granian"):
        found["granian (wsgi)"] = ("WSGI", _start(
            [PY, "-m", "granian", "--interface", "wsgi", "--host", "{host}", "--port", "{port}",
             "--workers", "1", "--log-level", "warning", "apps:wsgi_hello"], "granian"))
    found["gunicorn -k asgi"] = ("ASGI", _start(_gunicorn("apps:asgi_hello", "asgi"),
                                                 "gunicorn"))
    found[BASELINE] = ("ASGI", _start(_uvicorn("h11", "asyncio"), "uvicorn"))
    found["uvicorn (httptools, uvloop)"] = ("ASGI", _start(_uvicorn("httptools", "uvloop"),
                                                          "uvicorn"))
    if _installed("hypercorn"):
        found["hypercorn"] = ("ASGI", _start(
            [PY, "-m", "hypercorn", "apps:asgi_hello", "--bind", "{host}:{port}",
             "--workers", "1"], "hypercorn"))
    if _installed("daphne"):
        found["daphne"] = ("ASGI", _start(
            [PY, "-m", "daphne", "-b", "{host}", "-p", "{port}", "-v", "0",
             "apps:asgi_hello"], "daphne"))
    if _installed("granian"):
        found["granian (asgi)"] = ("ASGI", _start(
            [PY, "-m", "granian", "--interface", "asgi", "--host", "{host}", "--port", "{port}",
             "--workers", "1", "--log-level", "warning", "apps:asgi_hello"], "granian"))
    found["ours, chapter 09 (asyncio)"] = ("ASGI", _start(
        [PY, str(CH09 / "asgi_server.py"), "apps:hello", "--host", "{host}", "--port", "{port}",
         "--parser", "hand", "--lifespan", "off"], "asgi_server.py", CH09))
    return found


MISSING_OPTIONAL = [m for m in ("waitress", "granian", "daphne", "hypercorn")
                    if not _installed(m)]


def run(*, runs: int = 3, duration: float = 5.0, concurrency: int = 50, tool: str = "auto",
        only: list[str] | None = None, warmup: float = 1.0, progress=print) -> dict:
    """Measure the ladder; return the JSON-able results (see :func:`course.bench.to_json`)."""
    available = contenders()
    names = [n for n in available if not only or any(word in n for word in only)]
    chosen = [bench.Contender(name, available[name][1]) for name in names]
    progress(bench.setup_line(tool, concurrency=concurrency, duration=duration, runs=runs))
    results = bench.compare(chosen, concurrency=concurrency, duration=duration, runs=runs,
                            tool=tool, warmup=warmup, progress=progress)
    subject = BASELINE if BASELINE in names else names[0]
    data = bench.to_json(results, subject=subject)
    data["baseline"] = subject
    data["interfaces"] = {name: available[name][0] for name in names}
    data["table"] = bench.format_table(results)
    data["ratio_lines"] = bench.ratio_lines(results, subject)
    data["setup"] = bench.setup_line(tool, concurrency=concurrency, duration=duration, runs=runs)
    return data


def plot(data: dict, ax) -> None:
    """Horizontal bars: median req/s with a min–max whisker, WSGI and ASGI coloured apart."""
    rows = sorted(data["contenders"], key=lambda c: c["median_rps"])
    names = [c["name"] for c in rows]
    medians = [c["median_rps"] for c in rows]
    lows = [c["median_rps"] - min(c["rps"]) for c in rows]
    highs = [max(c["rps"]) - c["median_rps"] for c in rows]
    colours = ["tab:blue" if data["interfaces"][n] == "WSGI" else "tab:orange" for n in names]
    ax.barh(names, medians, xerr=[lows, highs], color=colours, capsize=3)
    ax.set_xlabel(f"requests/s (median, min–max whiskers; load: {data['tool']})")
    ax.set_title("hello world, keep-alive: blue = WSGI, orange = ASGI")


def main(argv: list[str] | None = None) -> None:
    from experiment import add_out_argument, new_figure, save_figure, save_json

    parser = argparse.ArgumentParser(description="hello-world throughput on every server")
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--tool", choices=["auto", "wrk", "course.load"], default="auto")
    parser.add_argument("--only", nargs="*", help="words: keep servers whose name has one")
    add_out_argument(parser)
    args = parser.parse_args(argv)
    if MISSING_OPTIONAL:
        print(f"not installed, skipped: {', '.join(MISSING_OPTIONAL)}")
    data = run(runs=args.runs, duration=args.duration, concurrency=args.concurrency,
               tool=args.tool, only=args.only, warmup=args.warmup,
               progress=lambda line: print(line, flush=True))
    print()
    print(data["table"])
    print()
    print("\n".join(data["ratio_lines"]))
    fig, ax = new_figure(9, 0.45 * len(data["contenders"]) + 1.5)
    plot(data, ax)
    saved_json = save_json(args.out, "ladder", data)
    saved_png = save_figure(fig, args.out, "ladder")
    print(f"\nsaved {saved_json} and {saved_png}")


if __name__ == "__main__":
    main()
