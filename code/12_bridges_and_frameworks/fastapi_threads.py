"""FastAPI's ``def`` endpoints share one thread limiter: the 41st blocking request waits.

Run it (a one-shot script; it starts and stops uvicorn itself on free ports):

    python code/12_bridges_and_frameworks/fastapi_threads.py

Or serve the app and size the limiter yourself:

    THREAD_TOKENS=100 uvicorn fastapi_threads:app --app-dir code/12_bridges_and_frameworks
    curl localhost:8000/blocking  localhost:8000/peak

FastAPI runs an ``async def`` endpoint on the event loop and a ``def`` endpoint through
``starlette.concurrency.run_in_threadpool``, which is ``anyio.to_thread.run_sync``: every
call takes a token from anyio's default ``CapacityLimiter``, created with 40 tokens (see
``current_default_thread_limiter`` in ``anyio/_backends/_asyncio.py``).  A 41st call waits
for a token.  ``/blocking`` holds its thread ``HOLD`` seconds; ``/peak`` says how many were
ever running at once.  The script sends ``REQUESTS`` = 41 at once, twice: with the default
limiter, and with the limiter sized to 100 tokens in the app's lifespan (``THREAD_TOKENS``).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI

HERE = Path(__file__).resolve().parent
HOLD = 0.5
REQUESTS = 41

_lock = threading.Lock()
_running = {"now": 0, "peak": 0}


@asynccontextmanager
async def lifespan(app: FastAPI):
    tokens = os.environ.get("THREAD_TOKENS")
    if tokens:
        # the limiter belongs to this event loop: size it here, once, at startup
        anyio.to_thread.current_default_thread_limiter().total_tokens = int(tokens)
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/blocking")
def blocking() -> dict:
    with _lock:
        _running["now"] += 1
        _running["peak"] = max(_running["peak"], _running["now"])
    time.sleep(HOLD)                       # stands for a blocking driver or library call
    with _lock:
        _running["now"] -= 1
    return {"thread": threading.current_thread().name}


@app.get("/peak")
async def peak() -> dict:
    limiter = anyio.to_thread.current_default_thread_limiter()
    return {"peak": _running["peak"], "total_tokens": limiter.total_tokens}


async def burst(url: str, count: int = REQUESTS) -> dict:
    """``count`` requests to /blocking at once: each one's latency, sorted, and the peak."""
    import httpx

    limits = httpx.Limits(max_connections=count + 5)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        async def timed() -> float:
            started = time.monotonic()
            response = await client.get(url + "/blocking")
            response.raise_for_status()
            return time.monotonic() - started

        latencies = sorted(await asyncio.gather(*(timed() for _ in range(count))))
        seen = (await client.get(url + "/peak")).json()
    return {"latencies": latencies, **seen}


def run(tokens: int | None) -> dict:
    sys.path.insert(0, str(HERE.parents[1]))  # find `course` from a clone
    from course import servers
    env = {"THREAD_TOKENS": str(tokens)} if tokens else {}
    with servers.uvicorn("fastapi_threads:app", app_dir=HERE, env=env) as server:
        return asyncio.run(burst(server.url))


def render(label: str, result: dict) -> str:
    latencies = result["latencies"]
    return (f"{label:<22} tokens={result['total_tokens']:<4} peak threads={result['peak']:<4} "
            f"fastest={latencies[0]:.2f} s  40th={latencies[39]:.2f} s  "
            f"41st={latencies[40]:.2f} s")


def main() -> None:
    print(render("default limiter", run(None)))
    print(render("THREAD_TOKENS=100", run(100)))


if __name__ == "__main__":
    main()
