"""A bounded load loop over HTTPS that counts failed requests while something else happens.

``course.load`` speaks plain HTTP; the stack of this chapter answers plain HTTP only with a
redirect, so the reload experiments need a client that speaks TLS.  This one is small:

    result = run_during(url_paths, action, ssl_context, concurrency=4, duration=1.5, at=0.5)
    result.failed, result.ok, result.samples

``concurrency`` workers each send GET requests (HTTP/1.1 keep-alive over TLS, httpx) in turn
over ``paths`` until ``duration`` seconds are over; ``action()`` runs in a thread ``at``
seconds in (a reload, a kill).  A failure is a request that raised (refused, reset, timed out)
or got a 5xx answer; ``samples`` keeps a few of them to show.

One thing is retried, once, as browsers do: a GET sent on a kept-alive connection that the
server closed at that very moment, before any byte of an answer (httpx:
``RemoteProtocolError``, "server disconnected without sending a response", or ``ReadError``,
the same close arriving as a reset).  A server may
close an idle connection at any time (RFC 9112 §9.3.1), and a reloading nginx closes its
idle ones; a client may then repeat an idempotent request (RFC 9110 §9.2.2).  Those are
counted in ``retried``, not hidden.  ``bodies`` counts the first
line of each 200 answer (e.g. which colour answered).
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx


@dataclass
class LoadOutcome:
    ok: int = 0
    failed: int = 0
    retried: int = 0
    statuses: Counter = field(default_factory=Counter)
    bodies: Counter = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.ok + self.failed


async def _worker(client: httpx.AsyncClient, urls: Sequence[str], deadline: float,
                  outcome: LoadOutcome, offset: int) -> None:
    turn = offset
    while time.monotonic() < deadline:
        url = urls[turn % len(urls)]
        turn += 1
        try:
            try:
                response = await client.get(url)
            except (httpx.RemoteProtocolError, httpx.ReadError):
                outcome.retried += 1            # closed under us before any answer: GET again
                response = await client.get(url)
        except httpx.HTTPError as exc:
            outcome.failed += 1
            if len(outcome.samples) < 4:
                outcome.samples.append(f"{type(exc).__name__} on {url}")
            await asyncio.sleep(0.01)
            continue
        outcome.statuses[response.status_code] += 1
        if response.status_code >= 500:
            outcome.failed += 1
            if len(outcome.samples) < 4:
                outcome.samples.append(f"{response.status_code} on {url}")
        else:
            outcome.ok += 1
            outcome.bodies[response.text.split("\n", 1)[0]] += 1


async def _run(urls: Sequence[str], context: ssl.SSLContext, concurrency: int,
               duration: float) -> LoadOutcome:
    outcome = LoadOutcome()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    deadline = time.monotonic() + duration
    async with httpx.AsyncClient(verify=context, limits=limits, timeout=5) as client:
        await asyncio.gather(*(_worker(client, urls, deadline, outcome, offset)
                               for offset in range(concurrency)))
    return outcome


def run_during(urls: Sequence[str], action: Callable[[], object] | None,
               context: ssl.SSLContext, *, concurrency: int = 4, duration: float = 1.5,
               at: float = 0.4) -> LoadOutcome:
    """Load ``urls`` for ``duration`` s; run ``action()`` in a thread ``at`` s in; count."""
    errors: list[BaseException] = []

    def act() -> None:
        try:
            if action is not None:
                action()
        except BaseException as exc:     # reported after the load, not lost in the thread
            errors.append(exc)

    timer = threading.Timer(at, act)
    timer.start()
    try:
        outcome = asyncio.run(_run(urls, context, concurrency, duration))
    finally:
        timer.join()
    if errors:
        raise errors[0]
    return outcome
