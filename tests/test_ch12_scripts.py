"""Chapter 12 scripts do what their docstrings promise (each started for real)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import httpx
import pytest

from course.asgi import call_asgi, call_lifespan
from course.grading import toc
from course.modules import load_path
from course.testing import call_wsgi

CODE = toc.ROOT / "code" / "12_bridges_and_frameworks"
IN_CI = os.environ.get("CI") == "true"


def run_script(name: str, *args: str, timeout: float = 120) -> str:
    result = subprocess.run([sys.executable, str(CODE / name), *args], capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def rows_of(output: str) -> dict[str, str]:
    """Table rows keyed by their first column (names may contain one space)."""
    rows = {}
    for line in output.splitlines():
        match = re.match(r"(\S+(?: \S+)?(?: \S+)?)\s{2,}|(\S+(?: \S+)?)\s", line)
        if match:
            rows[(match.group(1) or match.group(2)).strip()] = line
    return rows


# ------------------------------------------------------------------ table_apps (a module)

def test_ch12_table_apps_answer_in_process():
    apps = load_path(CODE / "table_apps.py")
    sent, _ = call_lifespan(apps.asgi_app)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete",
                                         "lifespan.shutdown.complete"]
    seen = call_asgi(apps.asgi_app, "GET", "/").json()
    assert seen["interface"] == "asgi" and seen["lifespan"] is True, seen
    streamed = call_asgi(apps.asgi_app, "GET", "/stream")   # no flag: gives up at once
    assert streamed.body == b"first\ngave up\n" and len(streamed.chunks) >= 2
    wsgi = call_wsgi(apps.wsgi_app, path="/")
    assert json.loads(wsgi.body)["interface"] == "wsgi"


# ------------------------------------------------------------------ servers_table.py

@pytest.fixture(scope="module")
def table() -> list[dict]:
    output = run_script("servers_table.py", "--json", timeout=300)
    return json.loads(output.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.xdist_group("ch12_servers_table")  # one run of the table, shared
def test_ch12_servers_table_asgi_rows(table):
    rows = {row["server"]: row for row in table}
    for name in ("uvicorn", "gunicorn -k asgi", "gunicorn -k uvicorn_worker", "hypercorn",
                 "daphne", "granian asgi"):
        row = rows[name]
        assert row["starts"] == "yes" and row["serves"] == "yes", row
        assert row["streams"] == "yes" and row["WebSockets"] == "yes", row
    assert rows["uvicorn"]["lifespan"] == "yes" and rows["hypercorn"]["HTTP/2"] == "yes"
    assert rows["daphne"]["lifespan"] == "no", "daphne 4 does not run the lifespan protocol"
    assert rows["uvicorn"]["HTTP/2"] == "no", "uvicorn speaks HTTP/1.1 only"


@pytest.mark.slow
@pytest.mark.xdist_group("ch12_servers_table")  # one run of the table, shared
def test_ch12_servers_table_wsgi_rows(table):
    rows = {row["server"]: row for row in table}
    for name in ("gunicorn sync", "gunicorn gthread", "waitress", "granian wsgi"):
        row = rows[name]
        assert row["serves"] == "yes" and row["streams"] == "yes", row
        assert row["WebSockets"].startswith("no"), row
        assert row["spec"].startswith("PEP 3333"), row


@pytest.mark.slow
@pytest.mark.xdist_group("ch12_servers_table")  # one run of the table, shared
def test_ch12_servers_table_mod_wsgi_row(table):
    row = {row["server"]: row for row in table}["mod_wsgi"]
    if not (shutil.which("apxs") or shutil.which("apachectl")):
        assert not IN_CI, "CI must install apache2 and apache2-dev (.ci/run)"
        pytest.skip("Apache is not installed here (apt-get install apache2 apache2-dev): "
                    "the mod_wsgi row cannot run")
    if row.get("note"):
        assert not IN_CI, f"CI must be able to run mod_wsgi: {row['note']}"
        pytest.skip(f"mod_wsgi: {row['note']}")
    assert row["starts"] == "yes" and row["serves"] == "yes", row
    assert row["streams"] == "yes", row
    assert row["seen"]["server_software"].startswith("Apache"), row["seen"]


# ------------------------------------------------------------------ one-shot scripts

def test_ch12_adapters_compares_asgiref_and_a2wsgi():
    out = run_script("adapters.py")
    rows = rows_of(out)
    asgiref, a2wsgi = rows["asgiref WsgiToAsgi"].split(), rows["a2wsgi WSGIMiddleware"].split()
    # columns after the name: seconds, threads, body-at-call, "msgs", streams, close()
    assert asgiref[3] == "1" and asgiref[4] == "3/3", out     # one thread, body buffered
    assert a2wsgi[3] == "8" and a2wsgi[4] == "0/3", out       # a pool, body pulled lazily
    assert float(asgiref[2]) > 3 * float(a2wsgi[2]), out
    assert asgiref[6] == "yes" and a2wsgi[6] == "yes", out    # both stream
    assert asgiref[7] == "0" and a2wsgi[7] == "1", out        # close() calls
    assert "asgiref WsgiToAsgi: websocket scope -> raises ValueError" in out
    assert "a2wsgi WSGIMiddleware: websocket scope -> websocket.close 1000" in out


def test_ch12_middleware_pure_vs_base_http_middleware():
    out = run_script("middleware.py")
    pure = [line for line in out.splitlines() if line.startswith("pure ASGI")][0]
    base = [line for line in out.splitlines() if line.startswith("BaseHTTPMiddleware")][0]
    assert "user=alice" in pure and "user=(unset)" in base, out
    assert pure.split()[3] == "yes" and base.split()[1] == "yes", out   # both stream


@pytest.mark.slow
def test_ch12_django_site_under_both_servers():
    out = run_script("django_site.py", timeout=180)
    assert "uvicorn (ASGI): one /async/ request ran in ['middleware: ThreadPool" in out, out
    assert "async view: MainThread" in out, out
    for line in out.splitlines():
        if line.startswith("uvicorn (ASGI)") and "/stream-sync/" in line:
            first, total = map(float, line.split()[-2:])
            assert first > 0.8 * total, f"a sync iterator is buffered under ASGI: {line}"
        if line.startswith("uvicorn (ASGI)") and "/stream-async/" in line:
            first, total = map(float, line.split()[-2:])
            assert first < 0.5 * total, f"an async iterator streams under ASGI: {line}"


@pytest.mark.slow
def test_ch12_fastapi_threads_41st_waits():
    out = run_script("fastapi_threads.py")
    default, sized = out.strip().splitlines()
    assert "tokens=40" in default and "peak threads=40 " in default, out
    assert "tokens=100" in sized and "peak threads=41 " in sized, out


@pytest.mark.slow
def test_ch12_flask_async_holds_the_worker():
    out = run_script("flask_async.py")
    assert "worker thread(s) that waited: ['MainThread']" in out, out
    views = re.search(r"event loop: \[(.*)\]", out).group(1)
    assert views.count("ThreadPoolExecutor") == 4, out
    seconds = float(re.search(r"took ([\d.]+) s", out).group(1))
    assert seconds >= 4 * 0.5 * 0.9, f"one sync worker runs them one by one: {out}"


@pytest.mark.slow
def test_ch12_asgi_under_wsgi_loses_lifespan_and_websocket():
    out = run_script("asgi_under_wsgi.py")
    assert "lifespan startup ran: False" in out, out
    assert "WebSocket handshake: refused" in out, out
    sync = float(re.search(r"sync, 1 worker: .* took ([\d.]+) s", out).group(1))
    gthread = float(re.search(r"gthread, 4 threads: .* took ([\d.]+) s", out).group(1))
    assert sync > 2 * gthread, out


def test_ch12_read_source_shows_numbered_lines():
    import asgiref.wsgi
    read_source = load_path(CODE / "read_source.py")
    text = read_source.show(asgiref.wsgi.WsgiToAsgiInstance.run_wsgi_app, "sync_to_async")
    assert text.startswith("asgiref/wsgi.py (WsgiToAsgiInstance.run_wsgi_app)"), text
    assert re.search(r"^\s*\d+: .*sync_to_async", text, re.M), text
    missing = read_source.show(asgiref.wsgi.WsgiToAsgi.__init__, "no such text")
    assert "this version may differ" in missing


def test_ch12_flask_under_uvicorn_serves_pages_and_websockets():
    from websockets.sync.client import connect

    from course import servers

    with servers.script(CODE / "flask_under_uvicorn.py") as server:
        page = httpx.get(server.url + "/", timeout=10).json()
        with httpx.stream("GET", server.url + "/stream", timeout=10) as response:
            lines = [line for line in response.iter_lines() if line]
        with connect(f"ws://127.0.0.1:{server.port}/ws", open_timeout=5) as ws:
            ws.send("hello")
            echoed = ws.recv(timeout=5)
    assert page["framework"] == "flask" and page["thread"].startswith("WSGI"), page
    assert page["echo_app_started"] is True, "lifespan reached the ASGI app"
    assert lines == ["line 1", "line 2", "line 3"], lines
    assert echoed == "hello"
