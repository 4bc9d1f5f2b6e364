"""Graded tests of exercise 11.5: your nginx config, run by a real nginx in front of
``code/11_streaming_and_long_lived/backend.py`` (under uvicorn)."""

from __future__ import annotations

import http.client
import json
import socket
import time
import zlib
from contextlib import ExitStack
from pathlib import Path

import pytest

from course import servers
from course.nginx import Nginx, NginxConfigError

CODE = Path(__file__).resolve().parents[2] / "code" / "11_streaming_and_long_lived"
REPORT = bytes(range(256)) * 40          # 10240 bytes
TOKEN = "letmein"                        # the backend's valid token


@pytest.fixture(scope="module")
def backend():
    with servers.script(CODE / "backend.py") as server:
        yield server


@pytest.fixture
def web(backend, exercise_file: Path, tmp_path: Path):
    (tmp_path / "report.pdf").write_bytes(REPORT)
    with ExitStack() as stack:
        nginx = Nginx(exercise_file.read_text(), ready_timeout=5,
                      backend=f"127.0.0.1:{backend.port}", files_dir=tmp_path)
        stack.callback(nginx.stop)
        try:
            nginx.start()
        except NginxConfigError as exc:
            pytest.fail(f"{exc}\n(in {exercise_file.name})", pytrace=False)
        except KeyError as exc:
            pytest.fail(f"{exercise_file.name}: {exc.args[0]} -- the placeholders are "
                        "{{port}}, {{backend}} and {{files_dir}}", pytrace=False)
        except servers.ServerError:
            pytest.fail(f"nginx accepted {exercise_file.name} but nothing listens on "
                        "127.0.0.1:{{port}}", pytrace=False)
        yield nginx


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def first_batch_of_events(port: int, path: str) -> tuple[dict, list[dict], bool]:
    """Read until the first complete SSE event: (headers, events in that read, stream ended)."""
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n"
               "Connection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(request)
        raw = b""
        while b"\r\n\r\n" not in raw:
            chunk = sock.recv(65536)
            if not chunk:
                pytest.fail(f"GET {path}: the connection closed before any response",
                            pytrace=False)
            raw += chunk
        head, raw = raw.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        assert lines[0].split()[1] == "200", f"GET {path}: expected 200, got {lines[0]!r}"
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        gzipped = headers.get("content-encoding") == "gzip"
        ended = False
        while True:
            text = decoder.decompress(raw) if gzipped else raw
            events = [block for block in text.split(b"\n\n") if b"data: " in block]
            if events or ended:
                break
            chunk = sock.recv(65536)
            ended = not chunk
            raw += chunk
    parsed = [json.loads(block.split(b"data: ", 1)[1].split(b"\n")[0]) for block in events]
    return headers, parsed, ended or b"0\r\n\r\n" in raw


def test_events_arrive_one_by_one(web):
    headers, events, ended = first_batch_of_events(web.port, "/events?count=2&every=3")
    assert headers.get("content-encoding") is None, (
        f"/events came back with Content-Encoding: {headers['content-encoding']} -- gzip "
        "collects the events in its buffer and sends them late, all at once; switch it off "
        "for /events (`gzip off;` in that location)")
    assert len(events) == 1 and not ended, (
        f"the first read brought {len(events)} events (stream ended: {ended}); the app sends "
        "them 3 s apart, so the first should arrive alone, as it is sent -- nginx held it back")


def test_a_slow_client_slows_the_app(web, backend):
    already = len(backend.output())
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", web.port))
        sock.sendall(b"GET /events?count=300&every=0&pad=100000 HTTP/1.1\r\n"
                     b"Host: 127.0.0.1\r\n\r\n")
        status_line = sock.recv(12)                 # b"HTTP/1.1 200": read almost nothing
        assert status_line.endswith(b" 200"), (
            f"GET /events through nginx: expected 200, got {status_line!r}")
        report = ""
        deadline = time.monotonic() + 30
        while not report and time.monotonic() < deadline:   # wait for the app's report
            for line in backend.output()[already:].splitlines():
                if "send waited" in line or "sent" in line:
                    report = line
            time.sleep(0.05)
    assert "send waited" in report, (
        f"a client reading nothing asked /events for 300 events of 100 kB; the app reported "
        f"{report or 'nothing'!r}. With proxy buffering on, nginx reads the whole stream ahead "
        "into memory and temporary files, and the app never feels the slow client -- "
        "`proxy_buffering off;` in the /events location")


def test_events_reach_the_app_over_http_1_1(web):
    _, events, _ = first_batch_of_events(web.port, "/events?count=1&every=0.01")
    assert events, "no event came through /events"
    assert events[0]["http_version"] == "1.1", (
        f"nginx spoke HTTP/{events[0]['http_version']} to the app; `proxy_http_version 1.1;` "
        "(with HTTP/1.0 the app cannot use chunked framing or keep the connection alive)")


def test_authorised_download_comes_from_disk(web):
    status, headers, body = get(web.port, f"/download/report.pdf?token={TOKEN}")
    assert status == 200 and body == REPORT, (
        f"GET /download/report.pdf?token={TOKEN}: expected 200 with the file's "
        f"{len(REPORT)} bytes from {{{{files_dir}}}}/report.pdf, got {status} with "
        f"{len(body)} bytes -- the app answers X-Accel-Redirect: /protected/report.pdf, and "
        "location /protected/ must map that to the file (alias {{files_dir}}/;)")
    assert headers.get("content-disposition") == 'attachment; filename="report.pdf"', (
        "the download did not go through the app (its Content-Disposition header is missing): "
        "/download/ must be proxied to {{backend}}, which checks the token")


def test_wrong_token_is_refused_by_the_app(web):
    status, _, body = get(web.port, "/download/report.pdf?token=guess")
    assert status == 403 and REPORT not in body, (
        f"GET /download/report.pdf?token=guess: expected the app's 403, got {status}")


def test_protected_is_internal(web):
    status, _, body = get(web.port, "/protected/report.pdf")
    assert status == 404 and body != REPORT, (
        f"GET /protected/report.pdf straight from a client: expected 404, got {status} -- "
        "anyone could skip the token check; mark the location `internal;`")


def test_resuming_a_download_gets_206(web):
    status, headers, body = get(web.port, f"/download/report.pdf?token={TOKEN}",
                                {"Range": "bytes=10000-"})
    assert status == 206 and body == REPORT[10000:], (
        f"Range: bytes=10000- on the download: expected 206 with the last {len(REPORT) - 10000} "
        f"bytes (nginx's static module answers ranges), got {status} with {len(body)} bytes")
    assert headers.get("content-range") == f"bytes 10000-{len(REPORT) - 1}/{len(REPORT)}", (
        f"expected Content-Range: bytes 10000-{len(REPORT) - 1}/{len(REPORT)}, got "
        f"{headers.get('content-range')!r}")
