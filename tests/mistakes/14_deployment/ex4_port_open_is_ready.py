"""Mistake: takes 'the port accepts connections' for 'ready': a green answering 503 gets the traffic

Exercise 14.4 -- a blue-green deploy that no client notices (reference solution).

See the stub in exercises/14_deployment/ex4_blue_green.py for the rules.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from course.nginx import Nginx
from course.servers import Server


def is_ready(url: str) -> bool:
    """True when ``GET url`` answers 200; False on any other status or a connection error."""
    import socket
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return True
    except OSError:
        return False


def blue_green_switch(web: Nginx, site_for: Callable[[str], str], blue: Server, green: Server,
                      timeout: float = 15.0) -> None:
    """Wait for green to be ready, point nginx at it, then stop blue gracefully."""
    deadline = time.monotonic() + timeout
    while not is_ready(f"{green.url}/ready"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"green ({green.url}) was not ready within {timeout:g} s; "
                               "nginx still sends traffic to blue")
        time.sleep(0.05)
    web.reload(site_for(f"{green.host}:{green.port}"))
    blue.stop()
