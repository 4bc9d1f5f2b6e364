"""Chapter 09: our ASGI server (code/09_asgi_server_from_scratch/asgi_server.py) is correct.

* the chapter 08 app suite passes unchanged on our server (both parsers) and on uvicorn;
* malformed requests get a 4xx/5xx and the server keeps serving;
* send() ordering is enforced, http.disconnect arrives, backpressure holds, pipelined
  requests are answered in order, SIGTERM lets a slow request finish.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from course import servers
from course.modules import load_path
from course.settings import ROOT
from course.testing import raw_http

checks = load_path(ROOT / "code" / "08_asgi_messages" / "check_server.py", "ch08_check_server")

CODE = Path(__file__).resolve().parent.parent / "code" / "09_asgi_server_from_scratch"
SERVER = CODE / "asgi_server.py"
PARSERS = ["h11", "hand"]


def _load(name: str):
    sys.path.insert(0, str(CODE))
    return load_path(CODE / f"{name}.py", f"ch09_{name}")


def ours(parser: str, app: str = "apps:demo", *extra: str, **kwargs) -> servers.Server:
    return servers.script(SERVER, args=[app, "--parser", parser, *extra], cwd=CODE, **kwargs)


def wait_for_line(srv: servers.Server, line: str, timeout: float = 5.0) -> str:
    """Wait until the server has printed ``line`` (a readiness signal); return its output."""
    return srv.wait_for_output(line, timeout=timeout)


def get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.status, resp.read()


# -- the chapter 08 app suite, unchanged, on three servers ------------------------------------
@pytest.mark.parametrize("server", ["ours-h11", "ours-hand", "uvicorn"])
def test_ch09_app_suite_passes_on_ours_and_on_uvicorn(server):
    if server == "uvicorn":
        start = servers.uvicorn(checks.APP_SUITE, app_dir=checks.APP_SUITE_DIR)
    else:
        start = ours(server.split("-")[1], checks.APP_SUITE, "--app-dir", str(checks.APP_SUITE_DIR))
    with start as srv:
        problems = checks.check_server(srv.url, lifespan=True)
    assert not problems, f"{server} fails the chapter 08 app suite:\n" + "\n".join(problems)


# -- malformed requests: an error status, that connection closed, the server still serves ------
MALFORMED = {
    "garbage request line": (b"GARBAGE\r\n\r\n", {400}),
    "no Host in HTTP/1.1": (b"GET / HTTP/1.1\r\n\r\n", {400}),
    "space before colon": (b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", {400}),
    "negative Content-Length": (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                                {400}),
    "two different Content-Lengths": (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                                      b"Content-Length: 4\r\n\r\nabcd", {400}),
    "bad chunk size": (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                       b"zz\r\nabc\r\n0\r\n\r\n", {400}),
    "NUL in a header value": (b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", {400}),
    "header block too large": (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000
                               + b"\r\n\r\n", {400, 431}),
    "HTTP/2.0 on an HTTP/1 port": (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", {400, 505}),
    # RFC 9112 §3.2: the target's form must fit the method
    "* with GET": (b"GET * HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    "host:port with GET": (b"GET example.test:80 HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    "target without a leading /": (b"GET index.html HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    "CONNECT with a path": (b"CONNECT / HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    # RFC 9110 §5.3 / §6.5.1: singleton fields once; no framing or routing in trailers
    "two Host fields": (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", {400}),
    "two Content-Type fields": (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: a/b\r\n"
                                b"Content-Type: c/d\r\nContent-Length: 0\r\n\r\n", {400}),
    "Content-Length as a trailer": (b"POST /echo HTTP/1.1\r\nHost: x\r\n"
                                    b"Transfer-Encoding: chunked\r\n\r\n"
                                    b"3\r\nabc\r\n0\r\nContent-Length: 3\r\n\r\n", {400}),
    "Host as a trailer": (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                          b"\r\n3\r\nabc\r\n0\r\nHost: evil\r\n\r\n", {400}),
}


@pytest.mark.parametrize("parser", PARSERS)
def test_ch09_malformed_requests_are_rejected_and_the_server_keeps_serving(parser):
    with ours(parser) as srv:
        for name, (raw, statuses) in MALFORMED.items():
            reply = raw_http(srv.port, raw, timeout=3)
            status_line = reply.split(b"\r\n", 1)[0]
            assert status_line[:9] == b"HTTP/1.1 " and int(status_line[9:12]) in statuses, (
                f"{name}: expected a status in {sorted(statuses)}, got {status_line!r}")
        assert get(srv.url + "/") == (200, b"Hello, world!\n"), "the server stopped serving"


@pytest.mark.parametrize("parser", PARSERS)
def test_ch09_absolute_form_target_is_accepted_with_its_path(parser):
    """RFC 9112 §3.2.2: a server must accept absolute-form; the path comes from it."""
    with ours(parser) as srv:
        reply = raw_http(srv.port, b"GET http://example.test/ HTTP/1.1\r\nHost: x\r\n"
                                   b"Connection: close\r\n\r\n", timeout=3)
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"Hello, world!\n"), reply


@pytest.mark.parametrize("parser", PARSERS)
def test_ch09_a_head_that_trickles_in_gets_408_after_the_head_timeout(parser):
    """Slow loris: a client that sends part of a head and then waits must not hold the
    connection forever.  The timeout is configurable (HEAD_TIMEOUT by default)."""
    with ours(parser, "apps:demo", "--head-timeout", "0.5", "--keep-alive-timeout", "30") as srv:
        with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            started = time.monotonic()
            reply = b""
            chunk = sock.recv(65536)
            while chunk:
                reply += chunk
                chunk = sock.recv(65536)
            took = time.monotonic() - started
        assert reply.startswith(b"HTTP/1.1 408"), f"expected a 408, got {reply[:80]!r}"
        assert b"connection: close" in reply.lower(), reply
        assert took < 4, f"the 0.5 s head timeout took {took:.1f} s"
        assert get(srv.url + "/") == (200, b"Hello, world!\n"), "the server stopped serving"


def test_ch09_hand_parser_rejects_smuggling_shapes():
    """Framing the hand parser refuses (h11 accepts some of these; ours is stricter)."""
    hp = _load("hand_parser")
    bad = [
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n+3\r\nabc\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        b"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n",   # obs-fold (h11 unfolds it)
        b"GET / HTTP/1.1\nHost: x\n\n\r\n\r\n",
    ]
    for raw in bad:
        parser = hp.RequestParser()
        parser.feed(raw)
        with pytest.raises(hp.ParseError):
            for _ in range(10):
                if parser.next_event() in (hp.END, hp.NEED_DATA):
                    break
            raise AssertionError(f"accepted {raw!r}")


# -- send() ordering, errors, disconnect ------------------------------------------------------
@pytest.mark.parametrize("parser", PARSERS)
def test_ch09_send_order_is_enforced_and_errors_become_500(parser):
    with ours(parser) as srv:
        reply = raw_http(srv.port, b"GET /bad/body-first HTTP/1.1\r\nHost: x\r\n\r\n", timeout=3)
        assert reply.startswith(b"HTTP/1.1 500"), (
            f"body before start: expected 500, got {reply[:40]!r}")
        reply = raw_http(srv.port, b"GET /bad/raise HTTP/1.1\r\nHost: x\r\n\r\n", timeout=3)
        assert reply.startswith(b"HTTP/1.1 500"), f"app raised: expected 500, got {reply[:40]!r}"
        assert get(srv.url + "/bad/after-final") == (200, b"complete\n")
        out = wait_for_line(srv, "send after final body raised")
    assert "send after final body raised" in out, f"a send after the final body must raise:\n{out}"
    assert "expected 'http.response.start' first" in out, out


@pytest.mark.parametrize("parser", PARSERS)
def test_ch09_http_disconnect_reaches_the_app_when_the_client_leaves(parser):
    with ours(parser) as srv:
        with socket.create_connection(("127.0.0.1", srv.port)) as sock:
            sock.sendall(b"GET /wait-disconnect HTTP/1.1\r\nHost: x\r\n\r\n")
            out = wait_for_line(srv, "waiting for disconnect")
            assert "waiting for disconnect" in out, f"the app never started:\n{out}"
        out = wait_for_line(srv, "disconnect seen")
        assert "disconnect seen" in out, "the app never received http.disconnect"


@pytest.mark.parametrize("parser", PARSERS)
def test_ch09_pipelined_requests_are_answered_in_order_on_one_connection(parser):
    with ours(parser) as srv:
        reply = raw_http(srv.port, b"GET /slow?s=0.2 HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                         b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout=5)
    assert reply.count(b"HTTP/1.1 200") == 3, reply
    first, second, third = (reply.index(b"slow but done"), reply.index(b"\r\n\r\nhello"),
                            reply.index(b"Hello, world!"))
    assert first < second < third, f"responses out of order: {reply!r}"


@pytest.mark.parametrize("parser", PARSERS)
def test_ch09_limits_413_and_idle_keep_alive_timeout(parser):
    with ours(parser, "apps:demo", "--keep-alive-timeout", "0.3") as srv:
        reply = raw_http(srv.port, b"POST /echo HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Length: 999999999\r\n\r\n", timeout=3)
        assert reply.startswith(b"HTTP/1.1 413"), reply[:60]
        with socket.create_connection(("127.0.0.1", srv.port), timeout=3) as sock:
            started = time.monotonic()
            assert sock.recv(100) == b"", "an idle connection should be closed by the server"
            assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("parser", PARSERS)
def test_ch09_head_gets_the_headers_of_get_and_no_body(parser):
    with ours(parser) as srv:
        reply = raw_http(srv.port, b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout=5)
    first, second, third = reply.split(b"HTTP/1.1 200 OK")[1:]
    assert b"content-length: 14" in first.lower() and first.endswith(b"\r\n\r\n"), first
    assert b"transfer-encoding: chunked" in second.lower() and second.endswith(b"\r\n\r\n"), second
    assert third.endswith(b"Hello, world!\n"), third


# -- backpressure: send() waits while the client does not read ---------------------------------
def test_ch09_backpressure_send_waits_for_a_slow_reader():
    server_mod = _load("asgi_server")
    total = 64 * 1024 * 1024
    sent = [0]

    async def big(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(total).encode())]})
        block = b"x" * (256 * 1024)
        while sent[0] < total:
            sent[0] += len(block)
            await send({"type": "http.response.body", "body": block,
                        "more_body": sent[0] < total})

    async def scenario():
        ports: list[int] = []
        listening = asyncio.Event()
        draining = asyncio.Event()
        original_drain = server_mod.HttpProtocol.drain

        async def spied_drain(protocol):       # send() calls drain only while writing is paused
            draining.set()
            await original_drain(protocol)

        server_mod.HttpProtocol.drain = spied_drain
        config = server_mod.Config(big, port=0, lifespan="off")

        def ready(port: int) -> None:
            ports.append(port)
            listening.set()

        task = asyncio.create_task(server_mod.serve(config, ready=ready, handle_signals=False))
        await asyncio.wait_for(listening.wait(), 10)
        reader, writer = await asyncio.open_connection("127.0.0.1", ports[0], limit=2**16)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        try:                                   # read nothing: the buffers fill up, send() waits
            await asyncio.wait_for(draining.wait(), 10)
        except TimeoutError:
            pass                               # never paused: the assertion below says so
        stalled_at = sent[0]
        for _ in range(10):                    # let the loop run: the app must stay stalled
            await asyncio.sleep(0)
        assert sent[0] == stalled_at, "send() returned while the client read nothing"
        received = 0
        while received < total:                # now read everything
            chunk = await reader.read(1 << 20)
            assert chunk, "connection closed early"
            received += len(chunk)
        writer.close()
        task.cancel()
        return stalled_at, received

    stalled_at, received = asyncio.run(scenario())
    assert stalled_at < total // 2, (
        f"the app had sent {stalled_at} of {total} bytes while the client read nothing: "
        "send() should wait (drain) when the transport's buffer is full")
    assert received > total  # head + body


# -- graceful shutdown ------------------------------------------------------------------------
@pytest.mark.parametrize("parser", PARSERS)
def test_ch09_sigterm_lets_the_request_in_flight_finish(parser):
    with ours(parser) as srv:
        result: dict = {}

        def slow() -> None:
            try:
                result["reply"] = get(srv.url + "/slow?s=1.0&announce=1")
            except Exception as exc:
                result["error"] = exc

        thread = threading.Thread(target=slow)
        thread.start()
        wait_for_line(srv, "slow request started")     # the request is in flight now
        srv.send_signal(signal.SIGTERM)
        thread.join(5)
        srv.proc.wait(5)
        out = srv.output()
    assert result.get("reply") == (200, b"slow but done\n"), (
        f"the request in flight should complete after SIGTERM, got {result}\n{out}")
    assert srv.proc.returncode == 0, out
    assert "lifespan shutdown" in out, f"lifespan shutdown should run on SIGTERM:\n{out}"
