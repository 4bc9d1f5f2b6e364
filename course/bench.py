"""Side-by-side server benchmarks you can trust: interleaved runs, pair-by-pair ratios, spreads.

Benchmarks are scripts (``code/04_*/benchmark.py``, ``code/09_*/benchmark.py``, chapter 13),
never timed tests.  They all follow one recipe, kept here:

1. start every contender with :mod:`course.servers` -- pinned to one core with ``taskset``
   when the machine has it and more than one core (:func:`pin`); the load generator runs on
   another core;
2. warm each one up once, then measure them **interleaved**: round 1 is A, B, C; round 2 is
   A, B, C again; and so on (:func:`schedule`).  A shared machine's speed drifts from minute
   to minute: measuring all of A and then all of B would book that drift as a difference
   between A and B.  Interleaving spreads it over every contender alike;
3. load comes from :func:`course.load.measure` -- ``wrk`` when installed, else the Python
   client (which caps what it can measure); every result names its tool;
4. report each contender's median, and each ratio **pair by pair**: round k of A against
   round k of B (two numbers taken seconds apart), then the median of those ratios and their
   min-max spread (:class:`Ratio`).  A spread that contains 1.0 says the order of the two
   changed between rounds: that is printed as "no clear difference", whatever the median.

What it is not: a statistics package.  A handful of runs and a min-max spread is an honest,
readable summary for a course; it is not a confidence interval.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from course import load, servers

__all__ = [
    "Contender",
    "Measurement",
    "Ratio",
    "can_pin",
    "compare",
    "format_table",
    "pair_ratios",
    "pin",
    "ratio_lines",
    "ratios",
    "schedule",
    "setup_line",
    "spread",
    "to_json",
    "verdict",
]

SERVER_CPU, LOAD_CPU = 0, 1
NO_CLEAR_DIFFERENCE = "no clear difference"


# ------------------------------------------------------------------ pinning

def can_pin() -> bool:
    """True where ``taskset`` exists and this machine has two cores or more."""
    return shutil.which("taskset") is not None and (os.cpu_count() or 1) > 1


def pin(argv: Sequence[str], cpu: int = SERVER_CPU) -> list[str]:
    """Prefix ``argv`` with ``taskset -c cpu`` where that works (Linux, 2+ cores)."""
    return ["taskset", "-c", str(cpu), *argv] if can_pin() else list(argv)


def setup_line(tool: str, *, concurrency: int, duration: float, runs: int) -> str:
    """One line that says how the numbers were taken: load tool, pinning, load, rounds.

    ``tool`` is what :func:`compare` was given (``"auto"``, ``"wrk"``, ``"course.load"``).
    """
    name = load.resolve_tool(tool)
    said = name if name == "wrk" else f"{name} (a Python client: it caps what it can measure)"
    if not can_pin():
        pinned = "not pinned (no taskset or one core)"
    elif name == "wrk":
        pinned = f"servers on CPU {SERVER_CPU}, load on CPU {LOAD_CPU}"
    else:
        pinned = f"servers on CPU {SERVER_CPU}, the Python client not pinned"
    return (f"load generator: {said}; {pinned}; {concurrency} connections; "
            f"{runs} interleaved round(s) of {duration:g} s after a warm-up each")


# ------------------------------------------------------------------ pure arithmetic

def pair_ratios(subject: Sequence[float], other: Sequence[float]) -> list[float]:
    """Run k of ``subject`` divided by run k of ``other``, for every k both have.

    Pairs with a zero (or missing) denominator are skipped: a ratio to nothing means nothing.
    """
    return [a / b for a, b in zip(subject, other, strict=False) if b]


def spread(values: Sequence[float]) -> tuple[float, float, float]:
    """``(median, lowest, highest)`` of ``values`` (at least one)."""
    if not values:
        raise ValueError("spread() of no values: every pair had a zero denominator")
    return statistics.median(values), min(values), max(values)


# Pairs within 2 % of each other are a tie: a benchmark run's own rounding (a 1.00 s vs a
# 1.01 s wrk run for the same request count) must not become "higher" or "lower".
TIE_BAND = 0.02


def verdict(low: float, high: float, pairs: int = 2) -> str:
    """What a spread of ratios ``[low, high]`` lets you say.

    ``"higher"`` when every pair is above 1, ``"lower"`` when every pair is below 1,
    ``"no clear difference"`` when the spread contains 1.0 (the order changed between rounds)
    or lies within :data:`TIE_BAND` of it, and ``"one pair: no spread"`` when there was only
    one pair to judge by.
    """
    if pairs < 2:
        return "one pair: no spread"
    if low <= 1.0 <= high:
        return NO_CLEAR_DIFFERENCE
    if 1.0 - TIE_BAND <= low and high <= 1.0 + TIE_BAND:
        return NO_CLEAR_DIFFERENCE
    return "higher" if low > 1.0 else "lower"


@dataclass
class Ratio:
    """``subject / other`` of one metric, taken pair by pair."""

    subject: str
    other: str
    pairs: list[float]
    metric: str = "rps"

    @property
    def median(self) -> float:
        return spread(self.pairs)[0]

    @property
    def low(self) -> float:
        return spread(self.pairs)[1]

    @property
    def high(self) -> float:
        return spread(self.pairs)[2]

    @property
    def verdict(self) -> str:
        return verdict(self.low, self.high, len(self.pairs))

    @property
    def clear(self) -> bool:
        """True when every pair agrees on which side of 1.0 the ratio is."""
        return self.verdict in ("higher", "lower")

    def in_words(self) -> str:
        """The verdict as a sentence a learner can read back, with the spread it rests on."""
        a, b = self.subject, self.other
        n = len(self.pairs)
        rounds = f"spread {self.low:.2f}×–{self.high:.2f}× over {n} round{'s' * (n != 1)}"
        if self.verdict == "higher":
            return f"{a} measured higher {self.metric} than {b} in every round ({rounds})"
        if self.verdict == "lower":
            return f"{a} measured lower {self.metric} than {b} in every round ({rounds})"
        if self.verdict == NO_CLEAR_DIFFERENCE:
            return (f"{a} vs {b}: no clear difference, the order changed between rounds "
                    f"or stayed within {TIE_BAND:.0%} ({rounds})")
        return f"{a} vs {b}: one round only, no spread -- run more rounds"

    def line(self) -> str:
        """``A / B = 1.23× (spread 1.10–1.40 over 3 pairs)``, plus the verdict when unclear."""
        n = len(self.pairs)
        text = (f"{self.subject} / {self.other} = {self.median:.2f}× "
                f"(spread {self.low:.2f}–{self.high:.2f} over {n} pair{'s' * (n != 1)}")
        if self.verdict == NO_CLEAR_DIFFERENCE:
            text += f": {NO_CLEAR_DIFFERENCE}"
        elif n < 2:
            text += ": one pair, no spread -- run more rounds"
        return text + ")"

    def as_dict(self) -> dict[str, Any]:
        # full precision: a reader may invert these (a ratio of 0.0036 rounded to 4 places
        # would be off by 1 % read the other way)
        return {"subject": self.subject, "other": self.other, "metric": self.metric,
                "pairs": list(self.pairs), "median": self.median, "low": self.low,
                "high": self.high, "verdict": self.verdict}


def schedule(names: Sequence[str], runs: int) -> list[tuple[int, str]]:
    """The interleaved order: ``[(1, A), (1, B), (1, C), (2, A), (2, B), …]``."""
    return [(k, name) for k in range(1, runs + 1) for name in names]


# ------------------------------------------------------------------ contenders and results

@dataclass
class Contender:
    name: str
    start: Callable[[], AbstractContextManager[servers.Server]]  # a started server, as a `with`
    path: str = "/"
    concurrency: int | None = None      # None: the concurrency given to compare()
    warmup_concurrency: int | None = None   # None: compare()'s warmup_concurrency, or the run's


@dataclass
class Measurement:
    name: str
    runs: list[load.LoadResult] = field(default_factory=list)

    def values(self, attr: str = "rps") -> list[float]:
        """One value per run, in round order (``None`` where the tool had none)."""
        return [getattr(r, attr) for r in self.runs]

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


Measure = Callable[..., load.LoadResult]


def compare(contenders: Sequence[Contender], *, concurrency: int = 50, duration: float = 5.0,
            runs: int = 3, tool: str = "auto", warmup: float = 1.0, drain: float = 0.5,
            progress: Callable[[str], None] = print,
            measure: Measure | None = None, fresh: bool = False,
            warmup_concurrency: int | None = None) -> list[Measurement]:
    """Start every contender, warm each up, then measure them interleaved ``runs`` times.

    All contenders run at once (idle ones cost next to nothing) so that round k of every
    contender is taken within seconds of the others.  ``drain`` seconds pass before each
    run: when wrk stops, requests it left in a server's listen queue are still served, and a
    slow server would carry them into the next run.  Where that backlog would take longer
    than a pause (a slow endpoint and many connections), pass ``fresh=True``: each run then
    starts its contender anew, warms it up and stops it afterwards -- still interleaved.
    ``measure`` (default :func:`course.load.measure`) is called as ``measure(url,
    concurrency=, duration=, tool=, cpu=)``; tests pass a fake one.  ``warmup_concurrency``
    (default: the run's) keeps a warm-up from leaving a long queue behind on a slow endpoint.
    """
    measure = measure or load.measure
    load_cpu = LOAD_CPU if can_pin() else None
    results = {c.name: Measurement(c.name) for c in contenders}
    by_name = {c.name: c for c in contenders}
    order = schedule([c.name for c in contenders], runs)

    def one(contender: Contender, url: str, seconds: float,
            connections: int | None = None) -> load.LoadResult:
        connections = connections or contender.concurrency or concurrency
        return measure(url + contender.path, concurrency=connections, duration=seconds,
                       tool=tool, cpu=load_cpu)

    def record(k: int, name: str, result: load.LoadResult) -> None:
        results[name].runs.append(result)
        progress(f"  round {k}/{runs}  {name:<30} {result.rps:>10,.0f} req/s")

    if fresh:
        for k, name in order:
            with by_name[name].start() as server:
                if warmup:
                    one(by_name[name], server.url, warmup,
                        by_name[name].warmup_concurrency or warmup_concurrency)
                if drain:
                    time.sleep(drain)  # not synchronisation: lets queued requests finish
                record(k, name, one(by_name[name], server.url, duration))
        return [results[c.name] for c in contenders]

    with contextlib.ExitStack() as stack:
        urls = {c.name: stack.enter_context(c.start()).url for c in contenders}
        if warmup:
            for contender in contenders:
                one(contender, urls[contender.name], warmup,
                    contender.warmup_concurrency or warmup_concurrency)
        for k, name in order:
            if drain:
                time.sleep(drain)  # not synchronisation: lets queued requests finish
            record(k, name, one(by_name[name], urls[name], duration))
    return [results[c.name] for c in contenders]


def ratios(results: Sequence[Measurement], subject: str, metric: str = "rps") -> list[Ratio]:
    """``subject / other`` pair by pair for every other contender with a non-zero metric."""
    by_name = {m.name: m for m in results}
    base = by_name[subject].values(metric)
    found = []
    for m in results:
        if m.name == subject:
            continue
        pairs = pair_ratios(base, m.values(metric))
        if pairs:
            found.append(Ratio(subject, m.name, pairs, metric))
    return found


def ratio_lines(results: Sequence[Measurement], subject: str, metric: str = "rps") -> list[str]:
    """``subject / other = 1.23× (spread 1.10–1.40 over 3 pairs)`` for every other contender.

    The ratio comes first (``= 1.23×``) as it always did; the spread follows, and a spread that
    contains 1.0 ends in "no clear difference".
    """
    return [r.line() for r in ratios(results, subject, metric)]


def format_table(results: Sequence[Measurement]) -> str:
    """A fixed-width table: median rps and its min-max, p50/p99 latency, failures, load tool."""
    def ms(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    header = (f"{'server':<30}{'req/s':>10}{'min–max':>18}{'p50 ms':>9}{'p99 ms':>9}"
              f"{'failed':>8}  tool")
    lines = [header, "-" * 92]
    for m in results:
        values = m.values("rps")
        low_high = f"{min(values):,.0f}–{max(values):,.0f}" if values else "-"
        lines.append(f"{m.name:<30}{m.rps:>10,.0f}{low_high:>18}{ms(m.median('p50_ms')):>9}"
                     f"{ms(m.median('p99_ms')):>9}{m.failed:>8}  {m.tool}")
    return "\n".join(lines)


def to_json(results: Sequence[Measurement], subject: str | None = None) -> dict[str, Any]:
    """Everything a plot or a later report needs, as plain JSON-able data."""
    data: dict[str, Any] = {
        "tool": results[0].tool if results else "?",
        "pinned": can_pin(),
        "contenders": [{"name": m.name, "rps": m.values("rps"),
                        "p50_ms": m.values("p50_ms"), "p99_ms": m.values("p99_ms"),
                        "failed": m.failed, "median_rps": m.rps} for m in results],
    }
    if subject is not None:
        data["ratios"] = [r.as_dict() for r in ratios(results, subject)]
    return data
