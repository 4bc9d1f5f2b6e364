"""The pre-fork model, live: one gunicorn master, its workers, and the signals it obeys.

    python code/06_gunicorn_and_concurrency/process_tree.py
    python code/06_gunicorn_and_concurrency/process_tree.py --workers 2

It starts gunicorn (``blocking_app:app``, sync workers) on 127.0.0.1 and a free port, prints
the process tree -- found from the master's pid with psutil, never by process name -- and then
sends the master, one at a time:

    TTIN  one worker more          TTOU  one worker fewer
    HUP   graceful reload: every worker replaced by a new one, the master stays
    TERM  graceful shutdown: workers finish their requests, then everything exits

printing the tree after each.  You should see the worker count go up and down by one, every
pid change after HUP while the master's stays, and an exit code of 0 after TERM.  It runs for
a few seconds and leaves nothing behind.
"""

from __future__ import annotations

import argparse
import signal
import time
from pathlib import Path

import psutil

from course import servers

HERE = Path(__file__).resolve().parent


def workers_of(master_pid: int) -> list[int]:
    """The master's direct children, sorted: its workers."""
    return sorted(child.pid for child in psutil.Process(master_pid).children())


def wait_for(master_pid: int, count: int, *, not_in: set[int] = frozenset(),
             timeout: float = 15.0) -> list[int]:
    """Poll until the master has ``count`` workers, none of them in ``not_in``."""
    deadline = time.monotonic() + timeout
    while True:
        now = workers_of(master_pid)
        if len(now) == count and not set(now) & set(not_in):
            return now
        if time.monotonic() > deadline:
            raise TimeoutError(f"expected {count} workers, have {now}")
        time.sleep(0.1)


def tree(master_pid: int) -> str:
    """A small `ps`-like view: the master and each worker with its parent pid."""
    master = psutil.Process(master_pid)
    lines = [f"  master  pid={master.pid:<7} ppid={master.ppid():<7} "
             f"listening on {len(listening_ports(master))} socket(s)"]
    for child in master.children():
        lines.append(f"   └─ worker pid={child.pid:<7} ppid={child.ppid():<7} "
                     f"rss={child.memory_info().rss / 2**20:5.1f} MiB")
    return "\n".join(lines)


def listening_ports(proc: psutil.Process) -> list[int]:
    return [c.laddr.port for c in proc.net_connections(kind="tcp")
            if c.status == psutil.CONN_LISTEN]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    with servers.gunicorn("blocking_app:app", chdir=HERE, workers=args.workers) as server:
        pid = server.pid
        workers = wait_for(pid, args.workers)
        print(f"gunicorn master {pid} on {server.url} with {len(workers)} workers:")
        print(tree(pid))
        shared = {w: listening_ports(psutil.Process(w)) for w in workers}
        print(f"each worker holds the master's listening socket: {shared}")

        server.send_signal(signal.SIGTTIN)
        workers = wait_for(pid, args.workers + 1)
        print(f"\nafter TTIN: {len(workers)} workers {workers}")

        server.send_signal(signal.SIGTTOU)
        workers = wait_for(pid, args.workers)
        print(f"after TTOU: {len(workers)} workers {workers}")

        server.send_signal(signal.SIGHUP)
        new = wait_for(pid, args.workers, not_in=set(workers))
        print(f"after HUP:  {len(new)} workers {new} (all new; master still {pid})")
        print(tree(pid))

        code = server.stop(grace=10, signum=signal.SIGTERM)
        print(f"\nafter TERM: master exited with code {code}")


if __name__ == "__main__":
    main()
