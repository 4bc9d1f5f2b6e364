"""Change every layer of the running stack under load, and count the requests that failed.

    python code/14_deployment/reload_under_load.py
    python code/14_deployment/reload_under_load.py --duration 3 --concurrency 8

It brings the whole stack up (``stack.py``: nginx with HTTPS in front of gunicorn and
uvicorn, from the files in this directory), then, for each change below, runs a bounded HTTPS
load loop through nginx (``https_load.py``) and makes the change in the middle of it:

1. ``nginx -s reload``         -- SIGHUP to nginx's master: new workers, old ones finish
2. ``gunicorn HUP``            -- new workers boot first, then the old ones finish and exit
3. ``uvicorn --workers 2 HUP`` -- uvicorn's supervisor replaces each worker, new one first
4. ``blue-green switch``       -- a "green" uvicorn starts, nginx's upstream is rewritten to
                                  it and reloaded, then "blue" is stopped
5. ``uvicorn (one process) HUP`` -- no supervisor: SIGHUP's default action kills the process
                                  (a shell reports exit status 129 = 128 + 1; systemd,
                                  code=killed status=1/HUP)

and prints one line per change: requests sent, requests failed (an error or a 5xx), GETs
the client repeated because a kept-alive connection closed under them (as browsers do; see
``https_load.py``), and what the stack promises.  The first four promise 0 failed; the
last one cannot: the app server is gone until something restarts it, and the failures are
printed.
``--websocket`` adds a sixth row: a WebSocket held open through ``nginx -s reload`` keeps
working on the old worker until ``worker_shutdown_timeout`` closes it.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psutil
from https_load import LoadOutcome, run_during
from stack import Stack, uvicorn_asgi

from course import servers


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Poll ``condition`` until it holds; fail loudly with ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


def gunicorn_hup(server: servers.Server) -> None:
    """HUP gunicorn and return once every old worker has been replaced."""
    old = {child.pid for child in psutil.Process(server.pid).children()}
    server.send_signal(signal.SIGHUP)

    def replaced() -> bool:
        now = {child.pid for child in psutil.Process(server.pid).children()}
        return bool(now) and not (now & old) and len(now) == len(old)
    wait_until(replaced, "gunicorn to replace its workers")


def uvicorn_hup(server: servers.Server, workers: int) -> None:
    """HUP uvicorn's supervisor and return once it has replaced (terminated) every worker."""
    before = server.output().count("Terminated child process")
    server.send_signal(signal.SIGHUP)
    wait_until(lambda: server.output().count("Terminated child process") >= before + workers,
               "uvicorn to restart its workers")


def row(label: str, outcome: LoadOutcome, promise: str) -> str:
    line = (f"{label:34} {outcome.total:8d} {outcome.failed:7d} {outcome.retried:8d}   "
            f"{promise}")
    if outcome.failed and promise == "0 failed":
        line += f"\n    failures: {outcome.samples}"      # show them: never hide a broken promise
    return line


async def websocket_through_reload(stack: Stack) -> list[str]:
    """Hold a WebSocket through an nginx reload; return what happened, line by line."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    events: list[str] = []
    url = stack.https_url.replace("https://", "wss://") + "/ws"
    async with connect(url, ssl=stack.ssl_context()) as ws:
        await ws.send("before")
        events.append(f"echo before the reload: {await ws.recv()!r}")
        assert stack.web is not None
        started = time.monotonic()
        reload_task = asyncio.create_task(asyncio.to_thread(stack.web.reload))
        await asyncio.sleep(0.5)          # the reload is under way (new workers serve)
        await ws.send("during")
        events.append(f"echo after the reload began: {await ws.recv()!r}")
        try:
            await ws.recv()
        except ConnectionClosed as closed:
            how = (f"close code {closed.rcvd.code}" if closed.rcvd
                   else "no close frame: the client sees 1006")
            events.append(f"closed by nginx {time.monotonic() - started:.1f} s after the "
                          f"reload ({how}): the old worker reached worker_shutdown_timeout")
        await reload_task
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1.5, help="seconds of load per change")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--websocket", action="store_true",
                        help="also hold a WebSocket through a reload (takes ~5 s more)")
    args = parser.parse_args()

    with Stack(quiet=True) as stack:
        assert stack.wsgi is not None and stack.asgi is not None and stack.web is not None
        context = stack.ssl_context()
        both = [stack.https_url + "/", stack.https_url + "/async/"]
        wsgi_only = [stack.https_url + "/"]
        asgi_only = [stack.https_url + "/async/"]
        print(f"stack up: nginx {stack.https_url} (HTTPS, HTTP/2) -> gunicorn "
              f"{stack.address(stack.wsgi)} + uvicorn {stack.address(stack.asgi)}")
        print(f"load: {args.concurrency} connections, {args.duration:g} s per change, "
              "HTTPS through nginx")
        print(f"{'change':34} {'requests':>8} {'failed':>7} {'retried':>8}   promise")

        def measure(urls: list[str], action: Callable[[], object]) -> LoadOutcome:
            return run_during(urls, action, context, concurrency=args.concurrency,
                              duration=args.duration, at=args.duration / 3)

        outcome = measure(both, stack.web.reload)
        print(row("nginx -s reload", outcome, "0 failed"), flush=True)

        outcome = measure(wsgi_only, lambda: gunicorn_hup(stack.wsgi))
        print(row("gunicorn HUP", outcome, "0 failed"), flush=True)

        outcome = measure(asgi_only, lambda: uvicorn_hup(stack.asgi, 2))
        print(row("uvicorn --workers 2 HUP", outcome, "0 failed"), flush=True)

        with uvicorn_asgi(workers=2, color="green") as green:
            blue = stack.asgi

            def switch() -> None:
                stack.switch_asgi(stack.address(green))
                blue.stop()
            outcome = measure(asgi_only, switch)
            print(row("blue-green switch (nginx reload)", outcome, "0 failed"), flush=True)
            colours = ", ".join(f"{line!r}: {n}" for line, n in sorted(outcome.bodies.items()))
            print(f"    answers: {colours}")

            single = uvicorn_asgi(workers=None, color="single")
            with single:
                stack.switch_asgi(stack.address(single))

                def hup_single() -> None:
                    single.send_signal(signal.SIGHUP)
                    single.proc.wait(timeout=10)
                outcome = measure(asgi_only, hup_single)
                code = single.proc.returncode
                print(row("uvicorn (one process) HUP", outcome, "none: the server dies"),
                      flush=True)
                shell_status = 128 - code if code is not None and code < 0 else code
                print(f"    uvicorn exited: returncode {code} (killed by signal {-code}, "
                      f"SIGHUP: a shell reports exit status {shell_status})"
                      if code is not None and code < 0 else f"    uvicorn exited: {code}")
                print(f"    statuses: {dict(sorted(outcome.statuses.items()))}; "
                      f"first failures: {outcome.samples[:2]}")
            stack.switch_asgi(stack.address(green))

            if args.websocket:
                for line in asyncio.run(websocket_through_reload(stack)):
                    print(f"    websocket: {line}")


if __name__ == "__main__":
    main()
