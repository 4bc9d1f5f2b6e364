"""Exercise 13.4 -- solution: pair, summarize, decide (see the stub for the task)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def paired_ratios(a_runs: Sequence[float], b_runs: Sequence[float]) -> list[float]:
    """``[a_runs[k] / b_runs[k] for every round k]``.

    ``paired_ratios([100, 300], [50, 100]) == [2.0, 3.0]``.
    """
    if len(a_runs) != len(b_runs):
        raise ValueError(f"{len(a_runs)} runs of A but {len(b_runs)} of B: rounds must pair up")
    if not a_runs:
        raise ValueError("no runs to compare")
    if any(b == 0 for b in b_runs):
        raise ValueError("a run of B measured 0: a ratio to nothing means nothing")
    return [a / b for a, b in zip(a_runs, b_runs, strict=True)]


def summarize(ratios: Sequence[float]) -> tuple[float, float, float]:
    """``(median, lowest, highest)`` of the ratios; ``ValueError`` when there are none."""
    if not ratios:
        raise ValueError("no ratios to summarize")
    return statistics.median(ratios), min(ratios), max(ratios)


def verdict(a_runs: Sequence[float], b_runs: Sequence[float], a_name: str = "A",
            b_name: str = "B") -> str:
    """One line for a report, for runs where higher is better (requests per second):

    * ``"A is faster: A / B = 1.25× (spread 1.10–1.40)"`` when every pair is above 1;
    * ``"B is faster: A / B = 0.80× (spread 0.70–0.90)"`` when every pair is below 1;
    * ``"no clear difference: A / B = 1.02× (spread 0.90–1.20)"`` when the spread contains 1.0;
    * fewer than 2 rounds: ``ValueError`` (one pair has no spread to judge by).

    Numbers with two decimals; the names are ``a_name`` and ``b_name``.
    """
    ratios = paired_ratios(a_runs, b_runs)
    if len(ratios) < 2:
        raise ValueError("one round gives one pair and no spread: measure at least 2 rounds")
    median, low, high = summarize(ratios)
    numbers = f"{a_name} / {b_name} = {median:.2f}× (spread {low:.2f}–{high:.2f})"
    if low <= 1.0 <= high:
        return f"no clear difference: {numbers}"
    winner = a_name if low > 1.0 else b_name
    return f"{winner} is faster: {numbers}"
