"""A small, bounded HTTP load generator, and a wrapper around ``wrk`` when it is installed.

``run(url, concurrency=…, duration=…)`` opens ``concurrency`` connections to a server on
this machine and sends GET requests over them (HTTP/1.1 keep-alive, reconnecting when the
server closes) until ``duration`` seconds pass or ``requests`` requests are done --
whichever comes first -- and returns a :class:`LoadResult`: requests/s, latency
percentiles, status counts and errors.

What it is not: a precise benchmark tool.  A Python client spends tens of microseconds per
request itself, so it tops out at a few thousand requests/s on one core; a faster server
looks no faster than that.  ``measure()`` therefore uses ``wrk`` (a C load generator) when it
is on PATH, and every result says which tool produced it.  Only loopback addresses are
allowed: load is never sent anywhere else.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import shutil
import statistics
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["LoadResult", "measure", "resolve_tool", "run", "run_wrk", "wrk_available"]


@dataclass
class LoadResult:
    tool: str                      # "course.load" or "wrk"
    requests: int                  # completed requests (any status)
    errors: int                    # connection errors, timeouts, unparsable replies
    duration: float                # seconds
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    statuses: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list, repr=False)
    connections_opened: int = 0
    p50_ms: float | None = None    # set directly by wrk; computed from latencies_ms otherwise
    p90_ms: float | None = None
    p99_ms: float | None = None

    def __post_init__(self) -> None:
        if self.latencies_ms and self.p50_ms is None:
            qs = statistics.quantiles(self.latencies_ms, n=100, method="inclusive") \
                if len(self.latencies_ms) > 1 else [self.latencies_ms[0]] * 99
            self.p50_ms, self.p90_ms, self.p99_ms = qs[49], qs[89], qs[98]

    @property
    def rps(self) -> float:
        return self.requests / self.duration if self.duration else 0.0

    @property
    def failed(self) -> int:
        """Errors plus replies with a 5xx status."""
        return self.errors + sum(n for status, n in self.statuses.items() if status >= 500)

    def row(self) -> dict[str, object]:
        """A flat dict for tables: rps, latency percentiles, failures, tool."""
        def fmt(x: float | None) -> float | None:
            return None if x is None else round(x, 2)
        return {"rps": round(self.rps, 1), "p50_ms": fmt(self.p50_ms), "p90_ms": fmt(self.p90_ms),
                "p99_ms": fmt(self.p99_ms), "requests": self.requests, "failed": self.failed,
                "tool": self.tool}


def _check_loopback(host: str) -> None:
    if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("127."):
        raise ValueError(f"load is only ever sent to this machine (127.0.0.1), not to {host!r}")


async def _read_response(reader: asyncio.StreamReader, method: str) -> tuple[int, bool]:
    """Read one response; return (status, server_wants_close)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    version, status = lines[0].split(" ", 2)[:2]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    conn = headers.get("connection", "").lower()
    close = "close" in conn or (version == "HTTP/1.0" and "keep-alive" not in conn)
    code = int(status)
    if method == "HEAD" or code in (204, 304) or 100 <= code < 200:
        return code, close
    if "chunked" in headers.get("transfer-encoding", "").lower():
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    else:
        await reader.read()  # close-delimited body
        close = True
    return code, close


async def _worker(host: str, port: int, request: bytes, method: str, deadline: float,
                  budget: list[int], result: LoadResult, timeout: float,
                  keep_alive: bool) -> None:
    reader = writer = None
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port), timeout)
                result.connections_opened += 1
            assert reader is not None and writer is not None  # opened just above
            writer.write(request)
            status, close = await asyncio.wait_for(_read_response(reader, method), timeout)
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.statuses[status] += 1
            result.requests += 1
            if close or not keep_alive:
                writer.close()
                writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            result.errors += 1
            if len(result.error_samples) < 5:
                result.error_samples.append(f"{type(exc).__name__}: {exc}")
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def run_async(url: str, *, concurrency: int = 10, duration: float = 3.0,
                    requests: int | None = None, timeout: float = 10.0,
                    keep_alive: bool = True, method: str = "GET",
                    headers: dict[str, str] | None = None) -> LoadResult:
    """The coroutine behind :func:`run`, for callers already inside an event loop (notebooks)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    _check_loopback(host)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", "User-Agent: course.load"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if not keep_alive:
        lines.append("Connection: close")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    result = LoadResult(tool="course.load", requests=0, errors=0, duration=0.0)
    budget = [requests if requests is not None else 10**12]
    started = time.monotonic()
    deadline = started + duration
    await asyncio.gather(*(
        _worker(host, port, request, method, deadline, budget, result, timeout, keep_alive)
        for _ in range(concurrency)))
    result.duration = time.monotonic() - started
    result.__post_init__()
    return result


def run(url: str, **kwargs) -> LoadResult:
    """Bounded load from Python: see the module docstring; keyword args as in :func:`run_async`.

    Works in a notebook too: where an event loop is already running (Jupyter), the load runs
    on its own loop in a worker thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(run_async(url, **kwargs))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run_async(url, **kwargs)).result()


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"wrk printed a duration this parser does not know: {text!r}")
    number, unit = match.groups()
    return float(number) * _UNITS[unit]


def run_wrk(url: str, *, concurrency: int = 10, duration: float = 3.0, threads: int = 1,
            timeout: float = 10.0, cpu: int | None = None) -> LoadResult:
    """Run ``wrk --latency`` against a loopback URL and parse its report.

    ``cpu`` pins wrk to one core with ``taskset`` (when it exists) so it does not compete
    with the server for the same core.
    """
    _check_loopback(urlsplit(url).hostname or "")
    argv = ["wrk", "--latency", f"-t{threads}", f"-c{max(concurrency, threads)}",
            f"-d{max(1, round(duration))}s", f"--timeout={max(1, round(timeout))}s", url]
    if cpu is not None and shutil.which("taskset"):
        argv = ["taskset", "-c", str(cpu), *argv]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 30).stdout
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    if not total:
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    seconds = _ms(total.group(2) + total.group(3)) / 1000
    pct = {int(p): _ms(v) for p, v in re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)", out, re.M)}
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    statuses: Counter = Counter()
    if non2xx:
        statuses[500] = int(non2xx.group(1))  # wrk does not say which; counted as failures
    return LoadResult(tool="wrk", requests=int(total.group(1)), errors=errors, duration=seconds,
                      statuses=statuses, p50_ms=pct.get(50), p90_ms=pct.get(90),
                      p99_ms=pct.get(99))


def resolve_tool(tool: str = "auto") -> str:
    """The load generator :func:`measure` will use for ``tool``: ``"wrk"`` or ``"course.load"``.

    ``"auto"`` means wrk when it is on PATH; any other name than ``"wrk"`` means the Python
    client.
    """
    if tool == "wrk" or (tool == "auto" and wrk_available()):
        return "wrk"
    return "course.load"


def measure(url: str, *, concurrency: int = 10, duration: float = 3.0, tool: str = "auto",
            cpu: int | None = None) -> LoadResult:
    """wrk when available (``tool="auto"``), else :func:`run`; the result names the tool."""
    if tool == "wrk" or (tool == "auto" and wrk_available()):
        return run_wrk(url, concurrency=concurrency, duration=duration, cpu=cpu)
    return run(url, concurrency=concurrency, duration=duration)
