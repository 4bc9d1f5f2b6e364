"""Graded tests for exercise 6.3: the worker-count rule of thumb and the concurrency model."""

from __future__ import annotations

import os

import pytest


def test_usable_cores(exercise):
    if hasattr(os, "sched_getaffinity"):
        want = len(os.sched_getaffinity(0))
    else:
        want = os.cpu_count() or 1
    got = exercise.usable_cores()
    assert got == want, (f"usable_cores() returned {got!r}; this process may run on {want} "
                         "core(s) (os.sched_getaffinity(0) where it exists, else os.cpu_count())")


@pytest.mark.parametrize("cores, want", [(1, 3), (2, 5), (4, 9), (16, 33)])
def test_rule_of_thumb(exercise, cores, want):
    got = exercise.rule_of_thumb(cores)
    assert got == want, f"rule_of_thumb({cores}) should be 2 * {cores} + 1 = {want}, got {got!r}"


def test_rule_of_thumb_rejects_no_cores(exercise):
    with pytest.raises(ValueError):
        exercise.rule_of_thumb(0)


@pytest.mark.parametrize("args, want", [
    ((1, 1, 0.1), 10.0), ((4, 1, 0.1), 40.0), ((2, 8, 0.1), 160.0), ((3, 4, 0.05), 240.0),
])
def test_capacity_rps(exercise, args, want):
    got = exercise.capacity_rps(*args)
    assert got == pytest.approx(want), (
        f"capacity_rps{args} should be workers * threads / seconds = {want}, got {got!r}")


@pytest.mark.parametrize("args", [(0, 1, 0.1), (1, 0, 0.1), (1, 1, 0), (1, 1, -0.1)])
def test_capacity_rps_rejects_non_positive(exercise, args):
    with pytest.raises(ValueError):
        exercise.capacity_rps(*args)


@pytest.mark.parametrize("args, want", [
    ((50, 0.1), 5), ((51, 0.1), 6), ((30, 0.1), 3), ((100, 0.1, 4), 3), ((1, 0.1), 1),
    ((0.5, 0.1), 1), ((1000, 0.1, 25), 4), ((70, 0.1, 7), 1),
])
def test_workers_needed(exercise, args, want):
    got = exercise.workers_needed(*args)
    assert got == want, (f"workers_needed{args} should be {want} (the fewest workers with "
                         f"workers * threads / seconds >= target, at least 1), got {got!r}")
    assert isinstance(got, int), f"workers_needed should return an int, got {type(got).__name__}"


@pytest.mark.parametrize("args", [(0, 0.1), (10, 0), (10, 0.1, 0)])
def test_workers_needed_rejects_non_positive(exercise, args):
    with pytest.raises(ValueError):
        exercise.workers_needed(*args)
