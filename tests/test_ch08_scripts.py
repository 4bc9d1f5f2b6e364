"""Chapter 08 scripts do what their docstrings promise (each started for real)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import requests

from course import servers
from course.grading import toc
from course.testing import raw_http

CODE = toc.ROOT / "code" / "08_asgi_messages"


def _wait_for(server, text: str, timeout: float = 5.0) -> str:
    deadline = time.monotonic() + timeout
    while text not in server.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    return server.output()


@pytest.mark.slow
def test_ch08_trace_messages_prints_both_directions():
    with servers.script(CODE / "trace_messages.py") as server:
        assert "Listening on http://127.0.0.1:" in _wait_for(server, "Listening on")
        assert requests.post(server.url + "/echo", data=b"ping", timeout=5).content == b"ping"
        out = _wait_for(server, "#1 return")
    assert "#0 receive  lifespan.startup" in out and "#0 send     lifespan.startup.complete" in out
    assert "#1 scope    http POST /echo" in out
    assert "#1 receive  http.request body=b'ping' more_body=False" in out
    assert "#1 send     http.response.start status=200" in out
    assert "#1 send     http.response.body body=b'ping'" in out
    assert "#0 send     lifespan.shutdown.complete" in server.output()


@pytest.mark.slow
def test_ch08_lifespan_workers_runs_startup_once_per_worker():
    with servers.script(CODE / "lifespan_workers.py", args=["--workers", "2"]) as server:
        out = _wait_for(server, "Listening on")
        deadline = time.monotonic() + 10
        while out.count("lifespan.startup:") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            out = server.output()
        answer = requests.get(server.url + "/", timeout=5).json()
    assert "Listening on http://127.0.0.1:" in out
    starts = [line for line in out.splitlines() if "lifespan.startup:" in line]
    assert len(starts) == 2 and len({line.split("]")[0] for line in starts}) == 2, starts
    assert answer["pid"] == answer["started_by"], answer
    assert server.output().count("lifespan.shutdown ->") == 2, server.output()


@pytest.mark.slow
def test_ch08_violations_answers_500_before_start_and_cuts_after():
    with servers.script(CODE / "violations.py") as server:
        def get(path: str) -> bytes:
            return raw_http(server.port, f"GET {path} HTTP/1.1\r\nHost: x\r\n"
                            "Connection: close\r\n\r\n".encode(), timeout=3)
        assert get("/ok").startswith(b"HTTP/1.1 200")
        assert get("/body-first").startswith(b"HTTP/1.1 500")
        assert get("/no-response").startswith(b"HTTP/1.1 500")
        unfinished = get("/unfinished")
        assert unfinished.startswith(b"HTTP/1.1 200") and not unfinished.endswith(b"0\r\n\r\n")
        assert get("/after-complete").endswith(b"0\r\n\r\n")
        out = _wait_for(server, "returned without completing")
    assert "Expected ASGI message 'http.response.start'" in out
    assert "returned without starting response" in out
    assert "returned without completing response" in out
    assert "after response already completed" in out


@pytest.mark.slow
def test_ch08_three_servers_table():
    result = subprocess.run([sys.executable, str(CODE / "three_servers.py")],
                            capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("uvicorn", "gunicorn -k asgi", "hypercorn"):
        row = [line for line in result.stdout.splitlines() if line.startswith(name + " ")]
        assert row and "all ok" in row[0], result.stdout


def test_ch08_app_suite_info_is_json():
    from course.asgi import call_asgi
    from course.modules import load_path
    suite = load_path(CODE / "app_suite.py", "course_app_suite")
    seen = call_asgi(suite.app, "GET", "/info").json()
    assert json.loads(json.dumps(seen))["method"] == "GET"
