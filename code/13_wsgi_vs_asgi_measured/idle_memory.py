"""What each idle connection costs: server memory (RSS) per idle keep-alive HTTP connection and
per idle WebSocket, at 1,000 and 10,000 connections, threads vs asyncio, deflate on and off.

Run it:    python code/13_wsgi_vs_asgi_measured/idle_memory.py             # 1,000 and 10,000
           python code/13_wsgi_vs_asgi_measured/idle_memory.py --connections 200

For each server: start it, read its resident memory (RSS, with psutil: the server process and
its children), open N connections that each make one request (HTTP) or one handshake
(WebSocket) and then sit idle, read RSS again, close them all, stop the server.  Memory per
connection = (RSS with N idle connections - RSS before) / N.

    HTTP, a thread per connection   threaded_servers.py --kind http (ThreadingHTTPServer, 1.1)
    HTTP, asyncio                   uvicorn apps:asgi_hello (keep-alive timeout raised to 300 s)
    WebSocket, threads [deflate]    threaded_servers.py --kind ws (websockets.sync.server)
    WebSocket, asyncio [deflate]    uvicorn apps:ws_hub (websockets-sansio)

"deflate" is permessage-deflate (RFC 7692): the client offers it in the handshake and, when the
server accepts, both ends keep zlib state for the whole life of the connection.

The script raises its open-file limit (each connection is a descriptor in the client and in
the server; servers inherit the limit), prints a table, saves ``idle_memory.json`` and
``idle_memory.png``, and stops every server it started.  At 10,000 connections it takes about a
minute or two on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import sys
from pathlib import Path

import psutil

from course import servers

HERE = Path(__file__).resolve().parent
PY = sys.executable
BATCH = 250          # connections opened at once: more would only fill the listen queue


def _threaded(kind: str, deflate: bool = False):
    argv = [PY, str(HERE / "threaded_servers.py"), "--kind", kind, "--host", "{host}",
            "--port", "{port}"] + (["--deflate"] if deflate else [])
    return lambda: servers.start(argv, name=f"threaded-{kind}")


def _uvicorn(app: str, deflate: bool = False):
    argv = [PY, "-m", "uvicorn", app, "--app-dir", str(HERE), "--host", "{host}", "--port",
            "{port}", "--no-access-log", "--log-level", "warning", "--backlog", "4096",
            "--timeout-keep-alive", "300", "--ws-ping-interval", "0",
            "--ws-per-message-deflate", "true" if deflate else "false"]
    return lambda: servers.start(argv, name="uvicorn")


# (name, protocol, model, deflate, start)
SERVERS = [
    ("HTTP, a thread per connection", "http", "threads", False, _threaded("http")),
    ("HTTP, asyncio (uvicorn)", "http", "asyncio", False, _uvicorn("apps:asgi_hello")),
    ("WebSocket, threads", "ws", "threads", False, _threaded("ws")),
    ("WebSocket, threads + deflate", "ws", "threads", True, _threaded("ws", deflate=True)),
    ("WebSocket, asyncio (uvicorn)", "ws", "asyncio", False, _uvicorn("apps:ws_hub")),
    ("WebSocket, asyncio + deflate", "ws", "asyncio", True, _uvicorn("apps:ws_hub", True)),
]


def server_rss(pid: int) -> int:
    """Resident bytes of a process and all its children (gunicorn-style trees count whole)."""
    process = psutil.Process(pid)
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def _request(protocol: str, port: int, deflate: bool) -> bytes:
    lines = ["GET / HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    if protocol == "ws":
        key = base64.b64encode(os.urandom(16)).decode()
        lines += ["Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
                  "Sec-WebSocket-Version: 13"]
        if deflate:
            lines.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _open_one(port: int, protocol: str, deflate: bool, held: list,
                    failed: list) -> None:
    writer = None
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(_request(protocol, port, deflate))
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
        want = b" 101 " if protocol == "ws" else b" 200 "
        if want not in head.split(b"\r\n", 1)[0]:
            raise ValueError(f"unexpected answer: {head[:40]!r}")
        if protocol == "http":
            await reader.readexactly(14)        # the body: the connection is idle after it
        held.append(writer)
    except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError) as exc:
        failed.append(f"{type(exc).__name__}: {exc}")
        if writer is not None:
            writer.close()


async def open_idle(port: int, count: int, protocol: str, deflate: bool) -> tuple[list, list]:
    """Open ``count`` connections past their request or handshake, in batches.

    Returns the open ones and the errors of those that failed (a server may refuse some).
    """
    held: list = []
    failed: list = []
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        await asyncio.gather(*(_open_one(port, protocol, deflate, held, failed)
                               for _ in range(size)))
    return held, failed


async def _settle(pid: int, rounds: int = 20) -> int:
    """RSS once it stops growing: servers finish handshakes a moment after the client sees 101."""
    last = server_rss(pid)
    for _ in range(rounds):
        await asyncio.sleep(0.1)
        now = server_rss(pid)
        if abs(now - last) < 64 * 1024:
            return now
        last = now
    return last


async def measure_one(server: servers.Server, count: int, protocol: str, deflate: bool) -> dict:
    before = await _settle(server.pid)
    held, failed = await open_idle(server.port, count, protocol, deflate)
    after = await _settle(server.pid)
    threads = psutil.Process(server.pid).num_threads()
    for writer in held:
        writer.close()
    per_connection = (after - before) / len(held) / 1024 if held else float("nan")
    return {"connections": count, "held": len(held), "failed": len(failed),
            "failures": failed[:3], "rss_before": before, "rss_after": after,
            "kib_per_connection": per_connection, "threads": threads}


def run(levels=(1000, 10_000), progress=print, only: list[str] | None = None) -> dict:
    """Measure every server (or the names in ``only``) at each level; JSON-able results."""
    from experiment import raise_open_files

    limit = raise_open_files(max(levels) + 2048)
    usable = [n for n in levels if n + 512 <= limit]
    if usable != list(levels):
        progress(f"open-file limit is {limit}: measuring {usable} only")
    rows = []
    for count in usable:
        for name, protocol, model, deflate, start in SERVERS:
            if only and name not in only:
                continue
            with start() as server:
                row = asyncio.run(measure_one(server, count, protocol, deflate))
            row.update(name=name, protocol=protocol, model=model, deflate=deflate)
            rows.append(row)
            refused = f", {row['failed']} failed to open" if row["failed"] else ""
            progress(f"  {count:>6} idle  {name:<32} {row['kib_per_connection']:>7.1f} KiB "
                     f"per connection ({row['threads']} threads in the server{refused})")
    return {"levels": usable, "rows": rows, "open_file_limit": limit}


def table(data: dict) -> str:
    """KiB per idle connection; "(N failed)" where the server could not take them all."""
    def cell(row: dict) -> str:
        text = f"{row['kib_per_connection']:.1f} KiB"
        if row["failed"]:
            text += f" ({row['failed']:,} failed)"
        return f"{text:>28}"

    lines = [f"{'server':<32}" + "".join(f"{f'{n:,} idle connections':>28}"
                                         for n in data["levels"]),
             "-" * (32 + 28 * len(data["levels"]))]
    for name, *_ in SERVERS:
        cells = [r for r in data["rows"] if r["name"] == name]
        if cells:
            lines.append(f"{name:<32}" + "".join(cell(r) for r in cells))
    return "\n".join(lines)


def plot(data: dict, ax) -> None:
    """Grouped bars: KiB per idle connection for each server, one colour per level."""
    measured = {row["name"] for row in data["rows"]}
    names = [name for name, *_ in SERVERS if name in measured]
    width = 0.8 / max(1, len(data["levels"]))
    for i, count in enumerate(data["levels"]):
        values = [next(r["kib_per_connection"] for r in data["rows"]
                       if r["name"] == name and r["connections"] == count) for name in names]
        ax.barh([y + i * width for y in range(len(names))], values, height=width,
                label=f"{count:,} idle connections")
    ax.set_yticks([y + width * (len(data["levels"]) - 1) / 2 for y in range(len(names))])
    ax.set_yticklabels(names)
    ax.set_xlabel("server RSS per idle connection (KiB)")
    ax.legend()


def main(argv: list[str] | None = None) -> None:
    from experiment import add_out_argument, new_figure, save_figure, save_json

    parser = argparse.ArgumentParser(description="memory per idle connection")
    parser.add_argument("--connections", type=int, nargs="+", default=[1000, 10_000])
    add_out_argument(parser)
    args = parser.parse_args(argv)
    data = run(args.connections, progress=lambda line: print(line, flush=True))
    print()
    print(table(data))
    fig, ax = new_figure(8, 4)
    plot(data, ax)
    print(f"\nsaved {save_json(args.out, 'idle_memory', data)} and "
          f"{save_figure(fig, args.out, 'idle_memory')}")


if __name__ == "__main__":
    main()
