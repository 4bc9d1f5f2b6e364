"""Graded tests for exercise 6.4: a graceful reload under load fails zero requests."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import psutil
import pytest

from course import load, servers

SLOW_APP = textwrap.dedent('''
    import os, time

    def app(environ, start_response):
        time.sleep(0.05)                      # 50 ms of "I/O" per request
        body = str(os.getpid()).encode()
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Content-Length", str(len(body)))])
        return [body]
''')

PARENT = textwrap.dedent('''
    import subprocess, sys, time
    kids = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(20)"])
            for _ in range(3)]
    print(" ".join(str(k.pid) for k in kids), flush=True)
    time.sleep(20)
''')


def test_workers_of_lists_the_children_of_a_pid(exercise):
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        kids = sorted(int(p) for p in parent.stdout.readline().split())
        got = exercise.workers_of(parent.pid)
        assert list(got) == kids, (f"workers_of({parent.pid}) should be its children {kids} "
                                   f"(sorted), got {got!r}")
    finally:
        for proc in psutil.Process(parent.pid).children():
            proc.kill()
        parent.kill()
        parent.wait()


# A "master" that ignores SIGHUP: its children never change, so a reload can never finish.
STUBBORN = textwrap.dedent('''
    import signal, subprocess, sys, time
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    kids = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(20)"])
            for _ in range(2)]
    print(" ".join(str(k.pid) for k in kids), flush=True)
    time.sleep(20)
''')


def test_graceful_reload_raises_timeout_error_when_nothing_changes(exercise):
    parent = subprocess.Popen([sys.executable, "-c", STUBBORN], stdout=subprocess.PIPE, text=True)
    try:
        parent.stdout.readline()                      # its two children are running
        started = time.monotonic()
        try:
            got = exercise.graceful_reload(parent.pid, timeout=1.0)
        except TimeoutError:
            took = time.monotonic() - started
            assert took < 5, (f"graceful_reload(pid, timeout=1.0) raised TimeoutError only after "
                              f"{took:.1f} s; stop waiting when the timeout has passed")
            return
        pytest.fail(
            f"the process {parent.pid} ignores SIGHUP, so its workers never change; "
            f"graceful_reload(pid, timeout=1.0) should raise TimeoutError after about a "
            f"second, but it returned {got!r} -- a deploy tool must not report a reload that "
            "did not happen", pytrace=False)
    finally:
        for proc in psutil.Process(parent.pid).children():
            proc.kill()
        parent.kill()
        parent.wait()


def _wait_for_workers(pid: int, n: int) -> list[int]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        kids = sorted(p.pid for p in psutil.Process(pid).children())
        if len(kids) == n:
            return kids
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not start {n} workers")


def test_graceful_reload_under_load_fails_no_request(exercise, tmp_path):
    (tmp_path / "slow_app.py").write_text(SLOW_APP)
    with servers.gunicorn("slow_app:app", chdir=tmp_path, workers=2) as server:
        old = _wait_for_workers(server.pid, 2)
        results: list[load.LoadResult] = []
        loader = threading.Thread(target=lambda: results.append(
            load.run(server.url + "/", concurrency=8, duration=3.0, timeout=10)))
        loader.start()
        time.sleep(1.0)
        try:
            new = exercise.graceful_reload(server.pid, timeout=15)
        finally:
            loader.join()
        result = results[0]
        assert server.alive, ("the gunicorn master exited: a reload must keep it running "
                              "(SIGHUP reloads; SIGTERM/SIGINT stop it)")
        assert result.failed == 0, (
            f"{result.failed} of {result.requests + result.errors} requests failed during the "
            f"reload (e.g. {result.error_samples[:2]}); a graceful reload fails none")
        assert result.requests > 20, f"only {result.requests} requests completed under load"
        assert new is not None and len(new) == 2, (
            f"graceful_reload should return the 2 new worker pids, got {new!r}")
        still_old = set(old) & set(new)
        assert not still_old, (f"graceful_reload returned {new}, but {sorted(still_old)} "
                               "were workers before the reload: wait until the old ones exit")
        now = sorted(p.pid for p in psutil.Process(server.pid).children())
        assert sorted(new) == now, (f"graceful_reload returned {new}, but the master's "
                                    f"workers are {now}")
