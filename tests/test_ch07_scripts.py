"""Chapter 07's scripts do what their docstrings promise."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from course import servers

CODE = Path(__file__).resolve().parent.parent / "code" / "07_nginx_layer"


def get(url: str, headers: dict[str, str] | None = None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                timeout=10) as resp:
        return resp.status, dict(resp.headers), resp.read()


def test_backend_asgi_reports_itself_and_honours_trust():
    with servers.script(CODE / "backend_asgi.py", args=["--name", "b7"]) as app:
        assert "Listening on http://127.0.0.1:" in app.output()
        _, headers, body = get(app.url + "/hello?x=1",
                               {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
        seen = json.loads(body)
        assert (seen["backend"], seen["path"], seen["query"]) == ("b7", "/hello", "x=1")
        assert headers["x-backend"] == "b7"
        # 127.0.0.1 is trusted by default: uvicorn takes client and scheme from the headers
        assert seen["client"][0] == "203.0.113.7" and seen["scheme"] == "https"
    trusting_someone_else = ["--forwarded-allow-ips", "10.9.9.9"]
    with servers.script(CODE / "backend_asgi.py", args=trusting_someone_else) as app:
        seen = json.loads(get(app.url + "/", {"X-Forwarded-For": "203.0.113.7"})[2])
        assert seen["client"][0] == "127.0.0.1", "an untrusted peer's X-Forwarded-For is ignored"


def test_backend_wsgi_serves_json_and_files_under_gunicorn():
    with servers.script(CODE / "backend_wsgi.py", args=["--name", "w7"]) as app:
        _, _, body = get(app.url + "/hello", {"X-Forwarded-Proto": "https"})
        seen = json.loads(body)
        assert seen["backend"] == "w7" and seen["scheme"] == "https"
        assert seen["remote_addr"] == "127.0.0.1"
        status, headers, body = get(app.url + "/files/hello.txt")
        assert body == (CODE / "static" / "hello.txt").read_bytes()
        assert headers["Content-Type"].startswith("text/plain")
        _, _, body = get(app.url + "/big?mb=0.25")
        assert len(body) == 256 * 1024
        assert "Listening on http://127.0.0.1:" in app.output()


def test_balancer_goes_round_robin_and_counts_the_spread():
    with servers.script(CODE / "balancer.py", ready_timeout=30) as stack:
        names = [get(stack.url + "/")[1]["x-backend"] for _ in range(6)]
        assert names == ["b1", "b2", "b3", "b1", "b2", "b3"]
        status, headers, body = get(stack.url + "/static/hello.txt")
        assert body == (CODE / "static" / "hello.txt").read_bytes()
        assert headers["Server"] == "nginx"
        stack.stop()
        assert "requests per backend (7 logged): b1=2, b2=2, b3=2" in stack.output()
        assert "Listening on http://127.0.0.1:" in stack.output()


def test_balancer_ip_hash_sticks_to_one_backend():
    with servers.script(CODE / "balancer.py", args=["--method", "ip_hash"],
                        ready_timeout=30) as stack:
        names = {get(stack.url + "/")[1]["x-backend"] for _ in range(6)}
        assert len(names) == 1


@pytest.mark.slow
def test_failover_demo_prints_the_table():
    out = subprocess.run([sys.executable, str(CODE / "failover_demo.py"), "--duration", "1",
                          "--concurrency", "4"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    rows = {line[:34].strip(): line[34:].split() for line in out.stdout.splitlines()}
    for label in ("no retry, max_fails=0", "no retry, max_fails=1", "retry, max_fails=1"):
        assert label in rows, out.stdout
    assert rows["retry, max_fails=1"][1] == "0", f"retries should lose nothing:\n{out.stdout}"


@pytest.mark.slow
def test_static_bench_prints_the_table_with_ratios():
    out = subprocess.run([sys.executable, str(CODE / "static_bench.py"), "--duration", "1",
                          "--concurrency", "4"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "x nginx" in out.stdout and "load by" in out.stdout
    for label in ("nginx static", "nginx -> gunicorn", "gunicorn direct"):
        assert label in out.stdout, out.stdout
