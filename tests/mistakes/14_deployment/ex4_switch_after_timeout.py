"""Mistake: when green is still not ready at the deadline, switches anyway instead of raising

Exercise 14.4 -- a blue-green deploy that no client notices (reference solution).

See the stub in exercises/14_deployment/ex4_blue_green.py for the rules.
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
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):     # HTTPError (a 503) is a URLError too
        return False


def blue_green_switch(web: Nginx, site_for: Callable[[str], str], blue: Server, green: Server,
                      timeout: float = 15.0) -> None:
    """Wait for green to be ready, point nginx at it, then stop blue gracefully."""
    deadline = time.monotonic() + timeout
    while not is_ready(f"{green.url}/ready"):
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    web.reload(site_for(f"{green.host}:{green.port}"))
    blue.stop()
