"""Graded tests for exercise 13.4: ratios pair by pair, their spread, and an honest verdict."""

from __future__ import annotations

import pytest


def _raises_value_error(call, description: str, rule: str) -> None:
    try:
        call()
    except ValueError:
        return
    pytest.fail(f"{description} should raise ValueError: {rule}", pytrace=False)


def test_paired_ratios_divide_round_by_round(exercise):
    got = exercise.paired_ratios([100, 300, 200], [50, 100, 100])
    assert got == pytest.approx([2.0, 3.0, 2.0]), (
        f"paired_ratios([100, 300, 200], [50, 100, 100]) should be [2.0, 3.0, 2.0] (round k of "
        f"A over round k of B, in round order), got {got!r}")


def test_paired_ratios_keep_the_rounds_paired_not_sorted(exercise):
    # Sorting both lists would pair A's 300 with B's 300: three ratios of about 1.
    got = exercise.paired_ratios([300, 100, 200], [100, 300, 200])
    assert got == pytest.approx([3.0, 1 / 3, 1.0]), (
        f"paired_ratios([300, 100, 200], [100, 300, 200]) should be [3.0, 0.333…, 1.0]: round "
        f"1 with round 1, round 2 with round 2 -- never sorted. Got {got!r}")


@pytest.mark.parametrize("a, b, rule", [
    ([1, 2], [1], "A and B need the same number of rounds"),
    ([], [], "there is nothing to compare"),
    ([1, 2], [1, 0], "a run of 0 in B makes the ratio meaningless"),
])
def test_paired_ratios_reject_bad_runs(exercise, a, b, rule):
    _raises_value_error(lambda: exercise.paired_ratios(a, b), f"paired_ratios({a}, {b})", rule)


def test_summarize(exercise):
    got = exercise.summarize([1.3, 0.9, 1.1, 1.0])
    assert tuple(got) == pytest.approx((1.05, 0.9, 1.3)), (
        f"summarize([1.3, 0.9, 1.1, 1.0]) should be (median 1.05, low 0.9, high 1.3), got {got!r}")
    _raises_value_error(lambda: exercise.summarize([]), "summarize([])", "no ratios")


@pytest.mark.parametrize("a, b, want", [
    ([1250, 1100, 1400], [1000, 1000, 1000], "A is faster: A / B = 1.25× (spread 1.10–1.40)"),
    ([800, 700, 900], [1000, 1000, 1000], "B is faster: A / B = 0.80× (spread 0.70–0.90)"),
    ([900, 1200, 1000], [1000, 1000, 1000],
     "no clear difference: A / B = 1.00× (spread 0.90–1.20)"),
    ([1000, 1300], [1000, 1000], "no clear difference: A / B = 1.15× (spread 1.00–1.30)"),
])
def test_verdict(exercise, a, b, want):
    got = exercise.verdict(a, b)
    assert got == want, (
        f"verdict({a}, {b}) should be {want!r} (a spread that contains 1.0, even at its edge, "
        f"is no clear difference), got {got!r}")


def test_verdict_pairs_rounds_instead_of_dividing_medians(exercise):
    # The machine slowed down in round 2 for both. Medians: 1000 / 1000 = 1.00; pair by pair
    # A won every round.
    a, b = [1000, 600, 1500], [900, 500, 1000]
    got = exercise.verdict(a, b, "ours", "theirs")
    want = "ours is faster: ours / theirs = 1.20× (spread 1.11–1.50)"
    assert got == want, (
        f"verdict({a}, {b}, 'ours', 'theirs') should be {want!r}: round by round ours was "
        f"ahead every time, though the medians are equal. Got {got!r}")


def test_verdict_needs_two_rounds(exercise):
    _raises_value_error(lambda: exercise.verdict([1200], [1000]), "verdict([1200], [1000])",
                        "one pair has no spread to judge by")
