"""Exercise 13.4 -- read a benchmark honestly: ratios pair by pair, their spread, a verdict.

A benchmark on a shared machine measured servers A and B in interleaved rounds -- A, B, A, B,
A, B -- so round k of A and round k of B were taken seconds apart, under the same load from
everything else on the machine.  The machine's speed drifts between rounds; within a round
it hardly does.  So:

* compare *pairs*: ``a_runs[k] / b_runs[k]`` for each round k -- never sort the runs first
  (that pairs A's best round with B's best, taken minutes apart), and never divide the two
  medians (that throws the pairing away);
* summarise the ratios by their median and their min–max spread;
* a spread that contains 1.0 (``low <= 1.0 <= high``) means A won some rounds and B others:
  say "no clear difference", whatever the median is.

Predict first: A = [900, 1200, 1000] req/s, B = [1000, 1000, 1000] -- is A faster?

Functions to write:

    paired_ratios(a_runs, b_runs) -> list[float]
    summarize(ratios) -> tuple[float, float, float]           # (median, low, high)
    verdict(a_runs, b_runs, a_name="A", b_name="B") -> str

Rules: standard library only (``statistics``); ``ValueError`` for runs of different lengths,
for no runs at all, and for a run of 0 in ``b_runs`` (a ratio to nothing).
"""

from __future__ import annotations

from collections.abc import Sequence


def paired_ratios(a_runs: Sequence[float], b_runs: Sequence[float]) -> list[float]:
    """``[a_runs[k] / b_runs[k] for every round k]``.

    ``paired_ratios([100, 300], [50, 100]) == [2.0, 3.0]``.
    """
    raise NotImplementedError("exercise 13.4: divide round k of A by round k of B")


def summarize(ratios: Sequence[float]) -> tuple[float, float, float]:
    """``(median, lowest, highest)`` of the ratios; ``ValueError`` when there are none."""
    raise NotImplementedError("exercise 13.4: statistics.median, min and max")


def verdict(a_runs: Sequence[float], b_runs: Sequence[float], a_name: str = "A",
            b_name: str = "B") -> str:
    """One line for a report, for runs where higher is better (requests per second):

    * ``"A is faster: A / B = 1.25× (spread 1.10–1.40)"`` when every pair is above 1;
    * ``"B is faster: A / B = 0.80× (spread 0.70–0.90)"`` when every pair is below 1;
    * ``"no clear difference: A / B = 1.02× (spread 0.90–1.20)"`` when the spread contains 1.0;
    * fewer than 2 rounds: ``ValueError`` (one pair has no spread to judge by).

    Numbers with two decimals; the names are ``a_name`` and ``b_name``.
    """
    raise NotImplementedError("exercise 13.4: pair, summarize, then decide")
