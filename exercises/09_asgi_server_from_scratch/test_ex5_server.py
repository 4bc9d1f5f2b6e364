"""Graded tests for exercise 9.5: your server, talked to by real clients.

First in process (your ``serve`` as an asyncio task, a raw request over a real socket),
then the real thing: ``python ex5_server.py --host 127.0.0.1 --port P`` started as a
process and talked to with ``http.client`` and raw sockets.
"""

import asyncio
import http.client

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


def test_malformed_request_gets_400_and_the_server_keeps_serving(exercise_file):
    with servers.script(exercise_file, cwd=exercise_file.parent) as srv:
        for bad in (b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
                    b"GET / HTTP/1.1\r\n\r\n"):
            reply = raw_http(srv.port, bad, timeout=3)
            assert reply.startswith(b"HTTP/1.1 400"), (
                f"malformed request {bad!r}: expected 'HTTP/1.1 400 ...' then close, "
                f"got {reply[:60]!r}")
        reply = raw_http(srv.port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"Hello from your server!\n"), (
            f"after malformed requests the server must keep serving; got {reply[:80]!r}")
