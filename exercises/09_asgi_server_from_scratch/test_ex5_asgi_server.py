"""Graded tests for exercise 9.5: your server, talked to by real clients.

First in process (your ``serve`` as an asyncio task, a raw request over a real socket),
then the real thing: ``python ex5_asgi_server.py --host 127.0.0.1 --port P`` started as a
process and talked to with ``http.client`` and raw sockets.
"""

import asyncio
import http.client
import socket

from course import servers
from course.testing import raw_http


def test_in_process_one_request(exercise):
    async def scenario():
        port = servers.free_port()
        task = asyncio.ensure_future(exercise.serve(exercise.app, "127.0.0.1", port))
        try:
            for _ in range(100):
                if task.done():
                    task.result()            # serve() ended or raised: show why
                    raise AssertionError("serve() returned: it should serve forever")
                try:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    break
                except OSError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError(f"nothing accepted connections on 127.0.0.1:{port}")
            writer.write(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 3)
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:")))
            body = await asyncio.wait_for(reader.readexactly(length), 3)
            writer.close()
            return head, body
        finally:
            task.cancel()
    head, body = asyncio.run(asyncio.wait_for(scenario(), 10))
    assert head.startswith(b"HTTP/1.1 200"), f"expected 'HTTP/1.1 200 ...', got {head[:40]!r}"
    assert body == b"Hello from your server!\n", f"expected the app's body, got {body!r}"


def test_real_clients_keep_alive_stream_echo(exercise_file):
    with servers.script(exercise_file, cwd=exercise_file.parent) as srv:
        assert f"Listening on http://127.0.0.1:{srv.port}" in srv.output(), (
            f"the server should print 'Listening on http://127.0.0.1:{srv.port}'; it printed "
            f"{srv.output()!r}")
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
        ports = []
        for n in (1, 2):
            conn.request("GET", "/client")
            resp = conn.getresponse()
            assert resp.status == 200, f"GET /client (request {n}): got {resp.status}"
            ports.append(resp.read())
        assert ports[0] == ports[1], (
            "keep-alive: two requests on one http.client connection arrived from different "
            f"client ports {ports} -- the server closed the connection after the first response")
        conn.request("GET", "/stream")
        resp = conn.getresponse()
        body = resp.read()
        assert body == b"part 0\npart 1\npart 2\n", f"GET /stream: got {body!r}"
        assert (resp.getheader("transfer-encoding") or "").lower() == "chunked", (
            "a response without Content-Length over HTTP/1.1 must be chunked (RFC 9112 §7)")
        conn.request("POST", "/echo", body=b"x" * 100_000)
        resp = conn.getresponse()
        echoed = resp.read()
        assert echoed == b"x" * 100_000, f"POST /echo: sent 100000 bytes, got {len(echoed)} back"
        conn.close()


MALFORMED = {
    "garbage request line": b"GARBAGE\r\n\r\n",
    "space before the colon": b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
    "no Host in HTTP/1.1": b"GET / HTTP/1.1\r\n\r\n",
    "* with GET (RFC 9112 §3.2: only OPTIONS)": b"GET * HTTP/1.1\r\nHost: x\r\n\r\n",
    "a target without a leading / (RFC 9112 §3.2)": b"GET index.html HTTP/1.1\r\nHost: x\r\n\r\n",
    "two Content-Type fields (RFC 9110 §5.3)": (b"POST /echo HTTP/1.1\r\nHost: x\r\n"
                                                b"Content-Type: a/b\r\nContent-Type: c/d\r\n"
                                                b"Content-Length: 0\r\n\r\n"),
    "Content-Length as a trailer (RFC 9110 §6.5.1)": (b"POST /echo HTTP/1.1\r\nHost: x\r\n"
                                                      b"Transfer-Encoding: chunked\r\n\r\n"
                                                      b"3\r\nabc\r\n0\r\n"
                                                      b"Content-Length: 3\r\n\r\n"),
}


def test_malformed_request_gets_400_and_the_server_keeps_serving(exercise_file):
    with servers.script(exercise_file, cwd=exercise_file.parent) as srv:
        for name, bad in MALFORMED.items():
            try:
                reply = raw_http(srv.port, bad, timeout=3, must_close=True)
            except AssertionError as exc:
                raise AssertionError(f"{name}: after the 400 the connection must be closed "
                                     f"({exc})") from None
            assert reply.startswith(b"HTTP/1.1 400"), (
                f"{name}: expected 'HTTP/1.1 400 ...' then close, got {reply[:60]!r}")
            head, _, body = reply.partition(b"\r\n\r\n")
            fields = dict(line.lower().split(b":", 1) for line in head.split(b"\r\n")[1:])
            length = fields.get(b"content-length", b"").strip()
            assert length.isdigit() and int(length) == len(body), (
                f"{name}: the 400 must say where its body ends -- a Content-Length equal to "
                f"the body's size (RFC 9112 §6.3); got head {head!r} and {len(body)} body bytes")
            assert b"close" in fields.get(b"connection", b""), (
                f"{name}: the 400 must carry 'Connection: close' -- the server is closing "
                f"(RFC 9112 §9.6); got head {head!r}")
        reply = raw_http(srv.port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"Hello from your server!\n"), (
            f"after malformed requests the server must keep serving; got {reply[:80]!r}")


