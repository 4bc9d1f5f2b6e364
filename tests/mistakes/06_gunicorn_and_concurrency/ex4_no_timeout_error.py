"""Mistake: returns the current workers when the time is up instead of raising TimeoutError.

    python solutions/06_gunicorn_and_concurrency/ex4_graceful_reload.py MASTER_PID

SIGHUP to the master: gunicorn re-reads its config, forks new workers on the same listening
socket, then sends the old workers SIGTERM -- each finishes the request it is serving and exits.
The socket never closes, so connections that arrive meanwhile wait in its backlog.
"""

from __future__ import annotations

import os
import signal
import time

import psutil


def workers_of(master_pid: int) -> list[int]:
    """The pids of ``master_pid``'s direct children, sorted."""
    try:
        return sorted(child.pid for child in psutil.Process(master_pid).children())
    except psutil.NoSuchProcess:
        return []


def graceful_reload(master_pid: int, timeout: float = 15.0) -> list[int]:
    """Reload gunicorn gracefully; return the new workers' pids once the old ones are gone."""
    old = set(workers_of(master_pid))
    os.kill(master_pid, signal.SIGHUP)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = workers_of(master_pid)
        if len(now) == len(old) and not old & set(now):
            return now
        time.sleep(0.1)
    return workers_of(master_pid)


if __name__ == "__main__":
    import sys

    new = graceful_reload(int(sys.argv[1]))
    print(f"reloaded: new workers {new}")
