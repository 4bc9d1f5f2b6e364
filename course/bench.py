"""Side-by-side server benchmarks: the same load against each contender, in one run.

Benchmarks are scripts (``code/04_*/benchmark.py``, ``code/09_*/benchmark.py``, chapter 13),
never timed tests.  They all follow one recipe, kept here:

1. start each contender with :mod:`course.servers` -- pinned to one core with ``taskset``
   when the machine has it and more than one core, the load generator to another;
2. warm it up, then measure it ``runs`` times with :func:`course.load.measure` (``wrk`` when
   installed, else the Python client -- the table says which, because a Python client caps
   what it can measure);
3. report the median of the runs and the ratio of each contender to the others, so the
   numbers that matter are relative ones taken on the same machine at the same time.
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from course import load, servers

__all__ = ["Contender", "Measurement", "compare", "pin", "format_table", "ratio_lines"]

SERVER_CPU, LOAD_CPU = 0, 1


def can_pin() -> bool:
    return shutil.which("taskset") is not None and (os.cpu_count() or 1) > 1


def pin(argv: Sequence[str], cpu: int = SERVER_CPU) -> list[str]:
    """Prefix ``argv`` with ``taskset -c cpu`` where that works (Linux, 2+ cores)."""
    return ["taskset", "-c", str(cpu), *argv] if can_pin() else list(argv)


@dataclass
class Contender:
    name: str
    start: Callable[[], AbstractContextManager[servers.Server]]  # a started server, as a `with`
    path: str = "/"


@dataclass
class Measurement:
    name: str
    runs: list[load.LoadResult] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return statistics.median(r.rps for r in self.runs)

    def median(self, attr: str) -> float | None:
        values = [getattr(r, attr) for r in self.runs if getattr(r, attr) is not None]
        return statistics.median(values) if values else None

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.runs)

    @property
    def tool(self) -> str:
        return self.runs[0].tool if self.runs else "?"


def compare(contenders: Sequence[Contender], *, concurrency: int = 50, duration: float = 5.0,
            runs: int = 3, tool: str = "auto", warmup: float = 1.0, drain: float = 0.5,
            progress: Callable[[str], None] = print) -> list[Measurement]:
    """Measure each contender ``runs`` times under the same load; see the module docstring.

    ``drain`` seconds pass between runs: when wrk stops, requests it left in the server's
    listen queue are still served, and a slow server would carry them into the next run.
    """
    results = []
    load_cpu = LOAD_CPU if can_pin() else None
    for contender in contenders:
        m = Measurement(contender.name)
        with contender.start() as server:
            url = server.url + contender.path
            if warmup:
                load.measure(url, concurrency=concurrency, duration=warmup, tool=tool,
                             cpu=load_cpu)
            for i in range(runs):
                time.sleep(drain)
                m.runs.append(load.measure(url, concurrency=concurrency, duration=duration,
                                           tool=tool, cpu=load_cpu))
                progress(f"  {contender.name:<28} run {i + 1}/{runs}: {m.runs[-1].rps:,.0f} req/s")
        results.append(m)
    return results


def format_table(results: Sequence[Measurement]) -> str:
    """A fixed-width table: median rps, p50/p99 latency, failures, and the load tool."""
    def ms(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"
    lines = [f"{'server':<30}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}  tool",
             "-" * 74]
    for m in results:
        lines.append(f"{m.name:<30}{m.rps:>10,.0f}{ms(m.median('p50_ms')):>9}"
                     f"{ms(m.median('p99_ms')):>9}{m.failed:>8}  {m.tool}")
    return "\n".join(lines)


def ratio_lines(results: Sequence[Measurement], subject: str) -> list[str]:
    """``subject / other = 1.23×`` for every other contender (median rps, same run)."""
    by_name = {m.name: m for m in results}
    base = by_name[subject]
    return [f"{subject} / {m.name} = {base.rps / m.rps:.2f}×"
            for m in results if m.name != subject and m.rps > 0]