async def _started(exercise, app):
    """Start ``exercise.serve(app, ...)`` as a task; return it and its port once it accepts."""
    port = servers.free_port()
    task = asyncio.ensure_future(exercise.serve(app, "127.0.0.1", port))
    for _ in range(100):
        if task.done():
            task.result()
            raise AssertionError("serve() returned: it should serve forever")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)           # poll until the port accepts
            continue
        writer.close()
        return task, port
    raise AssertionError(f"nothing accepted connections on 127.0.0.1:{port}")


async def _exchange(port: int, data: bytes, timeout: float = 3.0) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    try:
        return await asyncio.wait_for(reader.read(1 << 20), timeout)
    finally:
        writer.close()


def test_in_process_an_app_that_raises_gets_the_client_a_500(exercise):
    async def broken(scope, receive, send):
        if scope["type"] == "http":
            raise RuntimeError("the app is broken")

    async def scenario():
        task, port = await _started(exercise, broken)
        try:
            first = await _exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            second = await _exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            return first, second
        finally:
            task.cancel()

    first, second = asyncio.run(asyncio.wait_for(scenario(), 15))
    for n, reply in ((1, first), (2, second)):
        assert reply.startswith(b"HTTP/1.1 500"), (
            f"request {n}: an app that raises before http.response.start must get the client "
            f"a 500 (and the server must keep serving); got {reply[:60]!r}")


def test_in_process_pipelined_requests_are_answered_in_order(exercise):
    async def scenario():
        task, port = await _started(exercise, exercise.app)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst"
                         b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = b""
            chunk = await asyncio.wait_for(reader.read(65536), 3)
            while chunk:
                reply += chunk
                chunk = await asyncio.wait_for(reader.read(65536), 3)
            writer.close()
            return reply
        finally:
            task.cancel()

    reply = asyncio.run(asyncio.wait_for(scenario(), 15))
    assert reply.count(b"HTTP/1.1 200") == 2, (
        "two requests sent in one write (pipelining, RFC 9112 §9.3.2) must both be answered, "
        f"in order; got {reply[:300]!r}")
    assert reply.index(b"first") < reply.index(b"Hello from your server!"), (
        f"pipelined responses must come in the order of the requests; got {reply[:300]!r}")


def test_in_process_send_waits_while_the_client_does_not_read(exercise):
    total = 64 * 1024 * 1024
    progress = {"sent": 0}

    async def big(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(total).encode())]})
        block = b"x" * (256 * 1024)
        while progress["sent"] < total:
            progress["sent"] += len(block)
            await send({"type": "http.response.body", "body": block,
                        "more_body": progress["sent"] < total})

    async def scenario():
        task, port = await _started(exercise, big)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 16)
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 16)
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            for _ in range(200):                 # the client reads nothing for ~2 s
                if progress["sent"] >= total:
                    break
                await asyncio.sleep(0.01)
            stalled_at = progress["sent"]
            received = 0
            while received < total:
                chunk = await asyncio.wait_for(reader.read(1 << 20), 5)
                assert chunk, "the connection closed before the whole body arrived"
                received += len(chunk)
            writer.close()
            return stalled_at
        finally:
            task.cancel()

    stalled_at = asyncio.run(asyncio.wait_for(scenario(), 60))
    assert stalled_at < total // 2, (
        f"the app sent {stalled_at} of {total} bytes while the client read nothing: send() "
        "must wait for the socket to drain (await writer.drain(): backpressure)")


def test_real_server_accepts_an_absolute_form_target(exercise_file):
    with servers.script(exercise_file, cwd=exercise_file.parent) as srv:
        reply = raw_http(srv.port, b"GET http://example.test/ HTTP/1.1\r\nHost: x\r\n"
                                   b"Connection: close\r\n\r\n", timeout=3)
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"Hello from your server!\n"), (
        "an absolute-form target (RFC 9112 §3.2.2) is valid: the path is the part after the "
        f"host ('/'); got {reply[:80]!r}")
