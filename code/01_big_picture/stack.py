"""The whole stack on your machine: nginx in front, gunicorn (WSGI) and uvicorn (ASGI) behind.

    python code/01_big_picture/stack.py              # Listening on http://127.0.0.1:8000
    curl -s http://127.0.0.1:8000/wsgi/hello         # nginx → gunicorn → wsgi_app.app
    curl -s http://127.0.0.1:8000/asgi/hello         # nginx → uvicorn  → asgi_app.app
    curl -s http://127.0.0.1:8000/                   # answered by nginx itself

Three processes talk HTTP to each other over 127.0.0.1; WSGI and ASGI happen only *inside*
gunicorn and uvicorn, as Python calls.  Both apps answer with JSON showing what reached them
-- look for the ``X-Forwarded-For`` and ``X-Forwarded-Proto`` headers nginx added, and the
``Host`` it passed on.  Ctrl-C (or SIGTERM) stops all three, each by its process id.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the course toolkit, when run from a clone

from course import servers  # noqa: E402
from course.nginx import Nginx  # noqa: E402

NGINX_CONFIG = """
server {
    listen 127.0.0.1:{{port}};
    server_tokens off;

    location = / {
        default_type text/plain;
        return 200 "nginx here. Try /wsgi/hello (gunicorn) and /asgi/hello (uvicorn).\\n";
    }

    # proxy_pass with a URI part ("/"): the matched prefix /wsgi/ is replaced by /,
    # so the app sees /hello, not /wsgi/hello.
    location /wsgi/ {
        proxy_pass http://127.0.0.1:{{wsgi_port}}/;
        proxy_http_version 1.1;
        proxy_set_header Host $host:$server_port;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }

    location /asgi/ {
        proxy_pass http://127.0.0.1:{{asgi_port}}/;
        proxy_http_version 1.1;
        proxy_set_header Host $host:$server_port;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
"""


@dataclass
class Stack:
    nginx: Nginx
    gunicorn: servers.Server
    uvicorn: servers.Server

    @property
    def url(self) -> str:
        return self.nginx.url


@contextmanager
def running_stack(port: int | None = None, gunicorn_args: tuple[str, ...] = ()) -> Iterator[Stack]:
    """Start gunicorn, uvicorn and nginx (in that order); stop all three on exit."""
    with servers.gunicorn("wsgi_app:app", chdir=HERE,
                          args=["--access-logfile", "-", *gunicorn_args]) as wsgi, \
         servers.uvicorn("asgi_app:app", app_dir=HERE) as asgi, \
         Nginx(NGINX_CONFIG, port=port, wsgi_port=wsgi.port, asgi_port=asgi.port) as web:
        yield Stack(web, wsgi, asgi)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="nginx listens here (loopback only)")
    parser.add_argument("--port", type=int, default=8000, help="nginx's port")
    args = parser.parse_args()
    if args.host != "127.0.0.1":
        parser.error("the course stack only listens on 127.0.0.1")
    # SIGTERM (e.g. from a test or `kill PID`) unwinds the `with` blocks like Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with running_stack(port=args.port) as stack:
        print(f"gunicorn (WSGI) pid {stack.gunicorn.pid} on {stack.gunicorn.url}")
        print(f"uvicorn  (ASGI) pid {stack.uvicorn.pid} on {stack.uvicorn.url}")
        print(f"nginx           pid {stack.nginx.server.pid} in front")
        print(f"Listening on {stack.url}   try {stack.url}/wsgi/hello and {stack.url}/asgi/hello")
        print("Ctrl-C stops all three.", flush=True)
        try:
            while all(s.alive for s in (stack.gunicorn, stack.uvicorn, stack.nginx.server)):
                time.sleep(0.5)
            print("a server exited; stopping the others", file=sys.stderr)
        except KeyboardInterrupt:
            pass
    print("stopped nginx, uvicorn and gunicorn.", flush=True)


if __name__ == "__main__":
    main()
