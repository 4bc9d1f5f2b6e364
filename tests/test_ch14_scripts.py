"""Chapter 14's scripts do what their docstrings promise (counts, never speeds)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

CODE = Path(__file__).resolve().parent.parent / "code" / "14_deployment"
sys.path.insert(0, str(CODE))


def run_script(name: str, *args: str, timeout: float = 120) -> str:
    out = subprocess.run([sys.executable, str(CODE / name), *args], capture_output=True,
                         text=True, timeout=timeout)
    assert out.returncode == 0, f"{name} failed:\n{out.stdout}\n{out.stderr}"
    return out.stdout


def table_rows(output: str) -> dict[str, tuple[int, int, int]]:
    rows = {}
    for line in output.splitlines():
        match = re.match(r"^(\S.{33})\s+(\d+)\s+(\d+)\s+(\d+)\s", line)
        if match:
            rows[match.group(1).strip()] = tuple(int(g) for g in match.groups()[1:])
    return rows


@pytest.mark.slow
def test_reload_under_load_loses_nothing_where_promised():
    output = run_script("reload_under_load.py", "--duration", "1.2", "--websocket")
    rows = table_rows(output)
    for change in ("nginx -s reload", "gunicorn HUP", "uvicorn --workers 2 HUP",
                   "blue-green switch (nginx reload)"):
        requests, failed, _ = rows[change]
        assert requests > 20 and failed == 0, f"{change}: {rows[change]}\n{output}"
    requests, failed, _ = rows["uvicorn (one process) HUP"]
    assert failed > 0, f"a single uvicorn dies on SIGHUP: its requests must fail\n{output}"
    assert "killed by signal 1" in output and "exit status 129" in output
    answers = re.search(r"answers: (.*)", output)
    assert answers and "blue (asgi)" in answers.group(1) and "green (asgi)" in answers.group(1)
    assert "echo after the reload began: '" in output
    assert re.search(r"closed by nginx [\d.]+ s after the reload", output), output


@pytest.mark.slow
def test_cache_demo_sequence_lock_and_private_answers():
    output = run_script("cache_demo.py", "--clients", "6")
    statuses = re.findall(r"^   (MISS|HIT|STALE|UPDATING|EXPIRED)\s+app calls so far: (\d+)",
                          output, re.M)
    sequence = [status for status, _ in statuses]
    assert sequence[:3] == ["MISS", "HIT", "STALE"] and sequence[-1] == "HIT", output
    assert [int(calls) for _, calls in statuses[:2]] == [1, 1], "a HIT must not call the app"
    locked = re.search(r"lock on:\s+app called (\d+) time", output)
    unlocked = re.search(r"lock off: app called (\d+) time", output)
    assert locked and int(locked.group(1)) == 1, output
    assert unlocked and int(unlocked.group(1)) > 1, output
    assert output.count("app called 2 of 2") == 3, output


@pytest.mark.slow
def test_slowloris_stalls_gunicorn_but_not_nginx():
    output = run_script("slowloris.py", "--wait", "1.5")
    assert "direct to gunicorn:  no answer within 1.5 s" in output, output
    assert "through nginx:       answered 'HTTP/1.1 200 OK'" in output, output


@pytest.mark.slow
def test_scale_out_fails_over_retries_only_gets_and_sticks():
    output = run_script("scale_out.py")
    killed = re.search(r"killed 0\.7 s into \d+ requests: (\d+) failed", output)
    assert killed, output
    # a request nginx had not begun to answer is retried; one whose answer the host had
    # begun when it died cannot be (the script counts those from nginx's error log)
    cut = re.search(r"(\d+) answer\(s\) cut mid-way", output)
    assert int(killed.group(1)) == (int(cut.group(1)) if cut else 0), output
    assert "GET statuses [200, 200, 200]" in output, output
    assert re.search(r"POST statuses \[.*504.*\]", output), output
    for pids in re.findall(r"^   from \S+: (.*)$", output, re.M):
        assert len(set(pids.split())) == 1, f"a client address moved between hosts:\n{output}"
    assert output.count("/ready -> 200") == 3


def test_log_percentiles_reads_the_stacks_log():
    output = run_script("log_percentiles.py", "--demo")
    assert re.search(r"^\d+ requests, \d+ answered without the app", output, re.M), output
    assert re.search(r"^request_time\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+$", output, re.M)
    assert re.search(r"^upstream_response_time\s+[\d.]+", output, re.M)


def test_log_percentiles_adds_up_retries_and_skips_cache_hits():
    from log_percentiles import percentile, summarize, upstream_seconds
    assert upstream_seconds("0.001, 0.003") == pytest.approx(0.004)
    assert upstream_seconds("") is None and upstream_seconds("-") is None
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    lines = ['{"request_time": 0.5, "upstream_response_time": "0.4"}',
             '{"request_time": 0.01, "upstream_response_time": ""}']
    table = summarize(lines)
    assert table["requests"] == 2 and table["not_upstream"] == 1


def test_https_load_counts_failures_and_runs_the_action():
    from https_load import run_during
    from stack import Stack
    with Stack(quiet=True) as stack:
        assert stack.wsgi is not None
        healthy = run_during([stack.https_url + "/"], None, stack.ssl_context(),
                             concurrency=2, duration=0.5)
        assert healthy.ok > 0 and healthy.failed == 0
        assert healthy.bodies["hello from blue (wsgi)"] == healthy.ok
        broken = run_during([stack.https_url + "/"], stack.wsgi.stop, stack.ssl_context(),
                            concurrency=2, duration=1.0, at=0.3)
        assert not stack.wsgi.alive, "the action (stopping gunicorn) ran"
        assert broken.failed > 0 and broken.statuses[502] > 0, broken
        assert any("502" in sample for sample in broken.samples)
