"""Chapter 11 scripts do what their docstrings promise (each started for real)."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests

from course import servers
from course.grading import toc
from course.modules import load_path

CODE = toc.ROOT / "code" / "11_streaming_and_long_lived"


def wait_for_line(server, text: str, timeout: float = 10.0) -> str:
    """Wait until the server has printed ``text`` (readiness by output, not by sleeping)."""
    deadline = time.monotonic() + timeout
    while text not in server.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    return server.output()


def sse_blocks(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if block.strip()]


@pytest.mark.slow
def test_ch11_backend_events_downloads_uploads():
    with servers.script(CODE / "backend.py") as server:
        assert "Listening on http://127.0.0.1:" in server.output()
        reply = requests.get(server.url + "/events?count=3&every=0.01&accel=no", timeout=5)
        assert reply.headers["content-type"] == "text/event-stream"
        assert reply.headers["x-accel-buffering"] == "no"
        blocks = sse_blocks(reply.text)
        assert [b.split("\n")[0] for b in blocks] == ["id: 1", "id: 2", "id: 3"], blocks
        assert json.loads(blocks[0].split("data: ")[1])["http_version"] == "1.1"
        beats = requests.get(server.url + "/events?count=2&every=0.3&heartbeat=0.05", timeout=5)
        assert ": heartbeat" in beats.text, beats.text
        download = requests.get(server.url + "/download/report.pdf?token=letmein", timeout=5)
        assert download.status_code == 200 and download.content == b""
        assert download.headers["x-accel-redirect"] == "/protected/report.pdf"
        assert requests.get(server.url + "/download/report.pdf?token=no",
                            timeout=5).status_code == 403
        assert requests.get(server.url + "/download/..secret", timeout=5).status_code == 404
        chunks = (bytes(1000) for _ in range(50))          # a generator: sent chunked
        upload = requests.post(server.url + "/upload", data=chunks, timeout=5).json()
        assert upload["bytes"] == 50_000 and upload["http_request_events"] >= 1, upload
        assert requests.get(server.url + "/extensions", timeout=5).json()["spec_version"]


@pytest.mark.slow
def test_ch11_sse_server_resumes_and_ends_with_204():
    with servers.script(CODE / "sse_server.py") as server:
        first = requests.get(server.url + "/events?count=5&every=0.01", timeout=5)
        assert first.text.startswith("retry: 500\n\n"), first.text[:40]
        ids = [b.split("\n")[0] for b in sse_blocks(first.text)[1:]]
        assert ids == ["id: 1", "id: 2", "id: 3"], ids                # dropped after 3
        resumed = requests.get(server.url + "/events?count=5&every=0.01", timeout=5,
                               headers={"Last-Event-ID": "3"})
        ids = [b.split("\n")[0] for b in sse_blocks(resumed.text)[1:]]
        assert ids == ["id: 4", "id: 5"], ids
        done = requests.get(server.url + "/events?count=5", headers={"Last-Event-ID": "5"},
                            timeout=5)
        assert done.status_code == 204
        page = requests.get(server.url + "/", timeout=5)
        assert "new EventSource" in page.text
        out = server.output()
    assert "stream #2 opened: Last-Event-ID 3, sending from 4" in out, out
    assert "stream #1: server drops the connection after id 3" in out, out


@pytest.mark.slow
def test_ch11_starlette_generator_is_closed_on_disconnect():
    with servers.script(CODE / "sse_starlette.py") as server:
        with requests.get(server.url + "/events?every=0.05", stream=True, timeout=5) as reply:
            lines = []
            for line in reply.iter_lines():
                lines.append(line)
                if len(lines) == 6:
                    break
        assert lines[:2] == [b"id: 1", b"data: tick 1"], lines
        out = wait_for_line(server, "generator closed after")
    assert "(cleanup ran)" in out, out


@pytest.mark.slow
def test_ch11_wsgi_stream_holds_a_thread_per_stream():
    with servers.script(CODE / "wsgi_stream.py", args=["--threads", "2"]) as server:
        assert "gthread: 1 worker(s) x 2 threads" in server.output()
        clients = []
        for _ in range(3):
            client = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            client.sendall(b"GET /events?count=3&every=0.2 HTTP/1.1\r\nHost: x\r\n\r\n")
            clients.append(client)
        out = wait_for_line(server, "stream #3 started")
        first_close = out.index("closed after 3 events (all sent)")
        assert first_close < out.index("stream #3 started"), (
            f"with two threads, the third stream must wait until one of the first two ends:\n{out}")
        for client in clients:
            client.close()
        hangup = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        hangup.sendall(b"GET /events?count=100&every=0.05 HTTP/1.1\r\nHost: x\r\n\r\n")
        hangup.recv(4096)
        hangup.close()
        out = wait_for_line(server, "(client gone)")
    assert "(client gone)" in out, out


@pytest.mark.slow
def test_ch11_backpressure_naive_piles_up_bounded_waits():
    module = load_path(CODE / "backpressure.py")
    with servers.script(CODE / "backpressure.py") as server:
        for route in ("naive", "bounded"):
            client = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            client.sendall(f"GET /{route}?mb=20 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:       # wait until the producer is stuck or done
                stats = requests.get(server.url + "/stats", timeout=5).json()
                if stats["route"] == f"/{route}" and (
                        stats["producer_waiting"] or stats["produced"] == stats["chunks"]):
                    break
                time.sleep(0.05)
            client.close()
            if route == "naive":
                assert stats["produced"] == stats["chunks"] > stats["sent"], stats
            else:
                assert stats["producer_waiting"], stats
                assert stats["produced"] - stats["sent"] <= module.QUEUE_SIZE + 1, stats
            assert "rss_mb" in stats


@pytest.mark.slow
def test_ch11_three_ways_deliver_the_same_updates():
    module = load_path(CODE / "three_ways.py")
    with servers.script(CODE / "three_ways.py", args=["--every", "0.05"]) as server:
        results = module.measure(server.port, updates=5)
    by_way = {r.way: r for r in results}
    assert [r.updates for r in results] == [5, 5, 5]
    assert by_way["SSE"].requests == by_way["WebSocket"].requests == 1
    assert by_way["long polling"].requests >= 1
    assert all(r.bytes_down > 0 for r in results)
    assert module.HEADER.split()[0] == "way" and results[0].row()


@pytest.mark.slow
def test_ch11_nginx_buffering_rows():
    module = load_path(CODE / "nginx_buffering.py")
    rows = [row for row in module.ROWS if row.name in ("defaults", "http 1.0", "gzip")]
    results = {r.row: r for r in module.measure(rows, events=3, every=0.05)}
    assert all(len(r.times) == 3 for r in results.values()), results
    assert results["http 1.0"].http_version == "1.0"
    assert results["gzip"].headers.get("content-encoding") == "gzip"
    assert "content-encoding" not in results["defaults"].headers
    table = module.format_table(list(results.values()), events=3)
    assert "gzip" in table and "HTTP/1.0" in table
    slow = module.measure_slow_reader(["defaults", "buffering off"])
    assert slow["defaults"] == "all 300 sent", slow          # nginx swallowed it all
    assert slow["buffering off"].startswith("send waited at event"), slow
