"""Exercise 14.4 -- a blue-green deploy that no client notices.

"Blue" is the app server in service; "green" is the new version, just started on another
port.  Write the deploy step that moves nginx's traffic from blue to green:

    blue_green_switch(web, site_for, blue, green, timeout=15.0) -> None

``web`` is the running nginx (:class:`course.nginx.Nginx`); ``site_for(address)`` returns
the nginx config (the inside of ``http {}``) whose upstream is ``address`` ("host:port");
``blue`` and ``green`` are :class:`course.servers.Server` objects (``.url``, ``.host``,
``.port``, ``.stop()``).  The rules:

1. Readiness first: before touching nginx, wait until green answers ``200`` to
   ``GET {green.url}/ready``.  A refused connection, a timeout or any other status (a 503
   "starting") means "not yet": ask again every 0.05-0.1 s.  A port that accepts connections
   is not enough -- an app can listen before it is ready.
2. Give up cleanly: if green is not ready within ``timeout`` seconds, raise ``RuntimeError``
   (saying green was not ready) and change nothing -- nginx keeps sending traffic to blue,
   and blue keeps running.
3. Switch: ``web.reload(site_for(f"{green.host}:{green.port}"))``.  It returns once nginx's
   old workers have finished the requests they held for blue.
4. Only then retire blue, gracefully: ``blue.stop()`` sends SIGTERM, and uvicorn finishes
   what it has, runs the app's lifespan shutdown, prints "Application shutdown complete" and
   exits (re-raising the SIGTERM it caught).  Never SIGKILL it: no shutdown would run.

The test keeps 4 clients sending requests through nginx the whole time and counts failures:
there must be none.  ``python code/14_deployment/reload_under_load.py`` does a blue-green
switch the same way (see ``Stack.switch_asgi``).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable

from course.nginx import Nginx
from course.servers import Server


def is_ready(url: str) -> bool:
    """True when ``GET url`` answers 200; False on any other status or a connection error."""
    raise NotImplementedError("exercise 14.4: ask the URL, 200 means ready")


def blue_green_switch(web: Nginx, site_for: Callable[[str], str], blue: Server, green: Server,
                      timeout: float = 15.0) -> None:
    """Wait for green to be ready, point nginx at it, then stop blue gracefully."""
    raise NotImplementedError("exercise 14.4: readiness, reload, then retire blue")
