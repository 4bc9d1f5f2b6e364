"""Mistake: slots rounded down: 7.5 slots become 7 and the latency target is missed"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    workers: int
    threads: int

    @property
    def worker_class(self) -> str:
        """gunicorn's worker class for this shape: threads need ``gthread``."""
        return "gthread" if self.threads > 1 else "sync"


def choose(clients: int, seconds_per_request: float, latency_target: float,
           cores: int) -> Config:
    """The configuration described in the module docstring.

    ``choose(24, 0.2, 0.25, 2) == Config(workers=2, threads=10)``;
    ``choose(8, 0.1, 1.0, 4) == Config(workers=1, threads=1)`` (a queue of 8 is within 1 s).
    """
    for name, value in (("clients", clients), ("seconds_per_request", seconds_per_request),
                        ("latency_target", latency_target), ("cores", cores)):
        if value <= 0:
            raise ValueError(f"{name} must be > 0, got {value!r}")
    if latency_target < seconds_per_request:
        raise ValueError(f"a {latency_target} s target is below the {seconds_per_request} s "
                         "each request waits anyway: no configuration meets it")
    # latency = seconds * clients / slots <= target  <=>  slots >= clients * seconds / target
    slots_for_target = math.floor(clients * seconds_per_request / latency_target)
    slots = max(1, min(clients, slots_for_target))
    workers = min(cores, slots)
    threads = math.ceil(slots / workers)
    return Config(workers=workers, threads=threads)
