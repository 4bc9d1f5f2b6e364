"""Chapter 06 scripts do what their docstrings promise (each one is started for real)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import psutil
import pytest
import requests

from course import servers
from course.settings import ROOT

CODE = ROOT / "code" / "06_gunicorn_and_concurrency"


def run_script(name: str, *args: str, timeout: float = 60) -> str:
    proc = subprocess.run([sys.executable, str(CODE / name), *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _children(pid: int, n: int) -> list[int]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        kids = sorted(p.pid for p in psutil.Process(pid).children())
        if len(kids) == n:
            return kids
        time.sleep(0.1)
    return sorted(p.pid for p in psutil.Process(pid).children())


def test_ch06_blocking_app_serves_whoami_and_io_from_its_workers():
    with servers.script(CODE / "blocking_app.py", args=["--workers", "2"]) as server:
        assert "Listening on http://127.0.0.1:" in server.output()
        workers = _children(server.pid, 2)
        assert len(workers) == 2, f"expected 2 workers under the master, got {workers}"
        who = requests.get(server.url + "/whoami", timeout=5).text
        pid = int(re.search(r"pid=(\d+)", who).group(1))
        assert pid in workers and f"ppid={server.pid}" in who
        io = requests.get(server.url + "/io?ms=50", timeout=5)
        assert io.status_code == 200 and "waited_ms=50" in io.text
        assert requests.get(server.url + "/nope", timeout=5).status_code == 404
        server.send_signal(signal.SIGTTIN)
        assert len(_children(server.pid, 3)) == 3, "TTIN should add a worker"


def test_ch06_process_tree_shows_signals_changing_the_workers():
    out = run_script("process_tree.py", "--workers", "2")
    assert "with 2 workers" in out
    assert "after TTIN: 3 workers" in out and "after TTOU: 2 workers" in out
    assert "after HUP:  2 workers" in out and "all new" in out
    assert "master exited with code 0" in out


def test_ch06_timeout_demo_kills_sync_but_not_gthread():
    out = run_script("timeout_demo.py", "--timeout", "1", "--request-ms", "2500")
    sync = next(ln for ln in out.splitlines() if ln.strip().startswith("sync"))
    gthread = next(ln for ln in out.splitlines() if ln.strip().startswith("gthread"))
    assert "status=500" in sync and "WORKER TIMEOUT" in sync, out
    assert "status=200" in gthread and "no WORKER TIMEOUT" in gthread, out


def test_ch06_slow_client_pins_a_sync_worker_but_not_behind_nginx():
    out = run_script("slow_client.py", "--hold", "1.5")
    times = [float(t) for t in re.findall(r"a normal request took ([\d.]+) s", out)]
    assert len(times) == 2, out
    direct, proxied = times
    assert direct > 0.5, f"directly, the normal request should wait for the slow client:\n{out}"
    assert proxied < direct, f"through nginx it should not wait:\n{out}"
    assert out.count("HTTP/1.1 200 OK") == 2, out


def test_ch06_graceful_reload_fails_no_request():
    out = run_script("graceful_reload.py", "--duration", "2.5")
    assert "master alive: True" in out
    assert re.search(r"requests: [1-9]\d*\s+failed: 0\b", out), out
    before = re.search(r"workers before: \[([\d, ]+)\]", out).group(1)
    after = re.search(r"workers after: \[([\d, ]+)\]", out).group(1)
    assert not set(before.split(", ")) & set(after.split(", ")), out


@pytest.mark.slow
def test_ch06_blocking_benchmark_prints_the_table_with_model_and_ratio_columns(tmp_path):
    plot = tmp_path / "bench.png"
    out = run_script("blocking_benchmark.py", "--quick", "--duration", "1", "--runs", "1",
                     "--warmup", "0", "--concurrency", "8", "--plot", str(plot))
    assert "model rps" in out and "observed rps" in out and "observed/model" in out
    for name in ("sync 1w x 1t", "sync 2w x 1t", "gthread 1w x 4t"):
        assert re.search(rf"^{re.escape(name)}\s+\d+\s+\d+\s+[\d.]+\s+[\d.]+", out, re.M), out
    assert "×" in out and plot.exists()
