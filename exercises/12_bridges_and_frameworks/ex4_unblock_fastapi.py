"""Exercise 12.4 -- a FastAPI endpoint that blocks the event loop, and a thread pool to size.

``slow_report(rows)`` stands for a blocking library call (a database driver without async
support, a PDF renderer): it holds its thread ``REPORT_SECONDS``.  The endpoint below calls
it from ``async def``, so while one report runs *nothing else* on this event loop runs --
not even ``/health``.  Fix it, and size the thread pool.  The rules:

1. ``GET /report?rows=N`` still answers what ``slow_report(N)`` returns (call it by that
   name, so the graders can watch it).
2. While reports run, ``/health`` answers at once: ``slow_report`` must run in a worker
   thread, never on the event loop.  (FastAPI runs a plain ``def`` endpoint in its thread
   pool; or keep ``async def`` and ``await run_in_threadpool(...)``.)
3. That pool is anyio's default thread limiter, 40 tokens per event loop: a 41st blocking
   call waits.  Raise it to ``THREAD_TOKENS`` when the app starts, in its lifespan, so that
   ``THREAD_TOKENS`` reports can run at once.

Try it: ``python -m course check 12``.
"""

from __future__ import annotations

import time

from fastapi import FastAPI

REPORT_SECONDS = 0.5
THREAD_TOKENS = 60


def slow_report(rows: int) -> dict:
    """A blocking call (given): it holds its thread REPORT_SECONDS."""
    time.sleep(REPORT_SECONDS)
    return {"rows": rows, "total": rows * (rows + 1) // 2}


app = FastAPI()   # TODO(exercise 12.4): a lifespan that sizes the thread limiter


@app.get("/report")
async def report(rows: int = 10) -> dict:
    return slow_report(rows)      # TODO(exercise 12.4): this blocks the event loop


@app.get("/health")
async def health() -> dict:
    return {"ok": True}
