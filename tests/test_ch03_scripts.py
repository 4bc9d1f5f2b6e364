"""Chapter 03 scripts do what their docstrings promise, under wsgiref and under gunicorn."""

from __future__ import annotations

import os
import socket
import time

import pytest
import requests

from course import servers
from course.settings import ROOT
from course.testing import raw_http

CODE = ROOT / "code" / "03_wsgi_callables"


def test_ch03_hello_py_under_wsgiref():
    with servers.script(CODE / "hello.py") as server:
        reply = requests.get(server.url + "/", timeout=5)
        assert "Listening on http://127.0.0.1:" in server.output()
    assert reply.status_code == 200 and reply.text == "Hello, World!\n"
    assert reply.headers["Content-Length"] == "14"
    assert reply.headers["Server"].startswith("WSGIServer/")


@pytest.mark.skipif(os.name != "posix", reason="gunicorn is POSIX-only")
@pytest.mark.parametrize("module", ["hello", "echo", "streaming", "download"])
def test_ch03_scripts_run_under_real_gunicorn(module):
    with servers.gunicorn(f"{module}:app", chdir=CODE) as server:
        reply = requests.get(server.url + "/", timeout=10)
    assert reply.status_code == 200, reply.text
    assert reply.headers["Server"].startswith("gunicorn")


def test_ch03_echo_py_shows_native_strings_and_body():
    with servers.script(CODE / "echo.py") as server:
        reply = requests.post(server.url + "/caf%C3%A9?x=1", data=b"name=ada", timeout=5)
    text = reply.text
    assert "PATH_INFO as the native str : '/cafÃ©'" in text
    assert "PATH_INFO as text (UTF-8)   : '/café'" in text
    assert "CONTENT_LENGTH = '8'" in text and "body (8 bytes): b'name=ada'" in text
    assert "wsgi.version = (1, 0)" in text
    assert "HOME =" not in text and "PATH = " not in text, "os.environ must not be echoed"


@pytest.mark.skipif(os.name != "posix", reason="gunicorn is POSIX-only")
def test_ch03_echo_py_reads_a_chunked_upload_under_gunicorn():
    with servers.gunicorn("echo:app", chdir=CODE) as server:
        reply = requests.post(server.url + "/form", data=iter([b"name=", b"ada"]), timeout=10)
    text = reply.text
    assert "CONTENT_LENGTH" not in text, "gunicorn sets no CONTENT_LENGTH for a chunked upload"
    assert "wsgi.input_terminated = True" in text
    assert "body (8 bytes): b'name=ada'" in text, (
        "a chunked upload must be read to its end when wsgi.input_terminated is set; got\n" + text)


def test_ch03_echo_py_refuses_a_non_decimal_length():
    with servers.script(CODE / "echo.py") as server:
        reply = raw_http(server.port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n"
                         b"Connection: close\r\n\r\nhello")
    assert b" 400 " in reply.split(b"\r\n")[0], reply


def test_ch03_streaming_py_streams_and_logs_close_on_disconnect():
    with servers.script(CODE / "streaming.py") as server:
        started = time.monotonic()
        with requests.get(server.url + "/?n=3&delay=0.3", stream=True, timeout=10) as reply:
            lines = reply.iter_lines(chunk_size=1)
            first = next(lines)
            first_after = time.monotonic() - started
            rest = list(lines)
            last_after = time.monotonic() - started
        assert first.startswith(b"line 1 of 3") and len(rest) == 2
        # the server sleeps 0.3 s between lines: streamed, the first line arrives >= 0.6 s
        # before the last (a lower bound only, so a loaded machine cannot make it flaky)
        assert last_after - first_after >= 0.5, "the first line should arrive before the rest"
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"GET /?n=200&delay=0.02 HTTP/1.1\r\nHost: x\r\n\r\n")
            received = b""
            while b"line 1 of 200" not in received:
                chunk = sock.recv(4096)
                assert chunk, f"the server closed early: {received!r}"
                received += chunk
        deadline = time.monotonic() + 10
        while "the client went away" not in server.output() and time.monotonic() < deadline:
            time.sleep(0.1)
        log = server.output()
    assert "close() after 3 of 3 lines (finished)" in log
    assert "of 200 lines (the client went away)" in log


def test_ch03_download_py_serves_files_head_and_404(tmp_path):
    (tmp_path / "report.txt").write_bytes(b"quarterly numbers\n")
    with servers.script(CODE / "download.py", args=["--root", str(tmp_path)]) as server:
        listing = requests.get(server.url + "/", timeout=5).text
        reply = requests.get(server.url + "/report.txt", timeout=5)
        head = raw_http(server.port, b"HEAD /report.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        missing = [requests.get(server.url + path, timeout=5).status_code
                   for path in ("/nope.txt", "/../etc/passwd", "/%2e%2e%2fsecret", "/.hidden")]
    assert listing == "report.txt\n"
    assert reply.content == b"quarterly numbers\n"
    assert reply.headers["Content-Length"] == "18"
    assert reply.headers["Content-Disposition"] == 'attachment; filename="report.txt"'
    assert b"Content-Length: 18" in head and head.endswith(b"\r\n\r\n"), head
    assert missing == [404, 404, 404, 404]
