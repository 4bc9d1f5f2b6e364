"""WebSocket fan-out: one message broadcast to 100 and 1,000 clients; delivery latency.

Run it:    python code/13_wsgi_vs_asgi_measured/fanout.py                  # 100 and 1,000 clients
           python code/13_wsgi_vs_asgi_measured/fanout.py --clients 50 --broadcasts 5

Two hubs with the same behaviour (a text ``broadcast …`` goes to every connected client):

    uvicorn (asyncio)          apps:ws_hub -- one task per connection, sends awaited in turn
    a thread per connection    threaded_servers.py --kind ws (websockets.sync.server)

Both without permessage-deflate.  The clients (``websockets.asyncio.client``, all in this
process) connect, then one of them sends ``broadcast <time>`` ``--broadcasts`` times, waiting
each time until every client has the message.  Latency = the moment a client reads the message
minus the moment it was sent (``time.monotonic``, one clock for both processes).  The clients
share one event loop: reading 1,000 messages takes it time too, the same for both servers.

What you should see: p50/p99/max delivery latency per server and client count, the two servers'
p99 pair by pair (rounds interleave the servers) with its spread, ``fanout.json`` and
``fanout.png``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from websockets.asyncio.client import connect

from course import bench, servers

HERE = Path(__file__).resolve().parent
PY = sys.executable
UVICORN = "uvicorn (asyncio)"
THREADS = "a thread per connection"


def _start(name: str) -> servers.Server:
    if name == UVICORN:
        argv = [PY, "-m", "uvicorn", "apps:ws_hub", "--app-dir", str(HERE), "--host", "{host}",
                "--port", "{port}", "--no-access-log", "--log-level", "warning",
                "--ws-per-message-deflate", "false", "--ws-ping-interval", "0",
                "--backlog", "4096"]
    else:
        argv = [PY, str(HERE / "threaded_servers.py"), "--kind", "ws", "--host", "{host}",
                "--port", "{port}"]
    return servers.start(bench.pin(argv), name=name.split()[0])


async def _receive(client, count: int, latencies: list[float], done: asyncio.Event,
                   remaining: list[int]) -> None:
    for _ in range(count):
        message = await client.recv()
        latencies.append((time.monotonic() - float(message.split()[1])) * 1000)
        remaining[0] -= 1
        if remaining[0] == 0:
            done.set()


async def broadcast_round(url: str, clients: int, broadcasts: int) -> list[float]:
    """Connect ``clients``, broadcast ``broadcasts`` times; return every delivery latency (ms)."""
    connections = []
    try:
        for start in range(0, clients, 100):
            batch = [connect(url, compression=None, ping_interval=None, open_timeout=60)
                     for _ in range(min(100, clients - start))]
            connections += await asyncio.gather(*batch)
        latencies: list[float] = []
        for _ in range(broadcasts):
            done = asyncio.Event()
            remaining = [clients]
            readers = [asyncio.create_task(_receive(c, 1, latencies, done, remaining))
                       for c in connections]
            await connections[0].send(f"broadcast {time.monotonic()!r}")
            try:
                await asyncio.wait_for(done.wait(), 30)
            except TimeoutError:
                raise RuntimeError(f"only {clients - remaining[0]} of {clients} clients got "
                                   "the broadcast within 30 s") from None
            await asyncio.gather(*readers)
        return latencies
    finally:
        await asyncio.gather(*(c.close() for c in connections), return_exceptions=True)


def summary(latencies: list[float]) -> dict:
    from experiment import percentile

    return {"p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
            "max_ms": max(latencies), "messages": len(latencies)}


def run(*, levels=(100, 1000), broadcasts: int = 10, runs: int = 2, progress=print) -> dict:
    import contextlib

    from experiment import raise_open_files

    raise_open_files(max(levels) * 4 + 1024)
    progress(f"{runs} interleaved round(s) per client count; {broadcasts} broadcasts a round; "
             "clients: websockets.asyncio in this process")
    data: dict = {"levels": [], "broadcasts": broadcasts}
    with contextlib.ExitStack() as stack:
        hubs = {name: stack.enter_context(_start(name)) for name in (UVICORN, THREADS)}
        for clients in levels:
            per_run: dict[str, list[dict]] = {name: [] for name in hubs}
            for server in hubs.values():                        # a warm-up each
                asyncio.run(broadcast_round(server.url.replace("http", "ws"), 10, 2))
            for k, name in bench.schedule(list(hubs), runs):
                url = hubs[name].url.replace("http", "ws")
                stats = summary(asyncio.run(broadcast_round(url, clients, broadcasts)))
                per_run[name].append(stats)
                progress(f"  {clients:>5} clients  round {k}/{runs}  {name:<24} "
                         f"p50 {stats['p50_ms']:7.1f} ms  p99 {stats['p99_ms']:7.1f} ms")
            pairs = bench.pair_ratios([s["p99_ms"] for s in per_run[THREADS]],
                                      [s["p99_ms"] for s in per_run[UVICORN]])
            ratio = bench.Ratio(THREADS, UVICORN, pairs, "p99_ms")
            rows = [{"name": name, "runs": stats,
                     **{key: bench.spread([s[key] for s in stats])[0]
                        for key in ("p50_ms", "p99_ms", "max_ms")}}
                    for name, stats in per_run.items()]
            data["levels"].append({"clients": clients, "rows": rows,
                                   "p99_threads_vs_uvicorn": ratio.as_dict(),
                                   "ratio_line": "p99: " + ratio.line()})
    return data


def table(data: dict) -> str:
    lines = [f"{'clients':>7}  {'server':<26}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}", "-" * 62]
    for level in data["levels"]:
        for row in level["rows"]:
            lines.append(f"{level['clients']:>7}  {row['name']:<26}{row['p50_ms']:>9.1f}"
                         f"{row['p99_ms']:>9.1f}{row['max_ms']:>9.1f}")
    return "\n".join(lines)


def plot(data: dict, ax) -> None:
    labels, p50, p99 = [], [], []
    for level in data["levels"]:
        for row in level["rows"]:
            labels.append(f"{level['clients']:,} clients\n{row['name']}")
            p50.append(row["p50_ms"])
            p99.append(row["p99_ms"])
    ax.bar(labels, p99, color="tab:red", label="p99")
    ax.bar(labels, p50, color="tab:blue", label="p50")
    ax.set_ylabel("delivery latency (ms)")
    ax.tick_params(axis="x", labelsize=7)
    ax.legend()


def main(argv: list[str] | None = None) -> None:
    from experiment import add_out_argument, new_figure, save_figure, save_json

    parser = argparse.ArgumentParser(description="WebSocket broadcast latency")
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--broadcasts", type=int, default=10)
    parser.add_argument("--runs", type=int, default=2)
    add_out_argument(parser)
    args = parser.parse_args(argv)
    data = run(levels=args.clients, broadcasts=args.broadcasts, runs=args.runs,
               progress=lambda line: print(line, flush=True))
    print()
    print(table(data))
    print()
    for level in data["levels"]:
        print(f"{level['clients']} clients: {level['ratio_line']}")
    fig, ax = new_figure(8, 3.5)
    plot(data, ax)
    print(f"\nsaved {save_json(args.out, 'fanout', data)} and "
          f"{save_figure(fig, args.out, 'fanout')}")


if __name__ == "__main__":
    main()
