"""Every chapter-04 script starts and does what its docstring promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import requests

from course import servers
from course.testing import raw_http

CODE = Path(__file__).resolve().parent.parent / "code" / "04_wsgi_server_from_scratch"


def test_ch04_server_py_serves_demo_app_and_refuses_smuggling():
    with servers.script(CODE / "server.py") as server:
        r = requests.get(server.url + "/hello?name=you", timeout=5)
        assert "Listening on http://127.0.0.1:" in server.output()
        assert r.status_code == 200 and "You asked for /hello" in r.text
        reply = raw_http(server.port, b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                                      b"Transfer-Encoding: chunked\r\n\r\n")
        assert reply.startswith(b"HTTP/1.1 400 ")


def test_ch04_apps_py_serves_the_suite_with_wsgiref():
    with servers.script(CODE / "apps.py") as server:
        r = requests.post(server.url + "/echo?x=1", data=b"hi", timeout=5)
        assert "wsgiref.simple_server" in server.output()
        assert r.json()["body"] == "hi" and r.json()["query"] == "x=1"
        assert requests.get(server.url + "/stream", timeout=5).text == "one\ntwo\nthree\n"
        assert requests.get(server.url + "/closed", timeout=5).text.isdigit()


def test_ch04_step1_minimal_works_for_curl_but_trusts_every_byte():
    with servers.script(CODE / "step1_minimal.py") as server:
        r = requests.get(server.url + "/hello?x=1", timeout=5)
        assert r.text == "Hello from step 1: GET /hello\n"
        reply = raw_http(server.port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                                      b"Transfer-Encoding: chunked\r\n\r\n", timeout=3)
        assert reply.startswith(b"HTTP/1.0 200"), "step 1 is meant to accept CL+TE (the flaw)"


def test_ch04_malformed_py_reports_every_case_against_our_server():
    with servers.script(CODE / "server.py", args=["--timeout", "0.5"]) as server:
        done = subprocess.run([sys.executable, str(CODE / "malformed.py"), "--port",
                               str(server.port), "--timeout", "3"],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "CL and TE together" in done.stdout
    assert "malformed requests answered as expected; a normal request still works" in done.stdout


def test_ch04_benchmark_runs_interleaved_and_prints_ratios_with_spreads():
    done = subprocess.run([sys.executable, str(CODE / "benchmark.py"), "--duration", "1",
                           "--runs", "2", "--warmup", "0", "--concurrency", "8"],
                          capture_output=True, text=True, timeout=120)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert re.search(r"^load generator: (wrk|course\.load)", out, re.M), (
        f"the first line must name the load tool:\n{out}")
    assert "2 interleaved round(s)" in out, out
    names = ["our server", "wsgiref", "gunicorn sync (1 worker)", "gunicorn gthread (1w x 8t)"]
    rounds = re.findall(r"^  round (\d)/2  (.+?)\s{2,}[\d,]+ req/s$", out, re.M)
    assert rounds == [(k, name) for k in "12" for name in names], (
        f"expected round 1 of all four servers, then round 2 of all four (interleaved):\n{out}")
    assert "req/s" in out and "min–max" in out and "p99 ms" in out, out
    for other in names[1:]:
        pattern = (re.escape(f"our server / {other} = ")
                   + r"[\d.]+× \(spread [\d.]+–[\d.]+ over 2 pairs(: no clear difference)?\)")
        assert re.search(pattern, out), f"no ratio with its spread for {other}:\n{out}"
