"""A WSGI app whose requests mostly *wait*, served by gunicorn with the workers you choose.

    python code/06_gunicorn_and_concurrency/blocking_app.py                  # 1 sync worker
    python code/06_gunicorn_and_concurrency/blocking_app.py --workers 4
    python code/06_gunicorn_and_concurrency/blocking_app.py --worker-class gthread --threads 8

It prints ``Listening on http://127.0.0.1:8000`` once gunicorn is ready.  Then try:

    curl -s http://127.0.0.1:8000/whoami        # which worker process and thread answered
    curl -s http://127.0.0.1:8000/io?ms=100     # waits 100 ms (a stand-in for a database call)
    curl -s http://127.0.0.1:8000/io?ms=3000    # long enough to meet --timeout 2 (sync only)

and in another shell, watch the process tree and talk to the master (the pid it printed):

    ps -o pid,ppid,cmd --ppid MASTER_PID        # the workers are the master's children
    kill -TTIN MASTER_PID; kill -TTOU MASTER_PID  # one worker more / one fewer
    kill -HUP MASTER_PID                        # graceful reload: all workers replaced

Each answer is one line of ``key=value`` pairs.  The app is plain WSGI (PEP 3333); gunicorn
is embedded through its ``BaseApplication`` class, the documented way to run gunicorn from
Python.  Ctrl-C (SIGINT) or SIGTERM stops the master, which stops its workers.  The same app
runs from the command line:  gunicorn --chdir code/06_gunicorn_and_concurrency blocking_app:app
(run as this script, the master imported the module, so /whoami shows loaded_in_pid = the
master, as under --preload; under the gunicorn command each worker imports it).
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

LOADED_IN_PID = os.getpid()   # where this module was imported: the master with --preload


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "/")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if path == "/io":
        ms = query.get("ms", ["100"])[0]
        waited = min(int(ms) if ms.isdigit() else 100, 10_000)
        time.sleep(waited / 1000)            # blocks this worker thread, like a slow query
        text = f"waited_ms={waited} pid={os.getpid()}"
    elif path == "/whoami":
        text = (f"pid={os.getpid()} ppid={os.getppid()} thread={threading.get_ident()} "
                f"loaded_in_pid={LOADED_IN_PID}")
    elif path == "/":
        text = "try /whoami or /io?ms=100"
    else:
        body = b"not found\n"
        start_response("404 Not Found", [("Content-Type", "text/plain"),
                                          ("Content-Length", str(len(body)))])
        return [body]
    body = (text + "\n").encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def serve(host: str, port: int, **settings: object) -> None:
    """Run gunicorn in this process as the master, with ``settings`` (gunicorn's names)."""
    from gunicorn.app.base import BaseApplication

    class Embedded(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            for name, value in settings.items():
                self.cfg.set(name, value)
            self.cfg.set("when_ready", lambda server: print(
                f"Listening on http://{host}:{port} (gunicorn master pid {os.getpid()}, "
                f"{settings.get('workers', 1)} x {settings.get('worker_class', 'sync')} "
                "workers)", flush=True))

        def load(self) -> Callable:
            return app

    Embedded().run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=30)
    args = parser.parse_args()
    serve(args.host, args.port, workers=args.workers, worker_class=args.worker_class,
          threads=args.threads, timeout=args.timeout)
