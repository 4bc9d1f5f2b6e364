"""A graceful reload under load: HUP to the gunicorn master while clients keep asking.

    python code/06_gunicorn_and_concurrency/graceful_reload.py
    python code/06_gunicorn_and_concurrency/graceful_reload.py --worker-class gthread

It starts gunicorn (2 workers, ``blocking_app:app``), sends it bounded load from 10 clients
for ``--duration`` seconds (each request waits 50 ms in the app), and one second in sends the
master SIGHUP.  What you should see:

    workers before: [...]   workers after: [...]   (all different; the master's pid is not)
    requests: N   failed: 0

The master keeps the listening socket open the whole time, forks the new workers first and
only then tells the old ones (SIGTERM) to finish the request in hand and exit; connections
that arrive meanwhile wait in the socket's backlog.  Compare ``--signal TERM``: the master
itself shuts down, and the failures pile up.
"""

from __future__ import annotations

import argparse
import signal
import threading
import time
from pathlib import Path

import psutil

from course import load, servers

HERE = Path(__file__).resolve().parent


def workers_of(master_pid: int) -> list[int]:
    try:
        return sorted(child.pid for child in psutil.Process(master_pid).children())
    except psutil.NoSuchProcess:
        return []


def wait_for_workers(master_pid: int, count: int, not_in: set[int] = frozenset(),
                     timeout: float = 15.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = workers_of(master_pid)
        if len(now) == count and not set(now) & set(not_in):
            return now
        time.sleep(0.1)
    return workers_of(master_pid)


def reload_under_load(worker_class: str = "sync", signame: str = "HUP",
                      duration: float = 3.0, concurrency: int = 10) -> dict[str, object]:
    threads = 4 if worker_class == "gthread" else 1
    with servers.gunicorn("blocking_app:app", chdir=HERE, workers=2,
                          worker_class=worker_class, threads=threads) as server:
        before = wait_for_workers(server.pid, 2)
        results: list[load.LoadResult] = []
        loader = threading.Thread(target=lambda: results.append(load.run(
            server.url + "/io?ms=50", concurrency=concurrency, duration=duration, timeout=5)))
        loader.start()
        time.sleep(1.0)
        server.send_signal(getattr(signal, f"SIG{signame}"))
        after = wait_for_workers(server.pid, 2, not_in=set(before)) if signame == "HUP" else []
        loader.join()
        log = [ln.split("] ", 3)[-1] for ln in server.output().splitlines()
               if "Hang up" in ln or "Booting worker" in ln or "Worker exiting" in ln]
        return {"before": before, "after": after, "master_alive": server.alive,
                "result": results[0], "log": log}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--signal", default="HUP", choices=["HUP", "TERM"])
    parser.add_argument("--duration", type=float, default=3.0)
    args = parser.parse_args()
    out = reload_under_load(args.worker_class, args.signal, args.duration)
    result: load.LoadResult = out["result"]
    print(f"gunicorn, 2 {args.worker_class} workers, SIG{args.signal} during "
          f"{args.duration:g} s of load from 10 clients ({result.tool})")
    print(f"  workers before: {out['before']}   workers after: {out['after']}   "
          f"master alive: {out['master_alive']}")
    print(f"  requests: {result.requests}   failed: {result.failed}"
          + (f"   e.g. {result.error_samples[:2]}" if result.failed else ""))
    for line in out["log"][-8:]:
        print(f"  log: {line}")


if __name__ == "__main__":
    main()
