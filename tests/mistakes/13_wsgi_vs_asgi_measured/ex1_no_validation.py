"""Mistake: no ValueError for arguments <= 0: zero clients gives a throughput of 0, not an error.
"""

from __future__ import annotations


def _check_positive(**values: float) -> None:
    for name, value in values.items():
        if value < 0:
            raise ValueError(f"{name} must be > 0, got {value!r}")


def model_rps(connections: int, workers: int, threads: int, seconds_per_request: float) -> float:
    _check_positive(connections=connections, workers=workers, threads=threads,
                    seconds_per_request=seconds_per_request)
    budget = workers * threads
    return min(connections, budget) / seconds_per_request


def bottleneck(connections: int, workers: int, threads: int) -> str:
    _check_positive(connections=connections, workers=workers, threads=threads)
    return "clients" if connections <= workers * threads else "budget"


def model_latency(connections: int, workers: int, threads: int,
                  seconds_per_request: float) -> float:
    throughput = model_rps(connections, workers, threads, seconds_per_request)
    return connections / throughput
