"""Mistake: stops the old live service with SIGKILL instead of SIGTERM.
Its WebSockets are cut without a close frame (1006), its requests in flight lost.

Exercise 15.6 -- deploy a new version with zero failed requests (reference solution).

The task and its rules are in ``exercises/15_capstone_workshop/ex6_deploy.py``.
"""

from __future__ import annotations

import signal
import time
import urllib.request
from collections.abc import Callable
from typing import Any


def answers_200(url: str) -> bool:
    """True when GET ``url`` answers 200; a refused connection or any other status: False."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def poll_until(condition: Callable[[], bool], deadline: float) -> bool:
    """Ask ``condition()`` every 50 ms until it is true (True) or ``deadline`` passes (False).

    ``deadline`` is a ``time.monotonic()`` value.
    """
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def deploy(stack: Any, timeout: float = 20.0) -> None:
    """Migrate, replace the live service blue-green, reload gunicorn's workers."""
    # 1. The schema first: the new code may need it, and the old code must cope with it.
    stack.migrate()

    # 2. The live service: one process holding its clients in memory, so a second one
    #    (green) starts next to it, and nginx switches only once green is ready.
    blue = stack.live
    green = stack.start_live()
    healthz = stack.live_url(green) + "/live/healthz"
    ready = poll_until(lambda: not green.alive or answers_200(healthz),
                       time.monotonic() + timeout)
    if not ready or not green.alive:
        green.stop()          # blue was never touched: it is still routed and serving
        raise RuntimeError(f"the new live service did not answer 200 on {healthz} within "
                           f"{timeout:g} s; the old one keeps serving")
    stack.route_live_to(green)
    stack.live = green
    # SIGTERM: uvicorn finishes its requests and closes its WebSockets with 1012 (service
    # restart); the browsers reconnect, through nginx, to green.
    blue.stop(signum=signal.SIGKILL)   # it is going away anyway

    # 3. The pages app: gunicorn's master survives SIGHUP, starts new workers (which load
    #    the new code) and stops the old ones gracefully; the listening socket never closes.
    old_workers = stack.pages_worker_pids()
    stack.pages.send_signal(signal.SIGHUP)
    healthz = stack.pages.url + "/healthz"

    def all_new() -> bool:
        workers = stack.pages_worker_pids()
        return (len(workers) == stack.pages_workers and not workers & old_workers
                and answers_200(healthz))

    if not poll_until(all_new, time.monotonic() + timeout):
        raise RuntimeError(f"gunicorn's workers were not all replaced (old pids "
                           f"{sorted(old_workers)}, now {sorted(stack.pages_worker_pids())}) "
                           f"and answering {healthz} within {timeout:g} s")
