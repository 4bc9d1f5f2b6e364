"""Exercise 15.6 -- deploy a new version of the running app with zero failed requests.

A new release of the live-polls app brings new code and a new migration.  Write
``deploy(stack)``: it takes the running app (a ``PollsStack``, from
``code/15_capstone_workshop/stack.py``) to the new release while browsers keep loading
pages, voting and listening on WebSockets -- and not one of their requests may fail.

What ``stack`` gives you:

    stack.migrate()              apply the migrations the database does not have yet
    stack.live                   the running live service (a course.servers.Server:
                                 .pid, .alive, .stop() sends SIGTERM and waits)
    stack.start_live()           start a NEW live service on a free port; it returns at
                                 once, before the new process is ready
    stack.live_url(server)       "http://127.0.0.1:PORT" of one live service
    stack.route_live_to(server)  reload nginx so that /live/ (and the internal publish
                                 listener) go to ``server``; old connections stay put
    stack.pages                  gunicorn's master (a Server: .pid, .url,
                                 .send_signal(signal.SIGHUP))
    stack.pages_workers          how many workers gunicorn runs
    stack.pages_worker_pids()    the pids of gunicorn's workers right now

The rules, in this order:

1. Migrate first: ``stack.migrate()``.  The new code may need the new schema (and the old
   code still runs a moment on it: a migration only adds).
2. Replace the live service blue-green.  It is ONE uvicorn process holding its WebSocket
   clients in memory, so it cannot be reloaded in place: start a new one (green) next to
   the running one (blue), wait -- at most ``timeout`` seconds, asking every few
   milliseconds (``poll_until``) -- until green answers 200 on ``/live/healthz``,
   route nginx to it, set ``stack.live`` to it, and only then stop blue (``blue.stop()``,
   SIGTERM by its pid: it finishes its requests and closes its WebSockets with 1012,
   "service restart", and the browsers reconnect -- to green).
3. If green is not ready within ``timeout`` seconds: stop green, leave blue running,
   routed and in ``stack.live``, and raise ``RuntimeError`` saying what was waited for
   (green's ``/live/healthz``).  No request notices.
4. Reload the pages app: send SIGHUP to gunicorn's master.  The master stays (same pid,
   same listening socket), starts new workers with the new code and stops the old ones
   gracefully.  Return only when every worker is new (none of the old pids left, and
   ``stack.pages_workers`` of them) and ``/healthz`` answers 200.
5. Return ``None``.  Not one request sent through nginx during the deploy may fail, no
   vote answered 201 may be lost, and a WebSocket client that reconnects gets the votes
   cast after the deploy.

The two helpers below are given.
"""

from __future__ import annotations

import signal  # noqa: F401  (you will need it)
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
    raise NotImplementedError("exercise 15.6: migrate, blue-green the live service, "
                              "SIGHUP gunicorn")
