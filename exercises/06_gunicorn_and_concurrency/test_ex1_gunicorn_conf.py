"""Graded tests for exercise 6.1: gunicorn is started with your config file and probed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from course import servers

# A tiny app written next to the test run: it sleeps when asked and says which process and
# which thread answered, so the test can count workers and threads from the outside.
PROBE_APP = textwrap.dedent('''
    import os, threading, time
    from urllib.parse import parse_qs

    def app(environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        time.sleep(float(query.get("sleep", ["0"])[0]))
        body = f"{os.getpid()} {threading.get_ident()}".encode()
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Content-Length", str(len(body)))])
        return [body]
''')

EXPECTED = {
    "workers": "2",
    "worker_class": "gthread",
    "threads": "4",
    "timeout": "20",
    "graceful_timeout": "10",
    "keepalive": "5",
    "max_requests": "1000",
    "max_requests_jitter": "100",
    "accesslog": "-",
}
ACCESS_LINE = re.compile(r"^ACCESS method=GET path=/probe status=200 ms=\d+ pid=<\d+>$", re.M)


def _env(port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PORT"}  # PORT would mean 0.0.0.0
    env["COURSE_PORT"] = str(port)
    return env


def _write_probe_app(directory: Path) -> None:
    (directory / "probe_app.py").write_text(PROBE_APP)


def print_config(conf: Path, port: int, app_dir: Path) -> dict[str, str]:
    """What gunicorn itself makes of the file (``--print-config`` starts no server)."""
    proc = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", str(conf), "--print-config",
         "--chdir", str(app_dir), "probe_app:app"],
        capture_output=True, text=True, timeout=30, env=_env(port), cwd=app_dir)
    assert proc.returncode == 0, (
        f"gunicorn could not read {conf.name} (exit {proc.returncode}):\n"
        + (proc.stderr or proc.stdout)[-1500:])
    settings = {}
    for line in proc.stdout.splitlines():
        name, sep, value = line.partition("=")
        if sep:
            settings[name.strip()] = value.strip()
    return settings


def test_gunicorn_reads_the_settings_of_the_spec(exercise_file, tmp_path):
    _write_probe_app(tmp_path)
    port = servers.free_port()
    got = print_config(exercise_file, port, tmp_path)
    wrong = [f"{name} = {got.get(name)!r}, the spec says {want!r}"
             for name, want in EXPECTED.items() if got.get(name) != want]
    bind = got.get("bind")
    if bind != f"['127.0.0.1:{port}']":
        wrong.insert(0, f"bind = {bind}, the spec says ['127.0.0.1:{port}'] "
                        f"(127.0.0.1 and the port from $COURSE_PORT, which was {port})")
    assert not wrong, "gunicorn read these settings from your file:\n  " + "\n  ".join(wrong)
    fmt = got.get("access_log_format", "")
    for atom in ("%(m)s", "%(U)s", "%(s)s", "%(M)s", "%(p)s"):
        assert atom in fmt, (f"access_log_format should use the atom {atom}; "
                             f"it is {fmt!r}")


def test_gunicorn_started_with_this_file_binds_forks_threads_and_logs(exercise_file, tmp_path):
    _write_probe_app(tmp_path)
    port = servers.free_port()
    bind = print_config(exercise_file, port, tmp_path).get("bind")
    assert bind == f"['127.0.0.1:{port}']", (
        f"not starting gunicorn: bind is {bind}, the spec says 127.0.0.1 and $COURSE_PORT "
        f"(here {port})")
    argv = [sys.executable, "-m", "gunicorn", "-c", str(exercise_file),
            "--chdir", str(tmp_path), "probe_app:app"]
    with servers.start(argv, port=port, env=_env(port), name="gunicorn") as server:
        # workers: count the children of the gunicorn master (its pid), never by name
        deadline = time.monotonic() + 10
        while len(psutil.Process(server.pid).children()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.3)
        n_workers = len(psutil.Process(server.pid).children())
        assert n_workers == 2, f"expected 2 worker processes under the master, found {n_workers}"

        # threads: 16 requests at once that each take 0.4 s; no worker can run more at
        # once than it has threads, and at least one worker gets 8 of them.
        def fetch(_: int) -> str:
            with urllib.request.urlopen(server.url + "/work?sleep=0.4", timeout=20) as resp:
                return resp.read().decode()
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(fetch, range(16)))
        threads_by_pid: dict[str, set[str]] = {}
        for answer in answers:
            pid, thread = answer.split()
            threads_by_pid.setdefault(pid, set()).add(thread)
        most = max(len(t) for t in threads_by_pid.values())
        assert most == 4, (f"expected each worker to serve with 4 threads; the busiest worker "
                           f"used {most} (threads per worker pid: "
                           f"{ {p: len(t) for p, t in threads_by_pid.items()} })")

        # the access log, on standard output, in the spec's format
        with urllib.request.urlopen(server.url + "/probe?x=1", timeout=10) as resp:
            resp.read()
        deadline = time.monotonic() + 5
        while not ACCESS_LINE.search(server.output()) and time.monotonic() < deadline:
            time.sleep(0.1)
        lines = [ln for ln in server.output().splitlines() if "/probe" in ln]
        assert ACCESS_LINE.search(server.output()), (
            "expected an access-log line like 'ACCESS method=GET path=/probe status=200 ms=3 "
            f"pid=<12345>' on standard output; lines mentioning /probe: {lines[-3:]}")
