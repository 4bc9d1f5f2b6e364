"""Chapter 02 scripts do what their docstrings promise (each one is started for real)."""

from __future__ import annotations

import json
import subprocess
import sys

import requests

from course import servers
from course.settings import ROOT

CODE = ROOT / "code" / "02_http_on_the_wire"


def raw_client(port: int, request: str, *extra: str) -> str:
    proc = subprocess.run([sys.executable, str(CODE / "raw_client.py"), "--port", str(port),
                           "--timeout", "0.5", *extra, request],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_ch02_one_request_server_prints_the_request_and_closes():
    with servers.script(CODE / "one_request_server.py") as server:
        reply = requests.post(server.url + "/form", data=b"name=ada", timeout=5)
        assert reply.status_code == 200 and reply.text.startswith("you sent ")
        assert reply.headers["Connection"] == "close"
        out = raw_client(server.port, r"GET /raw HTTP/1.1\r\nHost: x\r\n\r\n")
        assert "b'HTTP/1.1 200 OK\\r\\n'" in out and "b'Connection: close\\r\\n'" in out
        log = server.output()
    assert "Listening on http://127.0.0.1:" in log
    assert "POST /form HTTP/1.1\\r\\n" in log and "name=ada" in log


def test_ch02_one_request_server_once_exits_after_one_request():
    port = servers.free_port()
    proc = subprocess.Popen([sys.executable, str(CODE / "one_request_server.py"), "--port",
                             str(port), "--once"], stdout=subprocess.PIPE, text=True)
    try:
        assert "Listening on" in proc.stdout.readline()
        out = raw_client(port, r"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert "you sent 27 bytes" in out
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()


def test_ch02_raw_client_shows_pipelined_replies_from_uvicorn():
    with servers.script(CODE / "wire_echo.py") as server:
        out = raw_client(server.port, r"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                                      r"GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        assert out.count("b'HTTP/1.1 200 OK\\r\\n'") == 2, out
        assert "GET /a HTTP/1.1" in out and "GET /b HTTP/1.1" in out
        out = raw_client(server.port, r"POST / HTTP/1.1\r\nHost: x\r\n"
                                      r"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                         "--split", "7")
        assert "-- body: 5 bytes" in out and "b'hello'" in out, out
        reply = requests.get(server.url + "/x", headers={"X-A": "1"}, timeout=5)
        assert "x-a: 1" in reply.text


def test_ch02_keepalive_demo_counts_connections():
    with servers.script(CODE / "keepalive_demo.py") as server:
        fresh = [requests.get(server.url, timeout=5).json()["connection"] for _ in range(3)]
        assert len(set(fresh)) == 3, f"requests.get opens a connection per call: {fresh}"
        with requests.Session() as session:
            reused = [session.get(server.url, timeout=5).json() for _ in range(3)]
        assert len({r["connection"] for r in reused}) == 1, reused
        assert [r["request_on_connection"] for r in reused] == [1, 2, 3]
        stats = json.loads(requests.get(server.url + "/stats", timeout=5).text)
        assert stats["requests"] == 7
