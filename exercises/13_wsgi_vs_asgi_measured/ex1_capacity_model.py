"""Exercise 13.1 -- predict, then measure: the concurrency budget as code.

A server that runs ``workers`` processes with ``threads`` threads each can hold
``workers × threads`` requests at once -- its *budget*.  When every request spends
``seconds_per_request`` waiting (a database, an API), and ``connections`` clients each send
their next request as soon as the last one is answered:

* throughput is ``min(connections, workers × threads) / seconds_per_request`` -- the budget
  caps it, and so do the clients: 5 clients can never keep 100 threads busy;
* latency follows from Little's law (requests in the system = throughput × latency): each
  client has one request in the system, so ``latency = connections / throughput``.  When the
  clients outnumber the budget, requests queue and latency grows past ``seconds_per_request``.

Predict first: 8 clients, one gthread worker with 4 threads, 100 ms per request -- how many
requests per second, and how long does each client wait?  Then write the functions below.
The graded tests check them against numbers and against a real gunicorn measured under load
(with a tolerance: a measurement is never exact).

Functions to write:

    model_rps(connections, workers, threads, seconds_per_request) -> float
    bottleneck(connections, workers, threads) -> str
    model_latency(connections, workers, threads, seconds_per_request) -> float

Rules: standard library only; any argument <= 0 is a ``ValueError``.
"""

from __future__ import annotations


def model_rps(connections: int, workers: int, threads: int, seconds_per_request: float) -> float:
    """Requests per second: ``min(connections, workers × threads) / seconds_per_request``.

    ``model_rps(100, 1, 1, 0.1) == 10.0``; ``model_rps(5, 2, 8, 0.1) == 50.0``.
    """
    raise NotImplementedError("exercise 13.1: min(connections, workers * threads) / seconds")


def bottleneck(connections: int, workers: int, threads: int) -> str:
    """What limits throughput: ``"clients"`` when ``connections <= workers × threads`` (every
    request gets a thread at once), else ``"budget"`` (requests queue for a thread)."""
    raise NotImplementedError("exercise 13.1: compare connections with workers * threads")


def model_latency(connections: int, workers: int, threads: int,
                  seconds_per_request: float) -> float:
    """Seconds each request takes, waiting included: ``connections / model_rps(...)``.

    ``model_latency(8, 1, 4, 0.1) == 0.2`` (half the clients wait a turn);
    ``model_latency(3, 1, 4, 0.1) == 0.1`` (nobody waits).
    """
    raise NotImplementedError("exercise 13.1: Little's law, connections / throughput")
