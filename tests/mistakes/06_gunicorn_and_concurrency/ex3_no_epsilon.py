"""Mistake: rounds up with math.ceil alone, so floating-point noise adds a worker.

The rule of thumb (``2 * cores + 1``) and the concurrency model
(``capacity = workers * threads / seconds_per_request``) with its inverse.
"""

from __future__ import annotations

import math
import os

_EPSILON = 1e-9   # below this, a fraction of a worker is floating-point noise, not demand


def usable_cores() -> int:
    """The number of CPU cores this process may run on (at least 1)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def rule_of_thumb(cores: int) -> int:
    """gunicorn's suggested number of sync workers: ``2 * cores + 1``."""
    if cores < 1:
        raise ValueError(f"cores must be at least 1, got {cores}")
    return 2 * cores + 1


def _positive(**values: float) -> None:
    for name, value in values.items():
        if value <= 0:
            raise ValueError(f"{name} must be > 0, got {value}")


def capacity_rps(workers: int, threads: int, seconds_per_request: float) -> float:
    """The most requests per second workers x threads finish at ``seconds_per_request`` each."""
    _positive(workers=workers, threads=threads, seconds_per_request=seconds_per_request)
    return workers * threads / seconds_per_request


def workers_needed(target_rps: float, seconds_per_request: float, threads: int = 1) -> int:
    """The fewest workers whose capacity reaches ``target_rps`` (at least 1)."""
    _positive(target_rps=target_rps, seconds_per_request=seconds_per_request, threads=threads)
    exact = target_rps * seconds_per_request / threads
    return max(1, math.ceil(exact))
