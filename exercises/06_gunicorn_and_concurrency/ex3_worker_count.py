"""Exercise 6.3 -- how many gunicorn workers?  The rule of thumb and the model behind it.

Two ways to choose ``workers``, and you will write both:

* gunicorn's documented starting point, ``2 * cores + 1``: its docs reason that on each core
  one worker is reading or writing the socket while another processes a request, and call the
  formula "not overly scientific" -- start there, then tune under load (TTIN/TTOU) and measure.
* the concurrency model of this chapter: a worker with ``threads`` threads finishes at most
  ``threads`` requests every ``seconds_per_request``, so ``workers`` of them top out at
  ``workers * threads / seconds_per_request`` requests per second (Little's law).  Invert it
  to find the workers a target throughput needs.

Functions to write (see each docstring):

    usable_cores() -> int
    rule_of_thumb(cores) -> int
    capacity_rps(workers, threads, seconds_per_request) -> float
    workers_needed(target_rps, seconds_per_request, threads=1) -> int

Rules: standard library only; raise ``ValueError`` for the inputs each docstring rejects.
"""

from __future__ import annotations


def usable_cores() -> int:
    """The number of CPU cores this process may run on.

    Use ``os.sched_getaffinity(0)`` where it exists (Linux: it honours ``taskset`` and
    container CPU sets), else ``os.cpu_count()``; never less than 1.
    """
    raise NotImplementedError("exercise 6.3: count the cores this process may use")


def rule_of_thumb(cores: int) -> int:
    """gunicorn's suggested number of sync workers: ``2 * cores + 1``.

    ``cores`` below 1 is a ``ValueError``.
    """
    raise NotImplementedError("exercise 6.3: return 2 * cores + 1")


def capacity_rps(workers: int, threads: int, seconds_per_request: float) -> float:
    """The most requests per second ``workers`` x ``threads`` can finish when each request
    holds its thread for ``seconds_per_request`` (e.g. 100 ms of waiting on a database).

    ``capacity_rps(4, 1, 0.1) == 40.0``.  Any argument <= 0 is a ``ValueError``.
    """
    raise NotImplementedError("exercise 6.3: workers * threads / seconds_per_request")


def workers_needed(target_rps: float, seconds_per_request: float, threads: int = 1) -> int:
    """The fewest workers whose capacity reaches ``target_rps`` (at least 1).

    ``workers_needed(50, 0.1) == 5``; ``workers_needed(51, 0.1) == 6``;
    ``workers_needed(100, 0.1, threads=4) == 3``.  Round *up*, but do not let floating-point
    noise add a worker: ``workers_needed(100, 0.07) == 7`` although ``100 * 0.07`` is
    ``7.000000000000001`` (0.07 has no exact binary form).  Any argument <= 0 is a
    ``ValueError``.
    """
    raise NotImplementedError("exercise 6.3: invert capacity_rps and round up")
