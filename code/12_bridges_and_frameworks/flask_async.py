"""Flask's ``async def`` views: asgiref runs each one in a thread, the worker still waits.

Run it (a one-shot script; it starts and stops gunicorn itself on a free port):

    python code/12_bridges_and_frameworks/flask_async.py

Or serve it and look at the threads yourself:

    gunicorn flask_async:app --chdir code/12_bridges_and_frameworks
    curl localhost:8000/async

Flask is a WSGI app.  For an ``async def`` view, ``Flask.ensure_sync`` returns
``asgiref.sync.async_to_sync(view)`` (``Flask.async_to_sync`` in ``flask/app.py``).  Called
from a WSGI worker thread, which has no event loop, ``AsyncToSync`` starts
``asyncio.run`` in a new one-thread ``ThreadPoolExecutor`` and makes the worker thread wait
for it.  So each request gets a fresh event loop in a fresh thread, and the worker is
held for the whole view: one gunicorn sync worker serves four concurrent async views one
after another.  The script shows that: ``/async`` reports the thread it ran in, and a header names
the worker thread that waited.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

from flask import Flask

HERE = Path(__file__).resolve().parent
SLOW = 0.5

app = Flask(__name__)


@app.get("/async")
async def async_view() -> dict:
    await asyncio.sleep(SLOW)              # the loop is free... but the worker is not
    return {"view_thread": threading.current_thread().name}


@app.before_request
def note_worker_thread() -> None:
    from flask import g
    g.worker_thread = threading.current_thread().name


@app.after_request
def add_worker_thread(response):
    from flask import g
    response.headers["X-Worker-Thread"] = g.worker_thread
    return response


async def _four(url: str) -> dict:
    import httpx
    async with httpx.AsyncClient(timeout=30) as client:
        started = time.monotonic()
        answers = await asyncio.gather(*(client.get(url + "/async") for _ in range(4)))
        elapsed = time.monotonic() - started
    return {"seconds": elapsed,
            "view_threads": sorted({a.json()["view_thread"] for a in answers}),
            "worker_threads": sorted({a.headers["x-worker-thread"] for a in answers})}


def main() -> None:
    sys.path.insert(0, str(HERE.parents[1]))  # find `course` from a clone
    from course import servers
    with servers.gunicorn("flask_async:app", chdir=HERE) as server:
        result = asyncio.run(_four(server.url))
    print(f"gunicorn, 1 sync worker: 4 concurrent async views of {SLOW} s took "
          f"{result['seconds']:.2f} s")
    print(f"worker thread(s) that waited: {result['worker_threads']}")
    print(f"view thread(s), each with its own event loop: {result['view_threads']}")


if __name__ == "__main__":
    main()
