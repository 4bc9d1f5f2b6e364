"""nginx's proxy_cache in front of the app: the status sequence, the lock, and what never caches.

    python code/14_deployment/cache_demo.py

It brings the stack up (``stack.py``) and asks ``/cached/news`` -- an answer the app marks
``Cache-Control: public, max-age=1`` -- through nginx, printing for each request the
``X-Cache-Status`` nginx adds (``$upstream_cache_status``) and the app's own count of calls:

1. the sequence as content expires: ``MISS`` (the app is asked), ``HIT`` (it is not),
   then after max-age ``STALE`` (the old copy is served at once and
   ``proxy_cache_background_update`` refreshes it behind the client's back), then ``HIT``;
2. ``proxy_cache_lock``: N concurrent requests for a cold, slow URL -- the app is called once
   with the lock on (the others wait for that one answer), about N times with it off (the same
   site.conf with that one directive turned off, reloaded);
3. what must never be served from a shared cache: a ``Set-Cookie`` answer (nginx does not
   store it), a request with ``Authorization`` or ``Cookie`` (``proxy_cache_bypass`` and
   ``proxy_no_cache`` in site.conf: nginx itself would happily serve one user's page to
   another).
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stack import Stack


def backend_calls(stack: Stack, path: str) -> int:
    """How many requests for ``path`` the app logged (its own JSON log line per request)."""
    assert stack.asgi is not None
    return stack.asgi.output().count(f'"path": "{path}"')


def expiry_sequence(stack: Stack) -> list[tuple[str, int]]:
    """(cache status, app calls so far) for the MISS -> HIT -> STALE -> HIT walk."""
    url = stack.https_url + "/cached/news?max_age=1"
    seen: list[tuple[str, int]] = []
    with stack.https_client() as client:
        def ask() -> str:
            status = client.get(url).headers.get("x-cache-status", "-")
            seen.append((status, backend_calls(stack, "/news")))
            return status
        ask()                       # cold: MISS
        ask()                       # fresh: HIT
        time.sleep(2.1)             # max-age=1 in whole seconds: expired within 2 s
        ask()                       # expired: STALE, refreshed in the background
        deadline = time.monotonic() + 5
        while ask() != "HIT" and time.monotonic() < deadline:
            pass                    # UPDATING until the background refresh lands
    return seen


def cold_burst(stack: Stack, clients: int) -> tuple[int, list[str]]:
    """``clients`` concurrent GETs of one cold, slow URL: (app calls, cache statuses)."""
    path = f"/cached/news?delay=0.5&key={uuid.uuid4().hex}"
    before = backend_calls(stack, "/news")
    with stack.https_client(http2=False) as client:
        with ThreadPoolExecutor(clients) as pool:
            answers = list(pool.map(lambda _: client.get(stack.https_url + path),
                                    range(clients)))
    statuses = sorted(a.headers.get("x-cache-status", "-") for a in answers)
    return backend_calls(stack, "/news") - before, statuses


def never_cached(stack: Stack) -> list[str]:
    """Two requests each for the private cases: status and whether the app saw both."""
    lines = []
    cases = [("/cached/private", {}, "answer sets a cookie"),
             ("/cached/news?max_age=60&u=alice", {"Authorization": "Bearer alice"},
              "request has Authorization"),
             ("/cached/news?max_age=60&u=bob", {"Cookie": "session=bob"}, "request has a Cookie")]
    with stack.https_client() as client:
        for path, headers, why in cases:
            app_path = path.removeprefix("/cached").split("?")[0]
            before = backend_calls(stack, app_path)
            statuses = []
            for _ in range(2):
                client.cookies.clear()      # a new visitor each time: no cookie sent back
                answer = client.get(stack.https_url + path, headers=headers)
                statuses.append(answer.headers.get("x-cache-status", "-"))
            calls = backend_calls(stack, app_path) - before
            lines.append(f"{why:28} statuses {' '.join(statuses):15} app called {calls} of 2")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10, help="concurrent cold requests")
    args = parser.parse_args()
    with Stack(quiet=True) as stack:
        assert stack.web is not None and stack.asgi is not None
        print("1. as content expires (max-age=1):")
        for status, calls in expiry_sequence(stack):
            print(f"   {status:9} app calls so far: {calls}")

        calls_locked, statuses = cold_burst(stack, args.clients)
        print(f"2. {args.clients} concurrent cold requests, proxy_cache_lock on:  "
              f"app called {calls_locked} time(s); statuses {' '.join(statuses)}")
        unlocked = stack.render_site(asgi=stack.address(stack.asgi)).replace(
            "proxy_cache_lock on;", "proxy_cache_lock off;")
        stack.web.reload(site=unlocked)
        calls_unlocked, statuses = cold_burst(stack, args.clients)
        print(f"   {args.clients} concurrent cold requests, proxy_cache_lock off: "
              f"app called {calls_unlocked} time(s); statuses {' '.join(statuses)}")

        print("3. never from the shared cache:")
        for line in never_cached(stack):
            print(f"   {line}")


if __name__ == "__main__":
    main()
