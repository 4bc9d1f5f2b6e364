"""Exercise 12.4 -- a FastAPI endpoint off the event loop, and a sized pool (reference solution).

See the stub in ``exercises/12_bridges_and_frameworks/ex4_unblock_fastapi.py`` for the rules.
"""

from __future__ import annotations

import time
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

REPORT_SECONDS = 0.5
THREAD_TOKENS = 60


def slow_report(rows: int) -> dict:
    """A blocking call (given): it holds its thread REPORT_SECONDS."""
    time.sleep(REPORT_SECONDS)
    return {"rows": rows, "total": rows * (rows + 1) // 2}


@asynccontextmanager
async def lifespan(app: FastAPI):
    # the default limiter belongs to the running event loop: size it once it runs
    anyio.to_thread.current_default_thread_limiter().total_tokens = THREAD_TOKENS
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/report")
def report(rows: int = 10) -> dict:
    return slow_report(rows)      # a `def` endpoint: FastAPI runs it in the thread pool


@app.get("/health")
async def health() -> dict:
    return {"ok": True}
