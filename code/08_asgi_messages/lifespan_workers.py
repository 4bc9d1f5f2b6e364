"""Lifespan runs once per worker process: gunicorn's native ASGI worker, two workers.

Run it:

    python code/08_asgi_messages/lifespan_workers.py --workers 2
    # Listening on http://127.0.0.1:8000 (gunicorn -k asgi, 2 workers)
    # [pid 4101] lifespan.startup: state prepared -> lifespan.startup.complete
    # [pid 4102] lifespan.startup: state prepared -> lifespan.startup.complete

Then try (several times: the kernel hands each new connection to one of the workers):

    curl http://127.0.0.1:8000/      # {"pid": 4101, "started_by": 4101, "requests_here": 1}

Stop it with Ctrl-C: each worker prints its ``lifespan.shutdown``.  The same module works
under uvicorn (``uvicorn lifespan_workers:app --workers 2 --app-dir code/08_asgi_messages``):
every worker process runs its own startup and gets its own ``state`` -- it is not shared
between processes.  Keep cross-process data in a database or a cache, not in ``state``.

Set ``LIFESPAN_FAIL=1`` to see a startup that fails: the app answers
``lifespan.startup.failed`` with a ``message``, and the server logs it and exits.
"""

from __future__ import annotations

import argparse
import json
import os
import time


def say(text: str) -> None:
    print(f"[pid {os.getpid()}] {text}", flush=True)


async def app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if os.environ.get("LIFESPAN_FAIL"):
                    say("lifespan.startup -> lifespan.startup.failed")
                    await send({"type": "lifespan.startup.failed",
                                "message": "LIFESPAN_FAIL is set: refusing to start"})
                    return
                scope["state"]["started_by"] = os.getpid()
                scope["state"]["started_at"] = time.time()
                scope["state"]["counter"] = [0]  # a mutable object: shared by the copies
                say("lifespan.startup: state prepared -> lifespan.startup.complete")
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                say("lifespan.shutdown -> lifespan.shutdown.complete")
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    state = scope.get("state", {})
    counter = state.get("counter", [0])
    counter[0] += 1
    body = json.dumps({"pid": os.getpid(), "started_by": state.get("started_by"),
                       "requests_here": counter[0]}).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    from gunicorn.app.base import BaseApplication

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    def when_ready(arbiter) -> None:
        print(f"Listening on http://{args.host}:{args.port} "
              f"(gunicorn -k asgi, {args.workers} workers)", flush=True)

    class Gunicorn(BaseApplication):
        def load_config(self) -> None:
            settings = {"bind": f"{args.host}:{args.port}", "workers": args.workers,
                        "worker_class": "asgi", "when_ready": when_ready,
                        "loglevel": "warning"}
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    Gunicorn().run()


if __name__ == "__main__":
    main()
