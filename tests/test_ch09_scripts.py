"""Chapter 09 scripts do what their docstrings promise."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from course import bench, load, servers
from course.modules import load_path
from course.testing import raw_http

CODE = Path(__file__).resolve().parent.parent / "code" / "09_asgi_server_from_scratch"


def fetch(url: str, data: bytes | None = None) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=5) as resp:
        return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()


def test_ch09_hand_parser_py_demo_parses_and_rejects():
    out = subprocess.run([sys.executable, str(CODE / "hand_parser.py")], capture_output=True,
                         text=True, timeout=30, check=True).stdout
    assert "['POST /echo', b'hello', END]" in out, out
    for status in ("400", "431", "505"):
        assert re.search(rf"^{status} ", out, re.M), f"expected a {status} line:\n{out}"


@pytest.mark.parametrize("args", [[], ["--parser", "hand", "--loop", "uvloop"]],
                         ids=["h11", "hand-uvloop"])
def test_ch09_asgi_server_py_serves_the_demo_app_of_apps_py(args):
    with servers.script(CODE / "asgi_server.py", args=args) as srv:
        assert f"Listening on http://127.0.0.1:{srv.port}" in srv.output()
        status, headers, body = fetch(srv.url + "/")
        assert (status, body) == (200, b"Hello, world!\n") and headers["content-length"] == "14"
        status, headers, body = fetch(srv.url + "/stream")
        assert headers.get("transfer-encoding") == "chunked" and body.count(b"chunk") == 5
        assert fetch(srv.url + "/echo", b"some body")[2] == b"some body"
        assert b'"type": "http"' in fetch(srv.url + "/scope")[2]
        assert raw_http(srv.port, b"GARBAGE\r\n\r\n").startswith(b"HTTP/1.1 400")
        assert fetch(srv.url + "/")[0] == 200
        code = srv.stop()
    assert code == 0 and "Stopped." in srv.output(), srv.output()


def test_ch09_apps_py_runs_under_uvicorn_too():
    with servers.uvicorn("apps:demo", app_dir=CODE) as srv:
        assert fetch(srv.url + "/echo", b"abc")[2] == b"abc"
        assert fetch(srv.url + "/stream")[2].count(b"chunk") == 5


@pytest.mark.slow
def test_ch09_benchmark_py_runs_interleaved_and_prints_ratios_with_spreads():
    names = ["ours (h11, asyncio)", "ours (hand parser, uvloop)", "uvicorn (h11, asyncio)",
             "uvicorn (httptools, uvloop)"]
    out = subprocess.run(
        [sys.executable, str(CODE / "benchmark.py"), "--duration", "1", "--runs", "2",
         "--warmup", "0", "--concurrency", "10", "--only", *names],
        capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr + out.stdout
    text = out.stdout
    assert re.search(r"^load generator: (wrk|course\.load)", text, re.M), text
    assert "req/s" in text and "min–max" in text and "p99 ms" in text, text
    rounds = re.findall(r"^  round (\d)/2  (.+?)\s{2,}[\d,]+ req/s$", text, re.M)
    assert rounds == [(k, name) for k in "12" for name in names], (
        f"expected round 1 of every contender, then round 2 of every one (interleaved):\n{text}")
    spread = r" = [\d.]+× \(spread [\d.]+–[\d.]+ over 2 pairs(: no clear difference)?\)"
    for subject, other in [(names[0], names[2]), (names[1], names[3]), (names[3], names[2])]:
        assert re.search(re.escape(f"{subject} / {other}") + spread, text), (
            f"no ratio with its spread for {subject} / {other}:\n{text}")
    assert "ours (hand parser, asyncio)" not in text, "--only must leave the others out"


def fake_measurement(name: str, *rps: float):
    runs = [load.LoadResult(tool="fake", requests=int(r), errors=0, duration=1.0) for r in rps]
    return bench.Measurement(name, runs)


def test_ch09_benchmark_report_prints_each_pair_once_with_what_it_isolates():
    benchmark = load_path(CODE / "benchmark.py", "ch09_benchmark", reuse=False)
    results = [fake_measurement(name, 100, 110, 90) for name in benchmark.CONTENDERS]
    text = benchmark.report(results)
    for subject, other, meaning in benchmark.PAIRS:
        assert text.count(f"{subject} / {other} = ") == 1, text
        assert meaning in text, text
    assert text.count(" / ") == len(benchmark.PAIRS), "only the pairs of PAIRS are printed"
    some = [m for m in results if m.name in (benchmark.OURS_H11, benchmark.UVICORN_H11)]
    assert benchmark.report(some).count(" / ") == 1, "pairs with a contender left out are skipped"
