"""The whole live-polls app, up for a demo: nginx, the pages app and the live service.

    python code/15_capstone_workshop/run_all.py                  # the reference build
    python code/15_capstone_workshop/run_all.py --from exercises # your stages 15.1-15.5

It migrates a fresh SQLite database, starts the live service (uvicorn), the pages app
(gunicorn) and nginx, creates a demo poll and prints where to look:

    Listening on http://127.0.0.1:8000
    open http://127.0.0.1:8000/polls/1 in two browser windows and vote in one of them

Then try:

    curl -s -X POST -H 'Content-Type: application/json' -d '{"choice_id": 1}' \\
         http://127.0.0.1:8000/api/polls/1/votes          # the windows' counters move
    curl -N http://127.0.0.1:8000/live/sse/1              # the same updates, as SSE
    curl -s http://127.0.0.1:8000/live/stats              # who is listening

Ctrl-C (or SIGTERM) stops nginx, gunicorn and uvicorn, and removes the database.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stack import PollsStack  # noqa: E402  (the chapter's own module, next to this file)

DEMO_QUESTION = "Which server runs your WSGI app in production?"
DEMO_CHOICES = ["gunicorn", "uWSGI", "mod_wsgi", "waitress"]


def stop_on_sigterm(stop: threading.Event) -> None:
    """SIGTERM ends the demo like Ctrl-C does: the stack is stopped, nothing outlives it."""

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1",
                        help="nginx listens on loopback only: 127.0.0.1 (the default)")
    parser.add_argument("--port", type=int, default=8000, help="nginx's public port")
    parser.add_argument("--from", dest="root", choices=["solutions", "exercises"],
                        default="solutions", help="which build's stage files to run")
    args = parser.parse_args()
    if args.host != "127.0.0.1":
        parser.error("stage 15.1's config listens on 127.0.0.1 only")

    stop = threading.Event()
    stop_on_sigterm(stop)
    with PollsStack(root=args.root, port=args.port) as stack:
        poll = stack.create_poll(DEMO_QUESTION, DEMO_CHOICES)
        page = f"{stack.url}/polls/{poll['id']}"
        print(f"pages (gunicorn, pid {stack.pages.pid}), live (uvicorn, pid {stack.live.pid}) "
              f"and nginx (pid {stack.nginx.server.pid}) are up; the {args.root} build")
        print(f"Listening on {stack.url}")
        print(f"open {page} in two browser windows and vote in one of them")
        print("Press Ctrl-C to stop everything.", flush=True)
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        print("stopping nginx, gunicorn and uvicorn ...", flush=True)
    print("stopped.")


if __name__ == "__main__":
    main()
