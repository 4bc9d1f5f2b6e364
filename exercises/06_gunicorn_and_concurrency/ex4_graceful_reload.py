"""Exercise 6.4 -- reload gunicorn gracefully, and prove no request failed.

Deploying new code means replacing every worker.  Done right, clients notice nothing: the
master keeps the listening socket open, starts new workers, and tells the old ones to finish
the request in hand and exit.  That is what gunicorn does on one signal to the *master*.
Write the script a deploy tool would run:

    workers_of(master_pid) -> list[int]
        The pids of the master's worker processes, sorted: its direct children.
        Find them from the master's pid (psutil is installed), never by process name --
        other gunicorns (and other users' programs) may be running on the same machine.

    graceful_reload(master_pid, timeout=15.0) -> list[int]
        1. note the current workers;
        2. send the master the graceful-reload signal;
        3. wait (poll every 0.1 s or so) until *none* of the old workers is still a child
           of the master *and* there are as many workers as before;
        4. return the new workers' pids, sorted.
        If that has not happened within ``timeout`` seconds, raise ``TimeoutError``.

The test runs gunicorn with 2 sync workers, sends it steady load from 8 clients, calls your
``graceful_reload`` in the middle, and counts failed requests: there must be none, the
master must still be running, and every worker must be new.

Rules: signal the master only (its workers are its business); do not SIGKILL anything.
``python code/06_gunicorn_and_concurrency/graceful_reload.py`` shows the same experiment.
"""

from __future__ import annotations


def workers_of(master_pid: int) -> list[int]:
    """The pids of ``master_pid``'s direct children, sorted."""
    raise NotImplementedError("exercise 6.4: list the master's children with psutil")


def graceful_reload(master_pid: int, timeout: float = 15.0) -> list[int]:
    """Reload gunicorn gracefully; return the new workers' pids once the old ones are gone."""
    raise NotImplementedError("exercise 6.4: signal the master, then wait for new workers")


if __name__ == "__main__":
    import sys

    new = graceful_reload(int(sys.argv[1]))
    print(f"reloaded: new workers {new}")
