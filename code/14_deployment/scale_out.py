"""Three app "hosts" behind one nginx: readiness, a host killed under load, sticky WebSockets.

    python code/14_deployment/scale_out.py

On Linux every address in 127.0.0.0/8 is this machine, so uvicorn can listen on 127.0.0.2,
127.0.0.3 and 127.0.0.4 as if they were three servers; elsewhere (macOS) the script falls
back to three ports on 127.0.0.1 and says so.  nginx runs ``nginx/scale_out.conf``.  It prints:

1. readiness: each host's first ``/ready`` -- already 200, because uvicorn runs the lifespan
   startup *before* it opens its port (the app's ``/ready`` answers 503 only while its
   startup has not run; ``test_ch14_app.py`` shows that in-process); only then is nginx
   started in front of them;
2. a host killed under load (``course.load``, plain HTTP): the failed-request count (0: the
   request that met the dead host is retried on the next one -- ``proxy_next_upstream``;
   rarely 1, when the kill lands after the host had sent an answer's headers but not its
   body, and the script then says so) and how many requests each host answered (from
   nginx's JSON log, ``$upstream_addr``);
3. idempotent only: with one host frozen (SIGSTOP), GETs that meet it are retried after
   ``proxy_read_timeout`` and succeed; a POST that meets it is *not* retried -- nginx answers
   504 -- because repeating a POST could do its work twice;
4. sticky WebSockets: three connections from each of six client addresses; with
   ``hash $remote_addr consistent`` each client address always reaches the same host.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stack import uvicorn_asgi

from course import load, servers
from course.nginx import Nginx

HERE = Path(__file__).resolve().parent


def host_addresses() -> tuple[list[str], str]:
    """127.0.0.2-4 when this OS lets us bind them (Linux), else 127.0.0.1 three times."""
    wanted = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
    try:
        for address in wanted:
            with socket.socket() as probe:
                probe.bind((address, 0))
    except OSError:
        return ["127.0.0.1"] * 3, "this OS binds only 127.0.0.1: three ports stand in for hosts"
    return wanted, "three loopback addresses stand in for three hosts"


def get_status(url: str, *, method: str = "GET", data: bytes | None = None) -> int:
    request = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def readiness(hosts: list[str]) -> list[servers.Server]:
    """Start one uvicorn per host (ready: lifespan startup done); ask each /ready."""
    started = []
    for host in hosts:
        server = uvicorn_asgi(host, workers=None, color=f"host-{host}")
        started.append(server)
    for server in started:
        print(f"   {server.host}:{server.port} /ready -> {get_status(server.url + '/ready')}")
    return started


def answers_cut_mid_way(web: Nginx) -> int:
    """Answers the killed host began but never finished (nginx's error log says so).

    uvicorn writes an answer's headers and its body in two writes; a host killed between
    them leaves nginx holding half an answer it has already started to pass on.  Retrying
    is possible only before the client has been sent anything, so that request fails --
    rare (the kill must land in that gap), and the reason a crash is never quite free.
    """
    return web.error_log().count("upstream prematurely closed connection while reading upstream")


def upstream_counts(web: Nginx) -> Counter:
    lines = (web.prefix / "logs" / "upstreams.json").read_text().splitlines()
    return Counter(json.loads(line)["upstream_addr"] for line in lines)


async def sticky(web: Nginx, clients: list[str]) -> dict[str, list[str]]:
    """Three WebSocket connections per client address: which host pid answered each."""
    from websockets.asyncio.client import connect

    seen: dict[str, list[str]] = {}
    for client in clients:
        for _ in range(3):
            async with connect(f"ws://127.0.0.1:{web.port}/ws",
                               local_addr=(client, 0)) as ws:
                await ws.send("who")
                reply = str(await ws.recv())
                seen.setdefault(client, []).append(reply.split(":")[0])
    return seen


def main() -> None:
    hosts, how = host_addresses()
    print(f"hosts: {', '.join(hosts)} ({how})")
    print("1. readiness through lifespan:")
    app_servers = readiness(hosts)
    try:
        values = {f"host{i}": f"{s.host}:{s.port}" for i, s in enumerate(app_servers, start=1)}
        with Nginx((HERE / "nginx" / "scale_out.conf").read_text(), **values) as web:
            victim = app_servers[1]
            timer = threading.Timer(0.7, victim.proc.kill)
            timer.start()
            result = load.run(web.url + "/health", concurrency=6, duration=1.5, timeout=5)
            timer.join()
            print(f"2. {victim.host}:{victim.port} killed 0.7 s into {result.requests} "
                  f"requests: {result.failed} failed")
            cut = answers_cut_mid_way(web)
            if cut:
                print(f"   {cut} answer(s) cut mid-way: the host died after it had sent the "
                      "headers, nginx had begun to answer and cannot retry")
            counts = upstream_counts(web)
            for address, count in sorted(counts.items()):
                print(f"   {address:32} answered/tried {count}")

            web.reload()                 # fresh workers: no host is marked failed
            frozen = app_servers[2]
            frozen.send_signal(signal.SIGSTOP)
            try:
                started = time.perf_counter()
                gets = [get_status(web.url + "/health") for _ in range(3)]
                get_seconds = time.perf_counter() - started
                web.reload()
                posts = [get_status(web.url + "/upload", method="POST", data=b"x" * 10)
                         for _ in range(3)]
            finally:
                frozen.send_signal(signal.SIGCONT)
            print(f"3. {frozen.host}:{frozen.port} frozen: GET statuses {gets} "
                  f"({get_seconds:.1f} s for the three: one waited for the timeout)")
            print(f"   POST statuses {posts}: the POST that met the frozen host is not retried")

            clients = ["127.0.0.1"]
            if hosts[0] != "127.0.0.1":
                clients += [f"127.0.0.{n}" for n in range(5, 10)]
            print("4. sticky WebSockets (hash $remote_addr consistent): host pid per connection")
            for client, pids in asyncio.run(sticky(web, clients)).items():
                print(f"   from {client}: {' '.join(pids)}")
    finally:
        for server in app_servers:
            server.stop()


if __name__ == "__main__":
    main()
