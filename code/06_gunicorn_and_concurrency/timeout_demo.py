"""gunicorn's ``timeout`` is a liveness check on workers, not a limit on requests.

    python code/06_gunicorn_and_concurrency/timeout_demo.py
    python code/06_gunicorn_and_concurrency/timeout_demo.py --timeout 2 --request-ms 4000

It starts two gunicorns with ``--timeout 1`` -- one with a ``sync`` worker, one with a
``gthread`` worker -- and sends each one request that takes 2.5 s (``/io?ms=2500``).

What you should see:

* sync: after about a second the master logs ``WORKER TIMEOUT`` and kills the worker
  (SIGABRT); the client gets a 500.  A sync worker runs the request in its only thread, so
  it cannot tell the master "I am alive" (touch its heartbeat file) while the app is busy.
* gthread: the request completes with 200 after 2.5 s.  The worker's main thread keeps the
  heartbeat going while a pool thread runs the app, so the master never sees it silent.

So ``timeout`` bounds how long a *worker* may stay silent.  It is not a request timeout:
bound slow requests in the app (or with ``proxy_read_timeout`` at nginx) instead.
"""

from __future__ import annotations

import argparse
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from course import servers

HERE = Path(__file__).resolve().parent


def one_slow_request(worker_class: str, timeout: int, request_ms: int) -> dict[str, object]:
    """Start gunicorn with ``--timeout``, send one long request, report what happened."""
    threads = 2 if worker_class == "gthread" else 1
    with servers.gunicorn("blocking_app:app", chdir=HERE, worker_class=worker_class,
                          threads=threads, args=["--timeout", str(timeout)]) as server:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{server.url}/io?ms={request_ms}", timeout=30) as resp:
                status = resp.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:   # the connection was closed without an answer
            status = type(exc).__name__
        took = time.perf_counter() - started
        killed = [ln.split("] ", 3)[-1] for ln in server.output().splitlines()
                  if "WORKER TIMEOUT" in ln]
    return {"worker_class": worker_class, "status": status, "seconds": took,
            "worker_timeout_log": killed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=int, default=1, help="gunicorn --timeout (s)")
    parser.add_argument("--request-ms", type=int, default=2500)
    args = parser.parse_args()
    print(f"gunicorn --timeout {args.timeout}; one request of {args.request_ms} ms each:")
    with ThreadPoolExecutor(2) as pool:   # both servers at once: it takes half the time
        rows = list(pool.map(lambda k: one_slow_request(k, args.timeout, args.request_ms),
                             ["sync", "gthread"]))
    for row in rows:
        log = row["worker_timeout_log"][0] if row["worker_timeout_log"] else "(no WORKER TIMEOUT)"
        print(f"  {row['worker_class']:<8} status={row['status']!s:<5} after "
              f"{row['seconds']:.2f} s   master log: {log}")


if __name__ == "__main__":
    main()
