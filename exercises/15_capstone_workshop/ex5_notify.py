"""Exercise 15.5 -- connect the halves: tell the live service about every vote.

The pages app (WSGI, stage 3) saves a vote, then calls ``notify(poll)``.  This stage writes
that function: it POSTs the poll, as JSON, to the live service's publish endpoint (stage 4),
which pushes it to every browser watching that poll.

    make_notifier(publish_url, timeout=0.5) -> notify(poll) -> None

The rules:

1. ``notify(poll)`` sends ``POST publish_url`` with the poll dict as a JSON body and
   ``Content-Type: application/json``; the live service answers ``202``.
2. The vote is already saved when ``notify`` runs, so a failure here must not turn into a
   failed vote: a live service that is down (connection refused), answers an error status
   (5xx or 4xx) or does not answer in time is *logged* as a warning on
   ``logging.getLogger("polls.notify")`` -- never raised.
3. It never holds the vote's answer up for long: the whole call returns within about
   ``timeout`` seconds even when the live service accepts the connection and then says
   nothing.

Why an internal HTTP call?  The pages app runs in gunicorn's worker processes and the live
service in uvicorn's: they share no memory, and SQLite has no "tell me when this changes".
The call costs one local request per vote (the notebook measures it).  A bigger deployment,
with several live processes each holding its own clients, would publish to a broker they all
subscribe to instead: Redis pub/sub, or PostgreSQL's LISTEN/NOTIFY.
"""

from __future__ import annotations

import json  # noqa: F401  (you will need these)
import logging
import urllib.error  # noqa: F401
import urllib.request  # noqa: F401
from collections.abc import Callable

log = logging.getLogger("polls.notify")


def make_notifier(publish_url: str, timeout: float = 0.5) -> Callable[[dict], None]:
    """A ``notify(poll)`` that posts each poll to ``publish_url`` and never raises."""

    def notify(poll: dict) -> None:
        raise NotImplementedError("exercise 15.5: POST the poll as JSON; log failures")

    return notify
